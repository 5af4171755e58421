import Foundation

/// What may happen to a room call. Client commands carry the acting user and a snapshot of the
/// room (roster, validity, settings) loaded by the handler, so the decider stays pure.
public enum CallCommand: Sendable {
    /// A roster member joins the room's call (the first one starts it).
    case join(ClientContext)
    case leave(ClientContext)
    case act(InCallAction, ClientContext)
    /// Policies: the room's own changes reaching its call.
    case end(CallEndReason, now: Date)
    case drop(rawId: String, reason: CallRemovalReason, now: Date)
    case applyRole(rawId: String, role: Role, now: Date)
    /// Call Automation: a server application connects to the room's call, then acts through its connection.
    case connect(ConnectCall)
    case automate(AutomationAction, AutomationContext)
    /// What the telephone network and the media clock report.
    case progress(CallProgress, now: Date)
    case record(RecordingAction, now: Date)

    /// The command's name as the audit trail records it.
    public var name: String {
        switch self {
        case .connect: "ConnectCall"
        case .automate(let action, _): action.commandName
        case .progress(let progress, _): progress.commandName
        case .record(let action, _):
            switch action {
            case .start: "StartRecording"
            case .pause: "PauseRecording"
            case .resume: "ResumeRecording"
            case .stop: "StopRecording"
            }
        case .join: "JoinCall"
        case .leave: "LeaveCall"
        case .act(let action, _): action.commandName
        case .end: "EndCall"
        case .drop: "DropCallParticipant"
        case .applyRole: "ApplyCallRole"
        }
    }
}

/// Who acts, in which room as it is now, and when.
public struct ClientContext: Sendable {
    public var actor: CommunicationIdentifier
    public var callId: String
    public var room: Room
    public var now: Date

    public init(actor: CommunicationIdentifier, callId: String, room: Room, now: Date) {
        self.actor = actor
        self.callId = callId
        self.room = room
        self.now = now
    }
}

/// The in-call actions of the capability table.
public enum InCallAction: Equatable, Sendable {
    case setMicrophone(muted: Bool)
    case setVideo(on: Bool)
    case setScreenShare(on: Bool)
    case mute(rawId: String)
    case remove(rawId: String)
    case invite(rawId: String)
    case dialOut(phoneNumber: String)

    public var commandName: String {
        switch self {
        case .setMicrophone(let muted): muted ? "MuteSelf" : "UnmuteSelf"
        case .setVideo(let on): on ? "StartVideo" : "StopVideo"
        case .setScreenShare(let on): on ? "StartScreenShare" : "StopScreenShare"
        case .mute: "MuteParticipant"
        case .remove: "RemoveParticipant"
        case .invite: "InviteParticipant"
        case .dialOut: "DialOutPSTN"
        }
    }

    /// The capability the actor needs. Muting oneself asks for the microphone capability too: a
    /// Consumer has no microphone in the call to mute.
    public var requiredCapability: Capability {
        switch self {
        case .setMicrophone: .unmuteMicrophone
        case .setVideo: .turnVideoOn
        case .setScreenShare: .shareScreen
        case .mute: .muteOthers
        case .remove: .removeParticipant
        case .invite: .addCommunicationUser
        case .dialOut: .addPhoneNumber
        }
    }
}

/// Why a participant was taken out of a call by someone else.
public enum CallRemovalReason: String, Codable, Sendable {
    case removedByParticipant = "RemovedByParticipant"
    /// A server application's call connection removed them (Call Automation).
    case removedByApplication = "RemovedByApplication"
    case removedFromRoster = "RemovedFromRoster"
    case callEnded = "CallEnded"
}

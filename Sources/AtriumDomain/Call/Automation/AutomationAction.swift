import Foundation

/// A server application connecting to a room's call (ACS `callConnections:connect` with a
/// `roomCallLocator`). Connecting to a room with no call in progress starts one.
public struct ConnectCall: Sendable {
    public var connectionId: String
    /// The call's id if this connect starts it.
    public var callId: String
    public var callbackUri: String
    public var operationContext: String?
    public var application: String
    /// The room as it is now.
    public var room: Room
    public var now: Date
    /// The api-version of the connect request, which decides the shape of the connection's callbacks.
    public var apiVersion: String?

    public init(
        connectionId: String, callId: String, callbackUri: String, operationContext: String?, application: String,
        room: Room, now: Date, apiVersion: String? = nil
    ) {
        self.connectionId = connectionId
        self.callId = callId
        self.callbackUri = callbackUri
        self.operationContext = operationContext
        self.application = application
        self.room = room
        self.now = now
        self.apiVersion = apiVersion
    }
}

/// Which connection acts, in which room as it is now, and when. Call Automation stands above the
/// room's roles: only the room's own settings (PSTN dial-out, the roster for invitations) apply.
public struct AutomationContext: Sendable {
    public var connectionId: String
    public var room: Room
    public var now: Date

    public init(connectionId: String, room: Room, now: Date) {
        self.connectionId = connectionId
        self.room = room
        self.now = now
    }
}

/// A participant to bring into the call: a phone number (dialled, with a caller id) or a room member.
public struct AddParticipant: Sendable {
    public var invitationId: String
    public var rawId: String
    public var sourceCallerIdNumber: String?
    public var invitationTimeoutSeconds: Int
    public var operationContext: String?

    public init(
        invitationId: String, rawId: String, sourceCallerIdNumber: String?, invitationTimeoutSeconds: Int,
        operationContext: String?
    ) {
        self.invitationId = invitationId
        self.rawId = rawId
        self.sourceCallerIdNumber = sourceCallerIdNumber
        self.invitationTimeoutSeconds = invitationTimeoutSeconds
        self.operationContext = operationContext
    }
}

/// What a call connection may do (ACS Call Automation's call connection and call media operations).
public enum AutomationAction: Sendable {
    case add(AddParticipant)
    case cancelAdd(invitationId: String, operationContext: String?)
    case remove(rawId: String, operationContext: String?)
    case mute(rawId: String, operationContext: String?)
    case hold(rawId: String, operationContext: String?)
    case unhold(rawId: String, operationContext: String?)
    /// This connection leaves; the call goes on while anyone is in it.
    case hangUp
    /// Everyone is disconnected and the call ends.
    case terminate
    case play(PlayOperation, interrupt: Bool)
    case recognize(RecognizeOperation)
    case startContinuousDtmf(rawId: String, operationContext: String?)
    case stopContinuousDtmf(rawId: String, operationContext: String?)
    case sendDtmf(SendDtmfOperation)
    case cancelMedia

    public var commandName: String {
        switch self {
        case .add(let add): add.rawId.hasPrefix("4:") ? "DialOutPSTN" : "AddParticipant"
        case .cancelAdd: "CancelAddParticipant"
        case .remove: "RemoveParticipant"
        case .mute: "MuteParticipant"
        case .hold: "HoldParticipant"
        case .unhold: "UnholdParticipant"
        case .hangUp: "HangUp"
        case .terminate: "TerminateCall"
        case .play: "Play"
        case .recognize: "Recognize"
        case .startContinuousDtmf: "StartContinuousDtmfRecognition"
        case .stopContinuousDtmf: "StopContinuousDtmfRecognition"
        case .sendDtmf: "SendDtmfTones"
        case .cancelMedia: "CancelAllMediaOperations"
        }
    }
}

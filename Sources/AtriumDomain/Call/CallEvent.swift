import Foundation

/// What happened in a room call.
public enum CallEvent: Equatable, Sendable {
    case started(CallStarted)
    case participantJoined(CallParticipantJoined)
    case participantLeft(CallParticipantLeft)
    case participantRemoved(CallParticipantRemoved)
    case participantMuted(CallParticipantMuted)
    case participantUnmuted(CallParticipantUnmuted)
    case videoChanged(CallParticipantVideoChanged)
    case screenShareChanged(CallParticipantScreenShareChanged)
    case participantInvited(CallParticipantInvited)
    case dialOutRequested(CallDialOutRequested)
    case participantRoleChanged(CallParticipantRoleChanged)
    case ended(CallEnded)
    // Call Automation: connections, participants added and held
    case applicationConnected(CallApplicationConnected)
    case applicationDisconnected(CallApplicationDisconnected)
    case dialOutRinging(CallDialOutRinging)
    case dialOutAnswered(CallDialOutAnswered)
    case dialOutFailed(CallDialOutFailed)
    case invitationExpired(CallInvitationExpired)
    case addCanceled(CallAddParticipantCanceled)
    case holdChanged(CallParticipantHoldChanged)
    // Media
    case playRequested(PlayOperation)
    case playStarted(CallMediaOperationEvent)
    case playCompleted(CallMediaOperationEvent)
    case playCanceled(CallMediaOperationEvent)
    case playFailed(CallPlayFailed)
    case recognizeStarted(RecognizeOperation)
    case tonesReceived(CallTonesReceived)
    case recognizeCompleted(CallRecognizeCompleted)
    case recognizeFailed(CallRecognizeFailed)
    case recognizeCanceled(CallMediaOperationEvent)
    case continuousDtmfStarted(CallMedia.ContinuousDtmf)
    case continuousDtmfStopped(CallMedia.ContinuousDtmf)
    case dtmfSendRequested(SendDtmfOperation)
    case dtmfSent(CallMediaOperationEvent)
    // Recording
    case recordingStarted(CallRecording)
    case recordingStateChanged(CallRecordingStateChanged)
    case recordingStopped(CallRecordingStopped)
    case recordingFileReady(CallRecordingFileReady)
}

public struct CallStarted: Codable, Equatable, Sendable {
    public var callId: String
    public var roomId: String
    public var startedBy: String
    /// The starter's role in the room (nil for a server application; absent from the first events).
    public var startedByRole: Role?
}

public struct CallParticipantJoined: Codable, Equatable, Sendable {
    public var rawId: String
    public var role: Role
}

public struct CallParticipantLeft: Codable, Equatable, Sendable {
    public var rawId: String
    /// A phone leg's end as the network reported it ("BYE from the far end"); nil for a client's leave.
    public var cause: String?

    public init(rawId: String, cause: String? = nil) {
        self.rawId = rawId
        self.cause = cause
    }
}

public struct CallParticipantRemoved: Codable, Equatable, Sendable {
    public var rawId: String
    public var reason: CallRemovalReason
    /// The participant who removed them; nil when a policy did.
    public var removedBy: String?
    /// The call connection that removed them, and the context it gave (Call Automation).
    public var connectionId: String?
    public var operationContext: String?

    public init(
        rawId: String, reason: CallRemovalReason, removedBy: String?, connectionId: String? = nil,
        operationContext: String? = nil
    ) {
        self.rawId = rawId
        self.reason = reason
        self.removedBy = removedBy
        self.connectionId = connectionId
        self.operationContext = operationContext
    }
}

public struct CallParticipantMuted: Codable, Equatable, Sendable {
    public var rawId: String
    public var mutedBy: String
}

public struct CallParticipantUnmuted: Codable, Equatable, Sendable {
    public var rawId: String
}

public struct CallParticipantVideoChanged: Codable, Equatable, Sendable {
    public var rawId: String
    public var on: Bool
}

public struct CallParticipantScreenShareChanged: Codable, Equatable, Sendable {
    public var rawId: String
    public var on: Bool
}

public struct CallParticipantInvited: Codable, Equatable, Sendable {
    public var rawId: String
    public var invitedBy: String
    /// Set when a call connection adds them (Call Automation): the add's outcome goes to its callback.
    public var invitation: CallInvitation?

    public init(rawId: String, invitedBy: String, invitation: CallInvitation? = nil) {
        self.rawId = rawId
        self.invitedBy = invitedBy
        self.invitation = invitation
    }
}

/// A Presenter or a call connection asked for a phone to be dialled; the leg is "connecting" until
/// the telephony gateway reports it answered or failed.
public struct CallDialOutRequested: Codable, Equatable, Sendable {
    /// The leg's raw id, `4:+<E.164>`.
    public var phoneNumber: String
    public var requestedBy: String
    /// The number the callee sees (Call Automation's `sourceCallerIdNumber`).
    public var sourceCallerIdNumber: String?
    /// Set when a call connection dials (Call Automation).
    public var invitation: CallInvitation?

    public init(
        phoneNumber: String, requestedBy: String, sourceCallerIdNumber: String? = nil,
        invitation: CallInvitation? = nil
    ) {
        self.phoneNumber = phoneNumber
        self.requestedBy = requestedBy
        self.sourceCallerIdNumber = sourceCallerIdNumber
        self.invitation = invitation
    }

    /// How long the phone rings before the attempt counts as unanswered.
    public var ringingTimeoutSeconds: Int { invitation?.timeoutSeconds ?? CallInvitation.defaultTimeoutSeconds }
}

/// A call connection's add-participant attempt, whose outcome reaches its callback.
public struct CallInvitation: Codable, Equatable, Sendable {
    public static let defaultTimeoutSeconds = 30

    public var invitationId: String
    public var connectionId: String
    public var operationContext: String?
    public var timeoutSeconds: Int

    public init(invitationId: String, connectionId: String, operationContext: String?, timeoutSeconds: Int) {
        self.invitationId = invitationId
        self.connectionId = connectionId
        self.operationContext = operationContext
        self.timeoutSeconds = timeoutSeconds
    }
}

public struct CallParticipantRoleChanged: Codable, Equatable, Sendable {
    public var rawId: String
    public var previousRole: Role
    public var role: Role
}

public struct CallEnded: Codable, Equatable, Sendable {
    public var reason: CallEndReason
}

// MARK: Call Automation

public struct CallApplicationConnected: Codable, Equatable, Sendable {
    public var connectionId: String
    public var callbackUri: String
    public var operationContext: String?
    public var application: String
    /// The api-version the connection was made with: its callbacks take that version's shape.
    /// Absent in events recorded before it was kept (those connections hear the newest shape).
    public var apiVersion: String?
}

public struct CallApplicationDisconnected: Codable, Equatable, Sendable {
    public var connectionId: String
}

/// The carrier reports the phone leg ringing (the far end's first provisional answer).
public struct CallDialOutRinging: Codable, Equatable, Sendable {
    public var rawId: String
    /// 180, or 183 when the far end sends early media.
    public var sipCode: Int
}

/// The carrier reports the phone leg answered: it is in the call.
public struct CallDialOutAnswered: Codable, Equatable, Sendable {
    public var rawId: String
    /// The final answer's status, when a SIP trunk carried the leg.
    public var sipCode: Int?

    public init(rawId: String, sipCode: Int? = nil) {
        self.rawId = rawId
        self.sipCode = sipCode
    }
}

/// The phone leg never connected: busy, unanswered, declined or unreachable.
public struct CallDialOutFailed: Codable, Equatable, Sendable {
    public var rawId: String
    public var failure: PhoneLegFailure
}

/// A room member added by a call connection did not join in time.
public struct CallInvitationExpired: Codable, Equatable, Sendable {
    public var rawId: String
    public var invitationId: String
}

public struct CallAddParticipantCanceled: Codable, Equatable, Sendable {
    public var rawId: String
    public var invitationId: String
    /// The connection that canceled, and the context it gave.
    public var connectionId: String
    public var operationContext: String?
}

public struct CallParticipantHoldChanged: Codable, Equatable, Sendable {
    public var rawId: String
    public var onHold: Bool
}

// MARK: Media

/// A media operation's step (started, completed, canceled, sent), named by its id.
public struct CallMediaOperationEvent: Codable, Equatable, Sendable {
    public var operationId: String
}

/// A play that stopped because a source could not be played.
public struct CallPlayFailed: Codable, Equatable, Sendable {
    public var operationId: String
    public var failure: PlayFailure
}

/// Keys pressed on a participant's line.
public struct CallTonesReceived: Codable, Equatable, Sendable {
    public var rawId: String
    public var tones: [DtmfTone]
}

public struct CallRecognizeCompleted: Codable, Equatable, Sendable {
    public var operationId: String
    public var tones: [DtmfTone]
    public var completion: RecognizeCompletion
}

/// Nothing was pressed before the initial silence timeout.
public struct CallRecognizeFailed: Codable, Equatable, Sendable {
    public var operationId: String
}

// MARK: Recording

public struct CallRecordingStateChanged: Codable, Equatable, Sendable {
    public var recordingId: String
    public var state: CallRecording.State
}

public struct CallRecordingStopped: Codable, Equatable, Sendable {
    public var recordingId: String
}

/// A recording's file is written and can be downloaded.
public struct CallRecordingFileReady: Codable, Equatable, Sendable {
    public var recordingId: String
    public var file: RecordingFile
}

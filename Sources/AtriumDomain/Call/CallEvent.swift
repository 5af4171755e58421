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
}

public struct CallParticipantRemoved: Codable, Equatable, Sendable {
    public var rawId: String
    public var reason: CallRemovalReason
    /// The participant who removed them; nil when a policy did.
    public var removedBy: String?
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
}

/// A Presenter asked for a phone to be dialled; the leg is "connecting" until the telephony
/// gateway reports it answered or failed.
public struct CallDialOutRequested: Codable, Equatable, Sendable {
    /// The leg's raw id, `4:+<E.164>`.
    public var phoneNumber: String
    public var requestedBy: String
}

public struct CallParticipantRoleChanged: Codable, Equatable, Sendable {
    public var rawId: String
    public var previousRole: Role
    public var role: Role
}

public struct CallEnded: Codable, Equatable, Sendable {
    public var reason: CallEndReason
}

import Foundation

/// What happened to a room. These are the facts in the log; every read model is derived from them.
public enum RoomEvent: Equatable, Sendable {
    case created(RoomCreated)
    case updated(RoomUpdated)
    case participantAdded(RoomParticipantAdded)
    case participantRoleChanged(RoomParticipantRoleChanged)
    case participantRemoved(RoomParticipantRemoved)
    case deleted(RoomDeleted)
    case callStarted(RoomCallStarted)
}

public struct RoomCreated: Codable, Equatable, Sendable {
    public var roomId: String
    public var createdAt: Date
    public var validFrom: Date
    public var validUntil: Date
    public var pstnDialOutEnabled: Bool
}

/// The room's properties after a change (all of them, so a reader needs no earlier event).
public struct RoomUpdated: Codable, Equatable, Sendable {
    public var validFrom: Date
    public var validUntil: Date
    public var pstnDialOutEnabled: Bool
}

public struct RoomParticipantAdded: Codable, Equatable, Sendable {
    public var rawId: String
    public var role: Role
}

public struct RoomParticipantRoleChanged: Codable, Equatable, Sendable {
    public var rawId: String
    public var previousRole: Role
    public var role: Role
}

public struct RoomParticipantRemoved: Codable, Equatable, Sendable {
    public var rawId: String
    public var previousRole: Role
}

public struct RoomDeleted: Codable, Equatable, Sendable {
    public init() {}
}

/// A new call of the room began (its own history is in stream `call-{callId}`). Recorded on the room
/// so that two users joining at once start one call, not two: the room's version decides.
public struct RoomCallStarted: Codable, Equatable, Sendable {
    public var callId: String

    public init(callId: String) {
        self.callId = callId
    }
}

import Foundation

/// What a client may ask of a room. Raw values arrive unvalidated: checking them is the decider's job.
public enum RoomCommand: Sendable {
    case create(CreateRoom)
    case update(UpdateRoom)
    case changeRoster(ChangeRoster)
    case delete(DeleteRoom)
    case startCall(StartRoomCall)

    /// The command's name as the audit trail records it.
    public var name: String {
        switch self {
        case .create: "CreateRoom"
        case .update: "UpdateRoom"
        case .changeRoster: "ChangeRoomRoster"
        case .delete: "DeleteRoom"
        case .startCall: "StartRoomCall"
        }
    }
}

/// One requested roster change: a role to set (nil means the default role), or removal.
public struct RosterChange: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case set(role: String?)
        case remove
    }

    public var rawId: String
    public var action: Action

    public init(rawId: String, action: Action) {
        self.rawId = rawId
        self.action = action
    }
}

public struct CreateRoom: Sendable {
    public var roomId: RoomId
    public var now: Date
    public var validFrom: Date?
    public var validUntil: Date?
    public var pstnDialOutEnabled: Bool?
    public var participants: [RosterChange]
    public var apiVersion: RoomsAPIVersion

    public init(
        roomId: RoomId, now: Date, validFrom: Date? = nil, validUntil: Date? = nil, pstnDialOutEnabled: Bool? = nil,
        participants: [RosterChange] = [], apiVersion: RoomsAPIVersion = .latest
    ) {
        self.roomId = roomId
        self.now = now
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.pstnDialOutEnabled = pstnDialOutEnabled
        self.participants = participants
        self.apiVersion = apiVersion
    }
}

/// A merge-patch of the room's properties: nil leaves a property unchanged.
public struct UpdateRoom: Sendable {
    public var now: Date
    public var validFrom: Date?
    public var validUntil: Date?
    public var pstnDialOutEnabled: Bool?

    public init(now: Date, validFrom: Date? = nil, validUntil: Date? = nil, pstnDialOutEnabled: Bool? = nil) {
        self.now = now
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.pstnDialOutEnabled = pstnDialOutEnabled
    }
}

public struct ChangeRoster: Sendable {
    public var changes: [RosterChange]
    public var apiVersion: RoomsAPIVersion

    public init(changes: [RosterChange], apiVersion: RoomsAPIVersion = .latest) {
        self.changes = changes
        self.apiVersion = apiVersion
    }
}

public struct DeleteRoom: Sendable {
    public init() {}
}

/// Begin a new call in the room, when the call the caller found (`replacing`, nil for none) has ended.
public struct StartRoomCall: Sendable {
    public var callId: String
    public var replacing: String?

    public init(callId: String, replacing: String?) {
        self.callId = callId
        self.replacing = replacing
    }
}

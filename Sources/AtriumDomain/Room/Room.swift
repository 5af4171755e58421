import Foundation

/// The Room aggregate's state: what the rules need to know about one room, folded from its events.
public struct Room: Equatable, Sendable {
    public enum Lifecycle: Equatable, Sendable {
        case notCreated
        case active
        case deleted
    }

    public var lifecycle: Lifecycle = .notCreated
    public var id: RoomId?
    public var createdAt: Date = .distantPast
    public var validity = RoomValidity(validFrom: .distantPast, validUntil: .distantPast)
    public var pstnDialOutEnabled = false
    public var roster = Roster()
    /// The room's most recent call; whether it is still going is the Call aggregate's to say.
    public var currentCallId: String?

    public init() {}

    public var isActive: Bool { lifecycle == .active }

    /// Whether the room's window is open at `now` (validFrom inclusive, validUntil exclusive).
    public func isValid(at now: Date) -> Bool {
        validity.validFrom <= now && now < validity.validUntil
    }
}

/// A room's participants and their roles, in the order they were first added.
public struct Roster: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var participant: CommunicationIdentifier
        public var role: Role
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public func role(of participant: CommunicationIdentifier) -> Role? {
        entries.first { $0.participant == participant }?.role
    }

    /// Adds a member at the end, or changes the role of one already there (keeping their place).
    mutating func set(_ participant: CommunicationIdentifier, to role: Role) {
        if let index = entries.firstIndex(where: { $0.participant == participant }) {
            entries[index].role = role
        } else {
            entries.append(Entry(participant: participant, role: role))
        }
    }

    mutating func remove(_ participant: CommunicationIdentifier) {
        entries.removeAll { $0.participant == participant }
    }
}

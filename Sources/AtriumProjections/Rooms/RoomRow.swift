import Foundation

/// A room as the `rooms` read model holds it.
public struct RoomRow: Equatable, Sendable {
    public var roomId: String
    public var createdAt: Date
    public var validFrom: Date
    public var validUntil: Date
    public var pstnDialOutEnabled: Bool
    /// Where the room sits in listings (its creation's log position): the paging cursor.
    public var listOrder: Int64
}

/// A roster entry as the `room_participants` read model holds it.
public struct RoomParticipantRow: Equatable, Sendable {
    public var rawId: String
    public var role: String
    public var listOrder: Int64
}

/// One page of a listing, and the cursor of the next page if there is one.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: Int64?
}

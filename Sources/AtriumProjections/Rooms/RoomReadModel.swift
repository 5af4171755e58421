import Foundation
import Logging
import PostgresNIO

/// Queries over the inline room read models (written in the append transaction, so a writer
/// always reads its own writes).
public struct RoomReadModel: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func room(_ roomId: String) async throws -> RoomRow? {
        let query: PostgresQuery = """
            SELECT room_id, created_at, valid_from, valid_until, pstn_dial_out_enabled, list_order
              FROM rooms WHERE room_id = \(roomId)
            """
        return try await rooms(query).first
    }

    /// Rooms in creation order, after the cursor.
    public func rooms(after cursor: Int64, limit: Int) async throws -> Page<RoomRow> {
        let query: PostgresQuery = """
            SELECT room_id, created_at, valid_from, valid_until, pstn_dial_out_enabled, list_order
              FROM rooms WHERE list_order > \(cursor) ORDER BY list_order LIMIT \(limit + 1)
            """
        return page(try await rooms(query), limit: limit, cursor: \.listOrder)
    }

    /// A room's participants in the order they were added, after the cursor; nil if there is no such room.
    public func participants(of roomId: String, after cursor: Int64, limit: Int) async throws
        -> Page<RoomParticipantRow>?
    {
        guard try await room(roomId) != nil else { return nil }
        let query: PostgresQuery = """
            SELECT raw_id, role, list_order FROM room_participants
             WHERE room_id = \(roomId) AND list_order > \(cursor) ORDER BY list_order LIMIT \(limit + 1)
            """
        var rows: [RoomParticipantRow] = []
        for try await (rawId, role, order) in try await client.query(query, logger: logger).decode(
            (String, String, Int64).self)
        {
            rows.append(RoomParticipantRow(rawId: rawId, role: role, listOrder: order))
        }
        return page(rows, limit: limit, cursor: \.listOrder)
    }

    private func rooms(_ query: PostgresQuery) async throws -> [RoomRow] {
        var rows: [RoomRow] = []
        for try await (id, createdAt, validFrom, validUntil, pstn, order) in try await client.query(
            query, logger: logger
        )
        .decode((String, Date, Date, Date, Bool, Int64).self) {
            rows.append(
                RoomRow(
                    roomId: id, createdAt: createdAt, validFrom: validFrom, validUntil: validUntil,
                    pstnDialOutEnabled: pstn,
                    listOrder: order))
        }
        return rows
    }

    /// Fetching one row more than asked tells whether a next page exists without a count query.
    private func page<Row>(_ rows: [Row], limit: Int, cursor: KeyPath<Row, Int64>) -> Page<Row> {
        guard rows.count > limit else { return Page(items: rows, nextCursor: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: items.last?[keyPath: cursor])
    }
}

import Foundation
import Logging
import PostgresNIO

/// Reading and resetting consumers' checkpoints (tests, and operators replaying a consumer).
public struct ConsumerPositions: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func position(of consumer: String) async throws -> LogPosition? {
        let query: PostgresQuery = """
            SELECT transaction_id::text::bigint, global_position FROM consumer_checkpoints WHERE consumer = \(consumer)
            """
        for try await (tx, position) in try await client.query(query, logger: logger).decode((Int64, Int64).self) {
            return LogPosition(transactionId: tx, globalPosition: position)
        }
        return nil
    }

    /// Every consumer with a checkpoint, by name, with its lag counted exactly.
    public func all() async throws -> [ConsumerStatus] {
        let query: PostgresQuery = """
            SELECT c.consumer, c.transaction_id::text::bigint, c.global_position, c.updated_at,
                   (SELECT count(*) FROM events e
                     WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))
              FROM consumer_checkpoints c
             ORDER BY c.consumer
            """
        var consumers: [ConsumerStatus] = []
        for try await (name, transaction, global, updatedAt, lag) in try await client.query(query, logger: logger)
            .decode((String, Int64, Int64, Date, Int64).self)
        {
            consumers.append(
                ConsumerStatus(
                    name: name, position: LogPosition(transactionId: transaction, globalPosition: global),
                    lag: Int(lag), updatedAt: updatedAt))
        }
        return consumers
    }

    /// Moves a consumer's checkpoint, so that it deals again with (or skips) the events after
    /// `position`; false when no consumer has that name.
    ///
    /// A node running the consumer finds out at its next batch: the checkpoint it meant to move
    /// from is gone, so the batch is rolled back and the consumer starts again from here (its
    /// effects are idempotent only as far as its handler makes them so: see the README).
    public func reset(_ consumer: String, to position: LogPosition) async throws -> Bool {
        let query: PostgresQuery = """
            UPDATE consumer_checkpoints
               SET transaction_id = \(String(position.transactionId))::xid8, global_position = \(position.globalPosition),
                   updated_at = now()
             WHERE consumer = \(consumer)
            RETURNING 1
            """
        return try await client.query(query, logger: logger).decode(Int32.self).first { _ in true } != nil
    }

    /// Moves `consumer`'s checkpoint from `old` to `new` inside the transaction of its effects,
    /// fenced on `old`: if another node moved it meanwhile, throws `ConsumerFenced` and the caller's
    /// transaction (effects included) rolls back. A consumer without a row yet starts from `.start`.
    public static func advance(
        _ consumer: String, from old: LogPosition, to new: LogPosition, on transaction: PostgresConnection,
        logger: Logger
    ) async throws {
        let query: PostgresQuery = """
            INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position)
            VALUES (\(consumer), \(String(new.transactionId))::xid8, \(new.globalPosition))
            ON CONFLICT (consumer) DO UPDATE
               SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position,
                   updated_at = now()
             WHERE consumer_checkpoints.transaction_id = \(String(old.transactionId))::xid8
               AND consumer_checkpoints.global_position = \(old.globalPosition)
            RETURNING 1
            """
        let moved = try await transaction.query(query, logger: logger).decode(Int32.self).first { _ in true }
        guard moved != nil else { throw ConsumerFenced(consumer: consumer) }
    }
}

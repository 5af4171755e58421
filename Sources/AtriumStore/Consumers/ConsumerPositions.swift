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
}

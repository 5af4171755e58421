import Logging
import PostgresNIO

/// Something that runs a query: the pool, or one connection inside a transaction.
///
/// Lets a statement be written once and run either way (consumers read and write inside their
/// checkpoint transaction; request handlers use the pool).
public protocol DatabaseExecutor: Sendable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: DatabaseExecutor {
    public func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: DatabaseExecutor {
    public func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

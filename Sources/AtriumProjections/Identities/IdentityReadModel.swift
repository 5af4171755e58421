import Foundation
import Logging
import PostgresNIO

/// Queries over the inline identity read model (written in the append transaction, so a revocation
/// is visible to the very next authentication).
public struct IdentityReadModel: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The identity, deleted or not; nil if it never existed.
    public func identity(_ rawId: String) async throws -> IdentityRow? {
        let query: PostgresQuery = """
            SELECT raw_id, created_at, tokens_revoked_at, deleted_at FROM identities WHERE raw_id = \(rawId)
            """
        for try await (id, createdAt, revokedAt, deletedAt) in try await client.query(query, logger: logger).decode(
            (String, Date, Date?, Date?).self)
        {
            return IdentityRow(rawId: id, createdAt: createdAt, tokensRevokedAt: revokedAt, deletedAt: deletedAt)
        }
        return nil
    }
}

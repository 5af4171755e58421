import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// Queries over the inline `event_subscriptions` read model (written in the append transaction by
/// `project_subscription`, so the API reads its own writes).
public struct SubscriptionReadModel: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The subscription named `name` (lower case, as `SubscriptionName.value`), if it exists.
    public func get(_ name: String) async throws -> SubscriptionRow? {
        try await rows(
            """
            SELECT \(unescaped: Self.columns) FROM event_subscriptions WHERE name = \(name)
            """
        ).first
    }

    /// Subscriptions in creation order, after the cursor (a creation's global position).
    public func page(after cursor: Int64, limit: Int) async throws -> Page<SubscriptionRow> {
        let rows = try await rows(
            """
            SELECT \(unescaped: Self.columns) FROM event_subscriptions
             WHERE created_position > \(cursor) ORDER BY created_position LIMIT \(limit + 1)
            """
        )
        guard rows.count > limit else { return Page(items: rows, nextCursor: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: items.last?.createdPosition.globalPosition)
    }

    /// Every subscription, validated or not, in creation order.
    public func all() async throws -> [SubscriptionRow] {
        try await rows(
            """
            SELECT \(unescaped: Self.columns) FROM event_subscriptions ORDER BY created_position
            """
        )
    }

    private static let columns = """
        name, definition::text, validation_code, validated_at, validation_method, created_at, updated_at,
        created_transaction_id::text::bigint, created_position, version
        """

    private func rows(_ query: PostgresQuery) async throws -> [SubscriptionRow] {
        var rows: [SubscriptionRow] = []
        let sequence = try await client.query(query, logger: logger).decode(
            (String, String, String?, Date?, String?, Date, Date, Int64, Int64, Int64).self)
        for try await (
            name, definition, code, validatedAt, method, createdAt, updatedAt, transaction, position, version
        )
            in sequence
        {
            let validation: SubscriptionValidation =
                if let validatedAt {
                    .validated(at: validatedAt, method: method ?? "")
                } else {
                    .awaiting(code: code ?? "")
                }
            rows.append(
                SubscriptionRow(
                    name: name, subscription: try EventJSON.decode(Data(definition.utf8)), validation: validation,
                    createdAt: createdAt, updatedAt: updatedAt,
                    createdPosition: LogPosition(transactionId: transaction, globalPosition: position), version: version
                )
            )
        }
        return rows
    }
}

import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// A subscription as publishing sees it: its definition, where it begins in the log, whether the
/// handshake is done.
public struct ActiveSubscription: Sendable {
    public var definition: EventSubscription
    public var createdAt: LogPosition
    public var isValidated: Bool
    public var validationCode: String?
}

/// Reads the `event_subscriptions` read model for the fan-out, the workers and the handshake.
enum SubscriptionDirectory {
    static func all(on connection: PostgresConnection, logger: Logger) async throws -> [ActiveSubscription] {
        let query: PostgresQuery = """
            SELECT definition::text, created_transaction_id::text::bigint, created_position, validation_code
              FROM event_subscriptions ORDER BY name
            """
        var subscriptions: [ActiveSubscription] = []
        for try await (definition, tx, position, code) in try await connection.query(query, logger: logger).decode(
            (String, Int64, Int64, String?).self)
        {
            subscriptions.append(
                ActiveSubscription(
                    definition: try EventJSON.decode(Data(definition.utf8)),
                    createdAt: LogPosition(transactionId: tx, globalPosition: position),
                    isValidated: code == nil, validationCode: code))
        }
        return subscriptions
    }

    static func all(client: PostgresClient, logger: Logger) async throws -> [ActiveSubscription] {
        try await client.withConnection { try await all(on: $0, logger: logger) }
    }

    /// The log event types some subscription wants, as SQL returning `text[]` (NULL when none):
    /// the fan-out's selection, evaluated in the statement that reads the log.
    static let wantedLogEventTypesSQL: String = {
        let pairs = PublishedEventTypes.sources.map { "('\($0.published)', '\($0.logEvent)')" }.joined(separator: ", ")
        return """
            SELECT array_agg(DISTINCT m.log_type) FROM (VALUES \(pairs)) AS m(published, log_type)
             WHERE EXISTS (
                SELECT 1 FROM event_subscriptions s
                 WHERE jsonb_typeof(s.definition->'filter'->'includedEventTypes') IS DISTINCT FROM 'array'
                    OR jsonb_array_length(s.definition->'filter'->'includedEventTypes') = 0
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.definition->'filter'->'includedEventTypes') t
                                WHERE lower(t) = lower(m.published) OR lower(t) = 'all'))
            """
    }()
}

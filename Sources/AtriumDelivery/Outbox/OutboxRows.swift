import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// Outbox rows gathered for one insert (the fan-out's batch, or a backfill's).
struct OutboxRows {
    private var subscriptions: [String] = []
    private var eventIds: [UUID] = []
    private var eventTypes: [String] = []
    private var subjects: [String] = []
    private var payloads: [String] = []
    private var sourcePositions: [Int64] = []
    private var committedAt: [Date] = []

    var isEmpty: Bool { subscriptions.isEmpty }

    mutating func append(
        _ event: PublishedEvent, for subscription: EventSubscription, topic: String, source: RecordedEvent
    ) {
        subscriptions.append(subscription.name)
        eventIds.append(event.id)
        eventTypes.append(event.eventType)
        subjects.append(event.subject)
        payloads.append(DeliveryEnvelope.encode(event, schema: subscription.schema, topic: topic))
        sourcePositions.append(source.position.globalPosition)
        committedAt.append(source.recordedAt)
    }

    /// One statement; an event already enqueued for a subscription is left as it is. Wakes the
    /// delivery workers when the transaction commits.
    func insert(on connection: PostgresConnection, logger: Logger) async throws {
        guard !isEmpty else { return }
        let query: PostgresQuery = """
            INSERT INTO outbox (subscription, event_id, event_type, subject, payload, source_position, committed_at)
            SELECT * FROM unnest(\(subscriptions)::text[], \(eventIds)::uuid[], \(eventTypes)::text[],
                                 \(subjects)::text[], \(payloads)::text[], \(sourcePositions)::int8[],
                                 \(committedAt)::timestamptz[])
            ON CONFLICT (subscription, event_id) DO NOTHING
            """
        try await connection.query(query, logger: logger)
        try await connection.query("SELECT pg_notify(\(Outbox.channel), '')", logger: logger)
    }
}

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
    /// The callback URI of a call connection's callback; empty for a subscription's event.
    private var destinations: [String] = []

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
        destinations.append("")
    }

    /// A call connection's callback, addressed to its URI; rows that share `key` are delivered in order.
    mutating func appendCallback(
        key: String, eventId: UUID, eventType: String, subject: String, payload: String, destination: String,
        source: RecordedEvent
    ) {
        subscriptions.append(key)
        eventIds.append(eventId)
        eventTypes.append(eventType)
        subjects.append(subject)
        payloads.append(payload)
        sourcePositions.append(source.position.globalPosition)
        committedAt.append(source.recordedAt)
        destinations.append(destination)
    }

    /// One statement; an event already enqueued for a subscription is left as it is. Wakes the
    /// delivery workers when the transaction commits.
    func insert(on connection: PostgresConnection, logger: Logger) async throws {
        guard !isEmpty else { return }
        let query: PostgresQuery = """
            INSERT INTO outbox (subscription, event_id, event_type, subject, payload, source_position, committed_at,
                                destination)
            SELECT s, e, t, j, p, sp, c, NULLIF(d, '')
              FROM unnest(\(subscriptions)::text[], \(eventIds)::uuid[], \(eventTypes)::text[],
                          \(subjects)::text[], \(payloads)::text[], \(sourcePositions)::int8[],
                          \(committedAt)::timestamptz[], \(destinations)::text[]) AS r(s, e, t, j, p, sp, c, d)
            ON CONFLICT (subscription, event_id) DO NOTHING
            """
        try await connection.query(query, logger: logger)
        try await connection.query("SELECT pg_notify(\(Outbox.channel), '')", logger: logger)
    }
}

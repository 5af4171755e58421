import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// Fills the outbox: one row per (matching subscription, published event), written in the same
/// transaction as the consumer's checkpoint, so no event is lost or fanned out twice whatever
/// crashes. A subscription receives the events after its own creation in the log (earlier ones
/// only through a backfill, when its start position asks for them).
///
/// It also purges a deleted subscription's rows (pending and dead), when it reaches the deletion
/// in the log: in log order, so before any row of a subscription created again under that name
/// (its backfill waits for the fan-out to pass its creation).
public struct FanOut: LogConsumerHandler {
    public static let consumerName = "publishing.fan-out"

    let publisher: Publisher
    let topic: String

    public init(publisher: Publisher, topic: String) {
        self.publisher = publisher
        self.topic = topic
    }

    /// Only the log events some subscription wants leave PostgreSQL, and subscriptions' deletions.
    public var selection: EventSelection {
        .typesChosenBy(
            sql: "SELECT array_append((\(SubscriptionDirectory.wantedLogEventTypesSQL)), '\(Self.deletion)')",
            changedBy: SubscriptionEvent.eventTypes)
    }

    private static let deletion = SubscriptionEvent.deleted(SubscriptionDeleted()).eventType

    public func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
        let deleted = events.filter { $0.eventType == Self.deletion }.compactMap { $0.aggregateId(in: .subscription) }
        if !deleted.isEmpty {
            try await transaction.query(
                "DELETE FROM outbox WHERE destination IS NULL AND subscription = ANY(\(deleted))", logger: logger)
        }
        let subscriptions = try await SubscriptionDirectory.all(on: transaction, logger: logger)
        var rows = OutboxRows()
        for event in events {
            let targets = subscriptions.filter { event.position > $0.createdAt }
            guard !targets.isEmpty, let published = try await publisher.publish(event) else { continue }
            for subscription in targets where subscription.definition.filter.matches(published) {
                rows.append(published, for: subscription.definition, topic: topic, source: event)
            }
        }
        try await rows.insert(on: transaction, logger: logger)
    }
}

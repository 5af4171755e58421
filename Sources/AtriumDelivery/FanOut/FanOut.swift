import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// Fills the outbox: one row per (matching subscription, published event), written in the same
/// transaction as the consumer's checkpoint, so no event is lost or fanned out twice whatever
/// crashes. A subscription receives the events after its own creation in the log (earlier ones
/// only through a backfill, when its start position asks for them).
public struct FanOut: LogConsumerHandler {
    public static let consumerName = "publishing.fan-out"

    let publisher: Publisher
    let topic: String

    public init(publisher: Publisher, topic: String) {
        self.publisher = publisher
        self.topic = topic
    }

    /// Only the log events some subscription wants leave PostgreSQL.
    public var selection: EventSelection {
        .typesChosenBy(sql: SubscriptionDirectory.wantedLogEventTypesSQL, changedBy: SubscriptionEvent.eventTypes)
    }

    public func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
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

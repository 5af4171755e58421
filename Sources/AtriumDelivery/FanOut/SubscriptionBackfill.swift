import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Replays history to a new subscriber: for a subscription whose start position is the beginning
/// of the log or a past time, enqueues the matching events recorded before its creation (the
/// fan-out delivers everything after it).
///
/// Each backfill is checkpointed like a consumer (`backfill.{name}.{created position}`), its outbox
/// rows and checkpoint written in one transaction; the outbox's unique (subscription, event id)
/// makes a repeated batch harmless. It runs on one node at a time and ends at the creation point.
public struct SubscriptionBackfill: Service {
    let store: EventStore
    let topic: String
    let interval: Duration
    let batchSize = 500

    public init(store: EventStore, topic: String, interval: Duration = .seconds(1)) {
        self.store = store
        self.topic = topic
        self.interval = interval
    }

    private var logger: Logger { store.logger }

    public func run() async throws {
        let publisher = Publisher(store: store)
        // Cancelled on graceful shutdown: a backfill stops between batches (its checkpoint says
        // where the next start resumes), and a pass waiting for an unreachable database ends.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for subscription in try await SubscriptionDirectory.all(client: store.client, logger: logger)
                    where subscription.definition.startPosition != .now {
                        try await backfill(subscription, publisher: publisher)
                    }
                } catch {
                    // Cancelled: the server is stopping, nothing failed.
                    if !Task.isCancelled {
                        logger.warning("subscription backfill failed; will try again", metadata: ["error": "\(error)"])
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    private func backfill(_ subscription: ActiveSubscription, publisher: Publisher) async throws {
        let end = subscription.createdAt
        let name = "backfill.\(subscription.definition.name).\(end)"
        var checkpoint = try await loadCheckpoint(name)
        guard checkpoint < end else { return }
        // Not before the fan-out has passed the creation: it purges the rows of an earlier
        // subscription of the same name when it reaches its deletion, and must not take these.
        guard try await loadCheckpoint(FanOut.consumerName) >= end else { return }
        try await store.client.withConnection { lockConnection in
            let locked = try await lockConnection.query(
                "SELECT pg_try_advisory_lock(hashtextextended(\(name), 0))", logger: logger
            ).decode(Bool.self).first { _ in true }
            guard locked == true else { return }
            let outcome = await Result {
                checkpoint = try await loadCheckpoint(name)
                while checkpoint < end, !Task.isCancelled {
                    let (events, through, _) = try await store.readAll(
                        after: checkpoint, scanLimit: batchSize,
                        selection: .types(PublishedEventTypes.sources.map(\.logEvent)))
                    guard let through else { break }  // the creation lies below the barrier: never here
                    let next = min(through, end)
                    var rows = OutboxRows()
                    for event in events where event.position <= end && startsBefore(subscription, event) {
                        guard let published = try await publisher.publish(event),
                            subscription.definition.filter.matches(published)
                        else { continue }
                        rows.append(published, for: subscription.definition, topic: topic, source: event)
                    }
                    try await store.client.withTransaction(logger: logger) { transaction in
                        try await rows.insert(on: transaction, logger: logger)
                        try await ConsumerPositions.advance(
                            name, from: checkpoint, to: next, on: transaction, logger: logger)
                    }
                    checkpoint = next
                }
            }
            // Not on a closed connection: its lock went with it, and the statement would never be answered.
            if !lockConnection.isClosed {
                _ = try? await lockConnection.query(
                    "SELECT pg_advisory_unlock(hashtextextended(\(name), 0))", logger: logger)
            }
            try outcome.get()
            if checkpoint >= end {
                logger.info("subscription backfill done", metadata: ["subscription": "\(subscription.definition.name)"])
            }
        }
    }

    private func startsBefore(_ subscription: ActiveSubscription, _ event: RecordedEvent) -> Bool {
        switch subscription.definition.startPosition {
        case .now: false
        case .beginning: true
        case .time(let time): event.recordedAt >= time
        }
    }

    private func loadCheckpoint(_ name: String) async throws -> LogPosition {
        try await ConsumerPositions(client: store.client, logger: logger).position(of: name) ?? .start
    }
}

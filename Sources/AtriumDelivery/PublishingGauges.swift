import AtriumStore
import CoreMetrics
import Logging
import PostgresNIO
import ServiceLifecycle

/// Samples what only the database knows: each subscription's queue depth and dead letters (the
/// call connections' callbacks together), how far each consumer of the log (the fan-out among
/// them) is behind its end, the age of the oldest open transaction, and how far a rebuild has come.
public struct PublishingGauges: Service {
    let client: PostgresClient
    let logger: Logger
    let interval: Duration

    public init(client: PostgresClient, logger: Logger, interval: Duration = .seconds(5)) {
        self.client = client
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        // Cancelled on graceful shutdown: neither the pause between samples nor a sample waiting
        // for an unreachable database may hold up the server's stop.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await sample() } catch {
                    logger.debug("metrics sample failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    private func sample() async throws {
        for queue in try await Self.queues(client: client, logger: logger) {
            Gauge(label: "atrium_outbox_queued_events", dimensions: [("subscription", queue.label)]).record(
                queue.pending)
            Gauge(label: "atrium_outbox_dead_letters", dimensions: [("subscription", queue.label)]).record(queue.dead)
        }
        // Positions are handed out in order, so the distance approximates the events not yet read.
        let lag: PostgresQuery = """
            SELECT c.consumer, GREATEST(COALESCE((SELECT max(global_position) FROM events), 0) - c.global_position, 0)
              FROM consumer_checkpoints c WHERE c.consumer NOT LIKE 'backfill.%'
            """
        for try await (consumer, behind) in try await client.query(lag, logger: logger).decode((String, Int64).self) {
            Gauge(label: "atrium_consumer_lag_events", dimensions: [("consumer", consumer)]).record(behind)
        }
        // The log's readers wait behind the oldest open transaction (their barrier): watch its age.
        let oldest: PostgresQuery = """
            SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(xact_start)), 0)::float8
              FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()
            """
        for try await age in try await client.query(oldest, logger: logger).decode(Double.self) {
            Gauge(label: "atrium_oldest_transaction_age_seconds").record(age)
        }
        // A rebuild or verify runs in its own process and posts its progress here (0 when none runs:
        // finished, or not heard from for half a minute).
        let rebuild: PostgresQuery = """
            SELECT kind, events_done, events_total,
                   finished_at IS NULL AND updated_at > now() - interval '30 seconds'
              FROM rebuild_progress
            """
        for try await (kind, done, total, running) in try await client.query(rebuild, logger: logger).decode(
            (String, Int64, Int64, Bool).self)
        {
            Gauge(label: "atrium_rebuild_running", dimensions: [("kind", kind)]).record(running ? 1 : 0)
            Gauge(label: "atrium_rebuild_events_done", dimensions: [("kind", kind)]).record(done)
            Gauge(label: "atrium_rebuild_events_total", dimensions: [("kind", kind)]).record(total)
        }
    }

    /// One queue's depth: a subscription's, or all call connections' callbacks together.
    struct Queue: Sendable, Equatable {
        var label: String
        var pending: Int64
        var dead: Int64
    }

    /// Every subscription (an empty queue reads 0), and every call connection's callbacks under
    /// one label (`DeliveryMetrics.callbacksLabel`): a series per connection would grow without end.
    static func queues(client: PostgresClient, logger: Logger) async throws -> [Queue] {
        let query: PostgresQuery = """
            SELECT s.name, count(o.id) FILTER (WHERE o.state = 'pending'), count(o.id) FILTER (WHERE o.state = 'dead')
              FROM event_subscriptions s LEFT JOIN outbox o ON o.subscription = s.name AND o.destination IS NULL
             GROUP BY s.name
            UNION ALL
            SELECT \(DeliveryMetrics.callbacksLabel), count(*) FILTER (WHERE state = 'pending'),
                   count(*) FILTER (WHERE state = 'dead')
              FROM outbox WHERE destination IS NOT NULL
            """
        var queues: [Queue] = []
        for try await (label, pending, dead) in try await client.query(query, logger: logger).decode(
            (String, Int64, Int64).self)
        {
            queues.append(Queue(label: label, pending: pending, dead: dead))
        }
        return queues
    }
}

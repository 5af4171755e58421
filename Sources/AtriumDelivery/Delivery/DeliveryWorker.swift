import AsyncHTTPClient
import AtriumDomain
import AtriumStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import ServiceLifecycle

/// Delivers the outbox: on every node, several lanes each claim a handful of due rows, POST them
/// (grouped into batches where the subscription allows) and record what happened.
///
/// Woken by NOTIFY `atrium_outbox` (the fan-out sends it with each batch it commits), polling as the
/// fallback. At-least-once: a crash between the POST and the record means the row is sent again
/// when its lease ends; the event id is the receiver's dedup key.
public struct DeliveryWorker: Service {
    let outbox: Outbox
    let http: HTTPClient
    let metrics: DeliveryMetrics
    var lanes: Int
    var claimSize: Int
    var pollInterval: Duration

    public init(
        outbox: Outbox, http: HTTPClient, metrics: DeliveryMetrics = DeliveryMetrics(), lanes: Int = 4,
        claimSize: Int = 64, pollInterval: Duration = .milliseconds(250)
    ) {
        self.outbox = outbox
        self.http = http
        self.metrics = metrics
        self.lanes = lanes
        self.claimSize = claimSize
        self.pollInterval = pollInterval
    }

    private var logger: Logger { outbox.logger }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await self.runLanes() }
            } catch is CancellationError where Task.isCancelled || Task.isShuttingDownGracefully {
                return
            } catch {
                logger.warning("delivery stopped; will try again", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    private func runLanes() async throws {
        let doorbell = Doorbell()
        try await outbox.client.withConnection { connection in
            try await connection.listen(on: Outbox.channel) { notifications in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await _ in notifications { await doorbell.ring() }
                        throw CancellationError()  // the listening connection went away
                    }
                    for _ in 0..<lanes {
                        group.addTask { try await self.lane(doorbell: doorbell) }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    private func lane(doorbell: Doorbell) async throws {
        while !Task.isCancelled {
            let claimed = try await outbox.claim(limit: claimSize)
            guard !claimed.isEmpty else {
                await doorbell.wait(timeout: pollInterval)
                continue
            }
            if claimed.count == claimSize { await doorbell.ring() }  // more are due: wake a resting lane
            let subscriptions = Dictionary(
                try await SubscriptionDirectory.all(client: outbox.client, logger: logger).map {
                    ($0.definition.name, $0.definition)
                }, uniquingKeysWith: { first, _ in first })
            var outcomes = Outbox.Outcomes()
            var batches: [DeliveryBatch] = []
            for (name, rows) in Dictionary(grouping: claimed, by: \.subscription) {
                if let destination = rows.first?.destination {
                    // A call connection's callbacks: one at a time, in order (the claim sees to it).
                    batches += rows.sorted { $0.id < $1.id }.map {
                        DeliveryBatch(subscription: .callback(name, endpointUrl: destination), rows: [$0])
                    }
                    continue
                }
                guard let subscription = subscriptions[name] else {
                    outcomes.dropped += rows.map(\.id)  // deleted since: nothing more goes to it
                    continue
                }
                batches += DeliveryBatch.make(rows.sorted { $0.id < $1.id }, for: subscription)
            }
            await withTaskGroup(of: (DeliveryBatch, DeliveryAttempt.Result).self) { group in
                for batch in batches {
                    group.addTask { (batch, await DeliveryAttempt(http: http).send(batch)) }
                }
                for await (batch, result) in group {
                    record(result, of: batch, into: &outcomes)
                }
            }
            try await outbox.record(outcomes)
            // The next callback of each connection just delivered is claimable now.
            if claimed.contains(where: { $0.destination != nil }) { await doorbell.ring() }
        }
    }

    private func record(_ result: DeliveryAttempt.Result, of batch: DeliveryBatch, into outcomes: inout Outbox.Outcomes)
    {
        let subscription = batch.subscription
        let now = Date()
        let verdict = RetrySchedule.verdict(
            status: result.status, attempt: batch.attempt, retryAfter: result.retryAfter,
            jitter: Double.random(in: 0..<1))
        metrics.attempted(batch, result: result, verdict: verdict, now: now)
        for row in batch.rows {
            let deadReason: String?
            switch verdict {
            case .delivered:
                outcomes.delivered.append(row.id)
                continue
            case .rejected:
                deadReason = "DeliveryRejected"
            case .retry(let delay):
                let dueAt = now.addingTimeInterval(delay.seconds)
                let expiresAt = row.liveSince.addingTimeInterval(
                    Double(subscription.retryPolicy.eventTimeToLiveInMinutes) * 60)
                if row.attempts >= subscription.retryPolicy.maxDeliveryAttempts {
                    deadReason = "MaxDeliveryAttemptsExceeded"
                } else if dueAt > expiresAt {
                    deadReason = "TimeToLiveExceeded"
                } else {
                    outcomes.retried.append((row.id, dueAt, result.outcome))
                    continue
                }
            }
            if subscription.deadLetterEnabled {
                outcomes.dead.append((row.id, result.outcome, deadReason ?? "DeliveryFailed"))
            } else {
                outcomes.dropped.append(row.id)
            }
            metrics.deadLettered(
                subscription.name, reason: deadReason ?? "DeliveryFailed", kept: subscription.deadLetterEnabled)
        }
    }
}

import AsyncHTTPClient
import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Delivers the outbox: on every node, claims due rows within each endpoint's share, POSTs each
/// batch as its own task, and records each outcome as soon as that attempt ends.
///
/// Endpoints are kept apart: an endpoint gets at most `maxAttemptsPerEndpoint` requests at once,
/// each bounded by `attemptTimeout`, and one that gives no answer rests as a whole (`EndpointGate`);
/// so a hanging or unreachable subscriber only ever holds its own share, and the others' deliveries,
/// retries and dead letters keep their times.
///
/// Woken by NOTIFY `atrium_outbox` (the fan-out sends it with each batch it commits) and by an
/// attempt whose end lets more be claimed, polling as the fallback (retries come due unannounced). At-least-once: a crash between the POST and the
/// record means the row is sent again when its lease ends; the event id is the receiver's dedup key.
public struct DeliveryWorker: Service {
    let outbox: Outbox
    let http: HTTPClient
    let metrics: DeliveryMetrics
    let settings: DeliverySettings
    /// Lives as long as the worker (its claims restart with a lost connection): an endpoint's failing
    /// spell is logged once, however often the worker reconnects meanwhile.
    private let health = EndpointHealth()

    public init(
        outbox: Outbox, http: HTTPClient, metrics: DeliveryMetrics = DeliveryMetrics(),
        settings: DeliverySettings = DeliverySettings()
    ) {
        self.outbox = outbox
        self.http = http
        self.metrics = metrics
        self.settings = settings
    }

    private var logger: Logger { outbox.logger }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await self.listenAndDeliver() }
            } catch is CancellationError where Task.isCancelled || Task.isShuttingDownGracefully {
                return
            } catch {
                logger.warning("delivery stopped; will try again", metadata: ["error": "\(String(reflecting: error))"])
            }
            // A stop must not wait out the pause: services stop one after another.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.pollInterval) }
        }
    }

    private func listenAndDeliver() async throws {
        let doorbell = Doorbell()
        try await outbox.client.withConnection { connection in
            try await connection.listen(on: Outbox.channel) { notifications in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await _ in notifications { await doorbell.ring() }
                        throw CancellationError()  // the listening connection went away
                    }
                    group.addTask { try await self.dispatch(doorbell: doorbell) }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Claims what the endpoints may take and starts each batch as its own task; never waits for
    /// an attempt, only for something to claim.
    private func dispatch(doorbell: Doorbell) async throws {
        let gate = EndpointGate(settings: settings)
        let recorder = OutcomeRecorder(outbox: outbox)
        var directory = Directory()
        try await withThrowingDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let limits = await gate.limits(now: Date())
                let claimed: [Outbox.Claimed]
                let subscriptions: [String: EventSubscription]
                do {
                    claimed = limits.rows > 0 ? try await outbox.claim(limits) : []
                    subscriptions =
                        claimed.isEmpty ? [:] : try await directory.subscriptions(for: claimed, outbox: outbox)
                } catch {
                    guard !Task.isCancelled else { throw error }
                    // The attempts under way go on: a claim that failed leaves nothing behind (its rows,
                    // if it took any, come due again when their lease ends).
                    logger.warning("delivery claim failed", metadata: ["error": "\(String(reflecting: error))"])
                    try await Task.sleep(for: settings.pollInterval)
                    continue
                }
                guard !claimed.isEmpty else {
                    await doorbell.wait(timeout: settings.pollInterval)
                    continue
                }
                var dropped = Outbox.Outcomes()
                for (name, rows) in Dictionary(grouping: claimed, by: \.subscription) {
                    let batches: [DeliveryBatch]
                    if let destination = rows.first?.destination {
                        // A call connection's callbacks: one at a time, in order (the claim sees to it).
                        batches = rows.sorted { $0.id < $1.id }.map {
                            DeliveryBatch(subscription: .callback(name, endpointUrl: destination), rows: [$0])
                        }
                    } else if let subscription = subscriptions[name] {
                        batches = DeliveryBatch.make(rows.sorted { $0.id < $1.id }, for: subscription)
                    } else {
                        dropped.dropped += rows.map(\.id)  // deleted since: nothing more goes to it
                        continue
                    }
                    for batch in batches {
                        await gate.started(batch.endpoint)
                        group.addTask {
                            await self.deliver(batch, gate: gate, recorder: recorder, doorbell: doorbell)
                        }
                    }
                }
                if !dropped.isEmpty { await recorder.record(dropped) }
            }
        }
    }

    /// One attempt, from the POST to its outcome in the outbox.
    private func deliver(_ batch: DeliveryBatch, gate: EndpointGate, recorder: OutcomeRecorder, doorbell: Doorbell)
        async
    {
        let result = await DeliveryAttempt(http: http, timeout: settings.attemptTimeout).send(batch)
        // Stopping: the lease brings the rows back, to this node's successor or another node.
        guard !Task.isCancelled else { return }
        let now = Date()
        // One draw for the event and its endpoint: after a first failure both wait the same, so the
        // event is due as its endpoint's rest ends, and is the probe then (the most-tried goes first).
        let jitter = Double.random(in: 0..<1)
        let verdict = RetrySchedule.verdict(
            status: result.status, attempt: batch.attempt, retryAfter: result.retryAfter, jitter: jitter,
            delays: settings.retryDelays)
        var outcomes = outcomes(of: result, verdict: verdict, for: batch, now: now)
        let release = await gate.finished(batch.endpoint, answered: result.status != nil, jitter: jitter, now: now)
        if let rest = release.rest {
            outcomes.postponed.append((batch.endpoint, rest))
            // Once per failed round; the spell as a whole is what `health` reports.
            logger.debug(
                "endpoint not answering; its deliveries wait",
                metadata: [
                    "endpoint": "\(batch.endpoint)", "reason": "\(result.reason)",
                    "until": "\(Timestamp.format(rest))",
                ])
        }
        if let change = health.attempted(batch.endpoint, verdict: verdict, result: result, now: now) {
            log(change, endpoint: batch.endpoint, now: now)
        }
        await recorder.record(outcomes)
        // Worth another claim only when this end lets more be claimed: a full share has room again,
        // or a connection's next callback waits for this one to leave the outbox. (New rows ring
        // through NOTIFY; retries come due to the poll.)
        if release.freedAFullShare || batch.rows.contains(where: { $0.destination != nil }) {
            await doorbell.ring()
        }
    }

    private func log(_ change: EndpointHealth.Change, endpoint: String, now: Date) {
        switch change {
        case .startedFailing(let reason, let outcome):
            logger.warning(
                "endpoint started failing; its deliveries are retried",
                metadata: ["endpoint": "\(endpoint)", "reason": "\(reason)", "outcome": "\(outcome)"])
        case .recovered(let failures, let since, let lastReason):
            let seconds = String(format: "%.1f", now.timeIntervalSince(since))
            logger.info(
                "endpoint recovered after \(failures) failures, \(seconds) s",
                metadata: ["endpoint": "\(endpoint)", "failures": "\(failures)", "lastReason": "\(lastReason)"])
        }
    }

    private func outcomes(
        of result: DeliveryAttempt.Result, verdict: RetrySchedule.Verdict, for batch: DeliveryBatch, now: Date
    ) -> Outbox.Outcomes {
        let subscription = batch.subscription
        metrics.attempted(batch, result: result, verdict: verdict, now: now)
        var outcomes = Outbox.Outcomes()
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
                    outcomes.retried.append((row.id, dueAt, result.outcome, result.reason))
                    continue
                }
            }
            if subscription.deadLetterEnabled {
                outcomes.dead.append((row.id, result.outcome, result.reason, deadReason ?? "DeliveryFailed"))
            } else {
                outcomes.dropped.append(row.id)
            }
            metrics.deadLettered(batch, reason: deadReason ?? "DeliveryFailed", kept: subscription.deadLetterEnabled)
        }
        return outcomes
    }
}

extension DeliveryWorker {
    /// The subscriptions' definitions, read again at most once a second (or when a claimed row
    /// names one not seen yet): a claim is made for every few attempts that end.
    fileprivate struct Directory {
        private var byName: [String: EventSubscription] = [:]
        private var readAt = ContinuousClock.now - .seconds(60)

        mutating func subscriptions(for claimed: [Outbox.Claimed], outbox: Outbox) async throws
            -> [String: EventSubscription]
        {
            let unknown = claimed.contains { $0.destination == nil && byName[$0.subscription] == nil }
            if unknown || ContinuousClock.now - readAt > .seconds(1) {
                byName = Dictionary(
                    try await SubscriptionDirectory.all(client: outbox.client, logger: outbox.logger).map {
                        ($0.definition.name, $0.definition)
                    }, uniquingKeysWith: { first, _ in first })
                readAt = ContinuousClock.now
            }
            return byName
        }
    }
}

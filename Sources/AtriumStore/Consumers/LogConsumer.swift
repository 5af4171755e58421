import Logging
import PostgresNIO
import ServiceLifecycle

/// What a consumer does with each batch of the log, inside the transaction that also advances its
/// checkpoint: effects written to PostgreSQL on `transaction` happen exactly once.
public protocol LogConsumerHandler: Sendable {
    /// The events it acts on (all, unless it says otherwise).
    var selection: EventSelection { get }

    func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws
}

extension LogConsumerHandler {
    public var selection: EventSelection { .all }
}

/// A named, checkpointed subscription to the whole log, run by one node at a time.
///
/// - One node: a session advisory lock, held on a connection with no open transaction (so it never
///   holds back the log's read barrier). When that node dies, its lock goes and another takes over.
/// - Gap-free: it reads under the transaction-id barrier (`EventStore.readAll`).
/// - Exactly-once effects: the checkpoint moves in the handler's transaction, fenced on its old
///   value, so a batch is never applied twice even if two nodes briefly overlap.
/// - Woken by LISTEN/NOTIFY on `atrium_events` (sent by `AppendNotifier` after each append), polling
///   every `pollInterval` as the fallback. A consumer of a few event types is woken only by
///   notifications that name one of them, so it costs nothing while the log fills with others.
///   When the barrier hides committed events (a transaction anywhere in the cluster is still
///   open), it looks again within milliseconds rather than waiting for a notification.
/// - Paced: after a batch that did not fill, it waits `pace` before reading again, so that under
///   a steady load it reads in batches instead of once per notification (each pass costs queries
///   and a commit that compete with the writers).
public struct LogConsumer: Service {
    public let name: String
    public let store: EventStore
    public let handler: any LogConsumerHandler
    public var batchSize: Int
    public var pollInterval: Duration
    public var pace: Duration
    /// How often the checkpoint is stored while only skipped events go by: re-reading skipped
    /// events after a restart is harmless, a commit per pass is not free.
    public var skippedCheckpointInterval: Duration

    public init(
        name: String, store: EventStore, handler: any LogConsumerHandler, batchSize: Int = 500,
        pollInterval: Duration = .milliseconds(500), pace: Duration = .milliseconds(50),
        skippedCheckpointInterval: Duration = .seconds(1)
    ) {
        self.name = name
        self.store = store
        self.handler = handler
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.pace = pace
        self.skippedCheckpointInterval = skippedCheckpointInterval
    }

    private var logger: Logger {
        var logger = store.logger
        logger[metadataKey: "consumer"] = "\(name)"
        return logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await self.runWhileLeader() }
            } catch  where Task.isCancelled || Task.isShuttingDownGracefully {
                // Whatever the cancellation caused (a cancelled lease, a closed connection), not
                // a failure worth retrying: the server is stopping.
                return
            } catch {
                logger.warning("consumer stopped; will try again", metadata: ["error": "\(String(reflecting: error))"])
            }
            // A stop must not wait out the pause: services stop one after another.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
        }
    }

    /// Takes the lock if free and consumes until cancelled or the lock's connection fails.
    private func runWhileLeader() async throws {
        try await store.client.withConnection { lockConnection in
            let key = name
            let locked = try await lockConnection.query(
                "SELECT pg_try_advisory_lock(hashtextextended(\(key), 0))", logger: logger
            ).decode(Bool.self).first { _ in true }
            guard locked == true else {
                try await Task.sleep(for: pollInterval * 4)  // another node is the leader
                return
            }
            logger.info("consumer is running on this node")
            let doorbell = Doorbell()
            let wake = WakeFilter(handler.selection)
            let outcome = await Result(catching: {
                try await lockConnection.listen(on: AppendNotifier.channel) { notifications in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await notification in notifications where wake.concerns(notification.payload) {
                                await doorbell.ring()
                            }
                            throw CancellationError()  // the listening connection went away
                        }
                        group.addTask { try await self.consume(doorbell: doorbell, wake: wake) }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            })
            // Unlock outside the (possibly cancelled) task: the connection goes back to the pool and
            // must not keep the lock. If the unlock cannot be confirmed, close the connection instead:
            // a lock left on a pooled connection would stop this consumer on every node.
            // A closed connection (PostgreSQL restarted) took its session and lock with it, and a
            // statement written to it is never answered: asking would hang this consumer for good.
            await Task { [logger] in
                guard !lockConnection.isClosed else { return }
                let unlocked = try? await lockConnection.query(
                    "SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger
                ).decode(Bool.self).first { _ in true }
                if unlocked != true { try? await lockConnection.close() }
            }.value
            try outcome.get()
        }
    }

    private func consume(doorbell: Doorbell, wake: WakeFilter) async throws {
        let clock = ContinuousClock()
        var stored = try await loadCheckpoint()  // what the database holds, the fence of the next move
        var cursor = stored  // how far this node has read; ahead of `stored` only over skipped events
        var storedAt = clock.now
        var barrierWait = Duration.milliseconds(2)
        /// Applies `events` (if any) and moves the checkpoint to `through`, in one transaction.
        func commit(_ events: [RecordedEvent], through: LogPosition) async throws {
            try await store.client.withTransaction(logger: logger) { transaction in
                if !events.isEmpty { try await handler.handle(events, transaction: transaction, logger: logger) }
                try await ConsumerPositions.advance(name, from: stored, to: through, on: transaction, logger: logger)
            }
            stored = through
            storedAt = clock.now
        }
        // A consumer of a few types reads only when notified of one of them (or to poll): then up to
        // where the log ended at that moment, which holds the event it was told of (notifications
        // follow commits), and goes back to waiting. Others read whenever anything was appended.
        let waitsForItsTypes = wake.isSelective
        try await wake.refresh(from: store)
        var readingUpTo = waitsForItsTypes ? try await store.lastPosition() : nil
        while !Task.isCancelled {
            if waitsForItsTypes, readingUpTo.map({ cursor >= $0 }) ?? true {
                // Past skipped events only: stored before resting, so that the lag shows none.
                if stored < cursor { try await commit([], through: cursor) }
                await doorbell.wait(timeout: pollInterval)
                // A chosen selection is chosen again before looking where the log ends: whatever is
                // appended after that is notified to the new choice.
                try await wake.refresh(from: store)
                readingUpTo = try await store.lastPosition()
                if readingUpTo.map({ cursor >= $0 }) ?? true { continue }
            }
            let batch = try await nextBatch(after: cursor)
            guard let through = batch.scannedThrough else {
                // Committed events behind a still-running transaction bring no further NOTIFY when
                // that transaction ends: look again soon instead of waiting for the next one.
                if try await store.hasEvents(after: cursor) {
                    try await Task.sleep(for: barrierWait)
                    barrierWait = min(barrierWait * 2, .milliseconds(100))
                } else if !waitsForItsTypes {
                    await doorbell.wait(timeout: pollInterval)
                }
                continue
            }
            barrierWait = .milliseconds(2)
            if !batch.events.isEmpty || clock.now - storedAt >= skippedCheckpointInterval {
                try await commit(batch.events, through: through)
            }
            cursor = through
            if !batch.full, !waitsForItsTypes || readingUpTo.map({ cursor < $0 }) ?? false {
                try await Task.sleep(for: pace)
            }
        }
    }

    /// The next events for the handler, how far the log was scanned for them, and whether the scan
    /// was cut short by the batch size (more are waiting).
    private func nextBatch(after cursor: LogPosition) async throws -> (
        events: [RecordedEvent], scannedThrough: LogPosition?, full: Bool
    ) {
        // A filtered scan may go further than a batch: it reads positions only, not the skipped events.
        let scanLimit: Int
        if case .all = handler.selection { scanLimit = batchSize } else { scanLimit = batchSize * 4 }
        let (events, through, scanned) = try await store.readAll(
            after: cursor, scanLimit: scanLimit, selection: handler.selection)
        return (events, through, scanned == scanLimit)
    }

    private func loadCheckpoint() async throws -> LogPosition {
        let query: PostgresQuery = """
            INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position) VALUES (\(name), '0', 0)
            ON CONFLICT (consumer) DO UPDATE SET consumer = EXCLUDED.consumer
            RETURNING transaction_id::text::bigint, global_position
            """
        for try await (tx, position) in try await store.client.query(query, logger: logger).decode((Int64, Int64).self)
        {
            return LogPosition(transactionId: tx, globalPosition: position)
        }
        return .start
    }
}

/// Another node moved this consumer's checkpoint: this node's batch is rolled back.
public struct ConsumerFenced: Error, CustomStringConvertible {
    public var consumer: String

    public init(consumer: String) {
        self.consumer = consumer
    }

    public var description: String { "consumer \(consumer) was advanced by another node" }
}

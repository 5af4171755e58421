import Logging
import PostgresNIO
import Synchronization

/// Group commit: appends that arrive while others are being written go together in the next
/// batch, one statement and one transaction for all of them.
///
/// A round trip through the connection pool costs more than the append it carries (a trivial
/// query per request caps the server at about 9,000 requests/s here, against 40,000 without one),
/// and every commit waits for its own WAL flush. With one batch in flight at a time, the commands
/// of a burst share both. A lone command still goes at once, in a batch of one.
final class AppendBatcher: Sendable {
    private struct Waiting {
        var id: UInt64
        var append: PendingAppend
        var continuation: CheckedContinuation<AppendOutcome, any Error>
    }

    private struct State {
        var queue: [Waiting] = []
        var nextId: UInt64 = 0
        var writers = 0
        /// When each batch being written was taken.
        var inFlight: [ContinuousClock.Instant] = []

        /// A batch in flight for longer than `stallThreshold`.
        var hasSlowBatch: Bool {
            inFlight.contains { ContinuousClock.now - $0 > AppendBatcher.stallThreshold }
        }
    }

    /// Writers at once, appends per batch, and when a batch counts as slow.
    ///
    /// One writer puts all that waits in one batch. At 32 clients on two cores, two writers
    /// running side by side halved the batches, doubling the commits and their WAL flushes, and
    /// measured 10% to 30% slower with Tools/bench. A second writer joins only while a batch is slow
    /// (a row lock held elsewhere, a slow disk) and appends wait, so that one slow batch does not
    /// hold up every command; whichever writer then finds the other busy and not slow leaves.
    static let maximumWriters = 2
    static let maximumBatch = 32
    static let stallThreshold = Duration.milliseconds(20)

    private let client: PostgresClient
    private let logger: Logger
    private let state = Mutex(State())

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Appends in the next batch. Cancelled while still queued (a request past its deadline while
    /// PostgreSQL is unreachable), the append is withdrawn, unwritten, with `CancellationError`;
    /// once in a batch being written it is answered with that batch's outcome.
    func append(_ append: PendingAppend) async throws -> AppendOutcome {
        let id = state.withLock { state in
            state.nextId += 1
            return state.nextId
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let startWriter = state.withLock { state in
                    // Checked under the lock that `withdraw` takes: cancelled before this point,
                    // the append is never queued; after it, `withdraw` finds it queued or taken.
                    guard !Task.isCancelled else {
                        continuation.resume(throwing: CancellationError())
                        return false
                    }
                    state.queue.append(Waiting(id: id, append: append, continuation: continuation))
                    return Self.claimWriter(&state)
                }
                if startWriter { Task { await self.write() } }
            }
        } onCancel: {
            withdraw(id)
        }
    }

    /// Takes a cancelled append out of the queue, unless a batch has taken it already.
    private func withdraw(_ id: UInt64) {
        let withdrawn = state.withLock { state in
            state.queue.firstIndex { $0.id == id }.map { state.queue.remove(at: $0) }
        }
        withdrawn?.continuation.resume(throwing: CancellationError())
    }

    /// Whether another writer should start for what waits, counting it in if so: when none runs,
    /// or when the batch in flight is slow.
    private static func claimWriter(_ state: inout State) -> Bool {
        guard state.writers == 0 || (state.writers < maximumWriters && state.hasSlowBatch) else { return false }
        state.writers += 1
        return true
    }

    /// A batch's watchdog, for when every client waits on a slow batch and no new append comes to
    /// call `claimWriter`.
    private func batchMayBeSlow() {
        let startWriter = state.withLock { state in !state.queue.isEmpty && Self.claimWriter(&state) }
        if startWriter { Task { await self.write() } }
    }

    /// Writes batches until the queue is empty, on one leased connection: leasing per batch went
    /// through the pool's bookkeeping (and a hop to Dispatch) for every batch.
    private func write() async {
        while true {
            do {
                let drained = try await client.withConnection { connection in
                    // On the connection's event loop (see EventLoopTaskExecutor): its replies resume
                    // this task without a thread hop.
                    await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                        while true {
                            // A statement written to a closed connection (PostgreSQL restarted) is
                            // never answered: lease another. Checked on the connection's event loop,
                            // so that it cannot close between this check and the batch's write.
                            guard !connection.isClosed else { return false }
                            guard let (batch, takenAt) = self.nextBatch() else { return true }
                            let watchdog = connection.eventLoop.scheduleTask(in: .init(Self.stallThreshold)) {
                                self.batchMayBeSlow()
                            }
                            let written = await self.write(batch, on: connection)
                            watchdog.cancel()
                            self.finished(batchTakenAt: takenAt)
                            // A broken connection fails its batch; the next one leases another.
                            guard written else { return false }
                        }
                    }
                }
                if drained { return }
            } catch {
                // No connection to be had: what waits now fails with that error.
                guard let (batch, takenAt) = nextBatch() else { return }
                for waiting in batch { waiting.continuation.resume(throwing: error) }
                finished(batchTakenAt: takenAt)
            }
        }
    }

    /// The next batch and when it was taken; nil (and one writer fewer) when nothing waits, or
    /// when another writer's batch is in flight and not slow: that writer takes what waits next.
    private func nextBatch() -> (batch: [Waiting], takenAt: ContinuousClock.Instant)? {
        state.withLock { state in
            guard !state.queue.isEmpty, state.inFlight.isEmpty || state.hasSlowBatch else {
                state.writers -= 1
                return nil
            }
            let batch = Array(state.queue.prefix(Self.maximumBatch))
            state.queue.removeFirst(batch.count)
            let takenAt = ContinuousClock.now
            state.inFlight.append(takenAt)
            return (batch, takenAt)
        }
    }

    private func finished(batchTakenAt takenAt: ContinuousClock.Instant) {
        state.withLock { $0.inFlight.removeAll { $0 == takenAt } }
    }

    /// Answers every append of the batch; false when the connection failed under it.
    private func write(_ batch: [Waiting], on connection: PostgresConnection) async -> Bool {
        do {
            let outcomes = try await executeFastThenGuarded(batch.map(\.append), on: connection)
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
            return true
        } catch {
            for waiting in batch { waiting.continuation.resume(throwing: error) }
            return !connection.isClosed && (error as? PSQLError)?.serverInfo != nil
        }
    }

    /// The fast form first. If it aborted (a deadlock with another batch or node, a serialisation
    /// failure, or an item that raised) nothing of it was written, and the batch goes again in the
    /// guarded form, where an item that raises fails alone.
    private func executeFastThenGuarded(_ appends: [PendingAppend], on connection: PostgresConnection)
        async throws -> [AppendOutcome]
    {
        do {
            return try await execute(appends, as: AppendBatch.init, on: connection)
        } catch let error as PSQLError where error.serverInfo != nil {
            logger.info(
                "append batch aborted; retrying with each append isolated",
                metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
            do {
                return try await execute(appends, as: GuardedAppendBatch.init, on: connection)
            } catch let error as PSQLError where error.serverInfo != nil && appends.count > 1 {
                // Refused before any item's savepoint: the statement's parameters themselves (a
                // `\u0000` that no jsonb takes fails the cast of the whole array). Only one append
                // at a time can tell whose it is.
                logger.warning(
                    "guarded append batch refused as a whole; writing its appends one by one",
                    metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")", "appends": "\(appends.count)"])
                return try await executeOneByOne(appends, on: connection)
            }
        }
    }

    /// Each append in a statement of its own: one PostgreSQL refuses fails alone with its reason,
    /// every other one commits. Errors of the connection still fail what is left, as for a batch.
    private func executeOneByOne(_ appends: [PendingAppend], on connection: PostgresConnection)
        async throws -> [AppendOutcome]
    {
        var outcomes: [AppendOutcome] = []
        outcomes.reserveCapacity(appends.count)
        for append in appends {
            do {
                outcomes += try await execute([append], as: GuardedAppendBatch.init, on: connection)
            } catch let error as PSQLError where error.serverInfo != nil {
                let sqlState = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? "refused"
                outcomes.append(.failed("\(sqlState): \(message)"))
            }
        }
        return outcomes
    }

    /// The row stream ends at CommandComplete, just before the implicit commit at Sync. That is safe
    /// because nothing in `append_batch` can fail at commit time (no deferred constraints, READ
    /// COMMITTED); were that to change, the batch would need an explicit COMMIT before answering.
    private func execute<Statement: PostgresPreparedStatement>(
        _ appends: [PendingAppend], as statement: ([PendingAppend]) -> Statement, on connection: PostgresConnection
    ) async throws -> [AppendOutcome] where Statement.Row == AppendBatchBindings.Row {
        // Rows are locked in item order: sorting by stream (stably, keeping one stream's appends in
        // arrival order) gives every batch the same lock order, so two batches cannot deadlock.
        let order = appends.indices.sorted { (appends[$0].stream, $0) < (appends[$1].stream, $1) }
        var positions = Array(repeating: [Int64](), count: appends.count)
        var versions = Array(repeating: Int64(0), count: appends.count)
        var outcomes = [AppendOutcome?](repeating: nil, count: appends.count)
        for try await (item, outcome, position, version, message) in try await connection.execute(
            statement(order.map { appends[$0] }), logger: logger)
        {
            let index = order[Int(item) - 1]
            switch outcome {
            case "appended":
                if let position { positions[index].append(position) }
                if let version { versions[index] = version }
                outcomes[index] = .appended(positions: positions[index], streamVersion: versions[index])
            case "conflict": outcomes[index] = .conflict
            case "duplicate": outcomes[index] = .duplicate
            default: outcomes[index] = .failed(message ?? outcome)
            }
        }
        // Every append must have been answered: silence is never taken for success.
        return try outcomes.map { outcome in
            guard let outcome else { throw AppendBatchIncomplete() }
            return outcome
        }
    }
}

/// `append_batch` returned no row for an append: treated as a failure, never as success.
struct AppendBatchIncomplete: Error, CustomStringConvertible {
    var description: String { "append_batch returned no outcome for an append" }
}

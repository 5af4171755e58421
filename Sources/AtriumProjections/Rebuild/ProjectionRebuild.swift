import AtriumStore
import Logging
import PostgresNIO

/// Rebuilds inline projections from the log into new tables beside the live ones, then swaps them
/// in (`rebuild`) or compares them with the live ones (`verify`), while the server goes on serving.
///
/// 1. Replay: the log up to its read barrier at the start, gap-free, in batches applied
///    server-side by the projections' own SQL functions (`rebuild_apply_events`), on parallel
///    workers that share the streams.
/// 2. Catch up, still without holding anyone off, with what was appended meanwhile (up to the
///    barrier again) until little is left.
/// 3. Swap, in one transaction: lock the log against appends (EXCLUSIVE: its readers go on), then
///    the live tables (readers wait from here), apply the last events, drop the live tables and
///    move the new ones in. Appends wait for the commit, tens of milliseconds.
///
/// Why no committed event is missed, nor any applied twice: every event up to the last replayed
/// position was applied, and the barrier guarantees that no event can still appear at or before it
/// (its transaction would be older than the oldest one running when it was read). Every event
/// after it is applied by the last statement, because once the log's lock is granted no append is
/// in flight: each committed (so that statement sees it) or rolled back (so it never was). The
/// appends that come after wait for the lock, then write the new tables: their statements are
/// planned again once the old tables are gone. So the new tables hold exactly the log.
public struct ProjectionRebuild: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    public var projections: [RebuildableProjection]
    /// Log events per call and transaction: larger is fewer round trips, smaller holds the log's
    /// read barrier (and so its consumers) back for less time.
    public var batchSize = 5_000
    /// Connections applying the first replay in parallel (each takes a share of the streams).
    public var workers = 2
    /// How long the swap waits for the appends in flight (new ones queue behind it meanwhile) before
    /// giving way and trying again. Longer than PostgreSQL's deadlock_timeout (1 s), after which an
    /// autovacuum of the log in the way is cancelled; no lock cycle can form while it waits, since
    /// it holds nothing yet.
    public var logLockTimeout = Duration.seconds(2)
    /// How long it then waits for readers of the live tables: below deadlock_timeout, so that a
    /// reader caught in a lock cycle with it (one that read one table and waits for the next) is
    /// never the one aborted: the swap gives way and tries again.
    public var tableLockTimeout = Duration.milliseconds(250)
    public var swapAttempts = 40

    public init(client: PostgresClient, logger: Logger, projections: [RebuildableProjection]) {
        self.client = client
        self.logger = logger
        self.projections = RebuildableProjection.allCases.filter(projections.contains)
    }

    /// Rebuilds the projections and swaps the new tables in.
    public func rebuild(progress: @escaping @Sendable (RebuildProgress) -> Void = { _ in }) async throws
        -> RebuildSummary
    {
        let board = RebuildProgressBoard(client: client, logger: logger, kind: "rebuild", projections: projections)
        let meter = RebuildMeter {
            progress($0)
            board.note($0)
        }
        return try await exclusively {
            try await board.posting { try await rebuild(meter: meter) }
        }
    }

    private func rebuild(meter: RebuildMeter) async throws -> RebuildSummary {
        let shadow = ShadowTables(projections, logger: logger)
        do {
            var position = try await replay(into: shadow, meter: meter)
            await meter.enter(.sealing)
            try await shadow.seal(on: client)
            position = try await catchUp(from: position, meter: meter)
            await meter.enter(.swapping)
            let swap = try await swapIn(shadow, after: position, meter: meter)
            return RebuildSummary(
                projections: projections, eventsReplayed: await meter.eventsDone,
                eventsApplied: await meter.applied, duration: await meter.elapsed,
                eventsAtTheEnd: swap.events, writersHeldOff: swap.held, swapAttempts: swap.attempts)
        } catch {
            try? await shadow.drop(on: client)
            throw error
        }
    }

    /// Rebuilds the projections beside the live tables and compares the two, row by row, in one
    /// snapshot (so nothing is locked: the live tables as of that snapshot hold exactly the effects
    /// of the events it sees, because each append writes both in one transaction).
    public func verify(
        differenceLimit: Int = 20, progress: @escaping @Sendable (RebuildProgress) -> Void = { _ in }
    ) async throws -> VerifyReport {
        let board = RebuildProgressBoard(client: client, logger: logger, kind: "verify", projections: projections)
        let meter = RebuildMeter {
            progress($0)
            board.note($0)
        }
        return try await exclusively {
            try await board.posting { try await verify(differenceLimit: differenceLimit, meter: meter) }
        }
    }

    private func verify(differenceLimit: Int, meter: RebuildMeter) async throws -> VerifyReport {
        let shadow = ShadowTables(projections, logger: logger)
        let compared = await Result(catching: {
            var position = try await replay(into: shadow, meter: meter)
            position = try await catchUp(from: position, meter: meter)
            await meter.enter(.comparing)
            let replay = ShadowReplay(projections, batchSize: batchSize, logger: logger)
            return try await client.withTransaction(logger: logger) { transaction in
                try await transaction.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
                let last = try await replay.applyVisible(after: position, on: transaction)
                return (last, try await shadow.differences(limit: differenceLimit, on: transaction))
            }
        })
        try? await shadow.drop(on: client)
        let (last, differences) = try compared.get()
        await meter.caughtUp(last.scanned, applied: last.applied)
        let summary = RebuildSummary(
            projections: projections, eventsReplayed: await meter.eventsDone, eventsApplied: await meter.applied,
            duration: await meter.elapsed, eventsAtTheEnd: last.scanned, writersHeldOff: .zero, swapAttempts: 0)
        return VerifyReport(summary: summary, differences: differences)
    }

    /// Runs `body` holding the cluster-wide rebuild lock: one rebuild or verify at a time, since
    /// they share the shadow schema. A session lock on a connection with no open transaction, like
    /// the consumers' (it must not hold back the log's read barrier).
    private func exclusively<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let migrated = try await connection.query(
                "SELECT to_regproc('rebuild_apply_events') IS NOT NULL", logger: logger
            ).decode(Bool.self).first { _ in true }
            guard migrated == true else { throw RebuildError.notMigrated }
            let locked = try await connection.query(
                "SELECT pg_try_advisory_lock(hashtextextended('atrium.rebuild', 0))", logger: logger
            ).decode(Bool.self).first { _ in true }
            guard locked == true else { throw RebuildError.alreadyRunning }
            let outcome = await Result(catching: body)
            let unlocked = try? await connection.query(
                "SELECT pg_advisory_unlock(hashtextextended('atrium.rebuild', 0))", logger: logger
            ).decode(Bool.self).first { _ in true }
            if unlocked != true { try? await connection.close() }  // never leave the lock on a pooled connection
            return try outcome.get()
        }
    }

    /// Fresh shadow tables, filled from the log up to its barrier at the start; returns how far.
    private func replay(into shadow: ShadowTables, meter: RebuildMeter) async throws -> LogPosition {
        try await shadow.create(on: client)
        let replay = ShadowReplay(projections, batchSize: batchSize, logger: logger)
        guard let (through, events) = try await replay.barrier(after: .start, on: client) else { return .start }
        await meter.expect(events)
        try await replay.apply(after: .start, through: through, workers: max(workers, 1), on: client, meter: meter)
        return through
    }

    /// Applies what was appended since `position`, a batch of barrier at a time, until what is left
    /// would fit in one batch: that remainder is for the last transaction. Returns how far it got.
    private func catchUp(from position: LogPosition, meter: RebuildMeter) async throws -> LogPosition {
        await meter.enter(.catchingUp)
        let replay = ShadowReplay(projections, batchSize: batchSize, logger: logger)
        var position = position
        for _ in 0..<20 {
            guard let (through, events) = try await replay.barrier(after: position, on: client) else { break }
            await meter.expect(events)
            try await replay.apply(after: position, through: through, workers: 1, on: client, meter: meter)
            position = through
            if events < batchSize { break }
        }
        return position
    }

    /// The swap transaction, tried again (after a catch-up) when it cannot lock in time.
    private func swapIn(_ shadow: ShadowTables, after position: LogPosition, meter: RebuildMeter) async throws -> (
        events: Int, held: Duration, attempts: Int
    ) {
        let replay = ShadowReplay(projections, batchSize: batchSize, logger: logger)
        let (logLockTimeout, tableLockTimeout) = (logLockTimeout, tableLockTimeout)
        var position = position
        for attempt in 1...swapAttempts {
            if try await waitForAutovacuum(shadow) {
                position = try await catchUp(from: position, meter: meter)
                await meter.enter(.swapping)
            }
            let started = ContinuousClock.now
            do {
                let step = try await client.withTransaction(logger: logger) { transaction in
                    try await shadow.lockLog(waitingAtMost: logLockTimeout, on: transaction)
                    try await shadow.lockLiveTables(waitingAtMost: tableLockTimeout, on: transaction)
                    let step = try await replay.applyVisible(after: position, on: transaction)
                    try await shadow.swapIn(on: transaction)
                    return step
                }
                await meter.caughtUp(step.scanned, applied: step.applied)
                return (step.scanned, ContinuousClock.now - started, attempt)
            } catch let error where Self.isLockTimeout(error) {
                logger.info("the live tables are busy; the swap will try again", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...200)))
                position = try await catchUp(from: position, meter: meter)
                await meter.enter(.swapping)
            }
        }
        throw RebuildError.liveTablesStayedBusy(attempts: swapAttempts)
    }

    /// Waits (up to a minute) while an autovacuum works on the tables the swap locks; true if it did.
    private func waitForAutovacuum(_ shadow: ShadowTables) async throws -> Bool {
        let patience = ContinuousClock.now + .seconds(60)
        var waited = false
        while ContinuousClock.now < patience, try await shadow.autovacuumIsWorking(on: client) {
            if !waited { logger.info("an autovacuum works on the tables to swap; waiting for it to finish") }
            waited = true
            try await Task.sleep(for: .milliseconds(100))
        }
        return waited
    }

    private static func isLockTimeout(_ error: any Error) -> Bool {
        let cause = (error as? PostgresTransactionError)?.closureError ?? error
        return (cause as? PSQLError)?.serverInfo?[.sqlState] == "55P03"  // lock_not_available
    }
}

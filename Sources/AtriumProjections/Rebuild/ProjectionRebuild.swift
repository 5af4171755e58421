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
/// 3. Swap, in one transaction: lock the live tables against writers (EXCLUSIVE: readers go on),
///    apply every event committed by then, drop the live tables and move the new ones in.
///
/// Why no committed event is missed at the swap: every event up to the last replayed position was
/// applied, and the barrier guarantees that no event can still appear at or before it (its
/// transaction would be older than the oldest one running when it was read). An event after it
///  - committed before the lock was granted: its transaction had finished (`LOCK` waits for every
///    writer that touched the tables), so the catch-up statement, run after the lock, sees and
///    applies it;
///  - not yet committed: its transaction has not written the live tables (or the lock would have
///    waited for it), so its projection waits for the lock and then, planned again against the
///    renamed tables, writes into the new ones. Applying it too would apply it twice; it is not
///    visible to the catch-up, so it is not.
/// Events that commit without writing these tables (other projections' streams) are filtered out by
/// stream, whenever they commit.
public struct ProjectionRebuild: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    public var projections: [RebuildableProjection]
    /// Log events per call and transaction: larger is fewer round trips, smaller holds the log's
    /// read barrier (and so its consumers) back for less time.
    public var batchSize = 5_000
    /// Connections applying the first replay in parallel (each takes a share of the streams).
    public var workers = 2
    /// How long the swap waits for a lock before giving way and trying again: below PostgreSQL's
    /// deadlock_timeout (1 s), so that a writer caught in a lock cycle with it is never the one
    /// aborted.
    public var lockTimeout = Duration.milliseconds(250)
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
        let meter = RebuildMeter(report: progress)
        return try await exclusively {
            let shadow = ShadowTables(projections, logger: logger)
            do {
                var position = try await replay(into: shadow, meter: meter)
                await meter.enter(.sealing)
                try await shadow.seal(on: client)
                position = try await catchUp(from: position, meter: meter)
                await meter.enter(.swapping)
                let swap = try await swapIn(shadow, after: position, meter: meter)
                try? await shadow.dropSinks(on: client)
                return RebuildSummary(
                    projections: projections, eventsReplayed: await meter.eventsDone,
                    eventsApplied: await meter.applied, duration: await meter.elapsed,
                    eventsAtTheEnd: swap.events, writersHeldOff: swap.held, swapAttempts: swap.attempts)
            } catch {
                try? await shadow.drop(on: client)
                throw error
            }
        }
    }

    /// Rebuilds the projections beside the live tables and compares the two, row by row, in one
    /// snapshot (so nothing is locked: the live tables as of that snapshot hold exactly the effects
    /// of the events it sees, because each append writes both in one transaction).
    public func verify(
        differenceLimit: Int = 20, progress: @escaping @Sendable (RebuildProgress) -> Void = { _ in }
    ) async throws -> VerifyReport {
        let meter = RebuildMeter(report: progress)
        return try await exclusively {
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
        let timeout = "\(Int(lockTimeout.seconds * 1000))ms"
        var position = position
        for attempt in 1...swapAttempts {
            let started = ContinuousClock.now
            do {
                let step = try await client.withTransaction(logger: logger) { transaction in
                    try await transaction.query("SELECT set_config('lock_timeout', \(timeout), true)", logger: logger).finish()
                    try await shadow.lockLiveTables(on: transaction)
                    let step = try await replay.applyVisible(after: position, on: transaction)
                    try await shadow.swapIn(on: transaction)
                    return step
                }
                await meter.caughtUp(step.scanned, applied: step.applied)
                return (step.scanned, ContinuousClock.now - started, attempt)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {  // lock_not_available
                logger.info("the live tables are busy; the swap will try again", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...200)))
                position = try await catchUp(from: position, meter: meter)
                await meter.enter(.swapping)
            }
        }
        throw RebuildError.liveTablesStayedBusy(attempts: swapAttempts)
    }
}

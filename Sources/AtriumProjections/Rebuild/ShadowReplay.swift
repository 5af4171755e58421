import AtriumStore
import Logging
import PostgresNIO

/// Applies the log to the shadow tables with the projections' own SQL functions, server-side: one
/// `rebuild_apply_events` call (one round trip, its own short transaction) per batch of events, on
/// one or more workers that share the streams between them.
struct ShadowReplay: Sendable {
    let streamCategories: [String]
    let batchSize: Int
    let logger: Logger

    init(_ projections: [RebuildableProjection], batchSize: Int, logger: Logger) {
        streamCategories = projections.map(\.category.rawValue)
        self.batchSize = batchSize
        self.logger = logger
    }

    /// What one call applied: events scanned (all streams) and applied (the projections'), and the
    /// last position scanned.
    struct Step: Sendable {
        var scanned: Int
        var applied: Int
        var last: LogPosition
    }

    /// The last position under the log's read barrier, and how many events lie after `position` up
    /// to it; nil when there are none.
    ///
    /// Everything up to that position was written by transactions older than the oldest one still
    /// running, so no event can appear there any more: the range can be replayed in parallel, and
    /// whatever commits later lies beyond it.
    func barrier(after position: LogPosition, on client: PostgresClient) async throws -> (
        through: LogPosition, events: Int
    )? {
        let query: PostgresQuery = """
            WITH barrier AS (
                SELECT transaction_id, global_position FROM events
                 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                   AND (transaction_id, global_position) > (\(String(position.transactionId))::xid8, \(position.globalPosition))
                 ORDER BY transaction_id DESC, global_position DESC
                 LIMIT 1)
            SELECT b.transaction_id::text::bigint, b.global_position,
                   (SELECT count(*) FROM events e
                     WHERE (e.transaction_id, e.global_position) > (\(String(position.transactionId))::xid8, \(position.globalPosition))
                       AND (e.transaction_id, e.global_position) <= (b.transaction_id, b.global_position))
              FROM barrier b
            """
        for try await (transaction, global, count) in try await client.query(query, logger: logger).decode(
            (Int64, Int64, Int64).self)
        {
            return (LogPosition(transactionId: transaction, globalPosition: global), Int(count))
        }
        return nil
    }

    /// Applies the events after `position` up to `through`, `workers` batches at a time; each worker
    /// commits a batch at a time, so none holds back the log's readers for long.
    func apply(
        after position: LogPosition, through: LogPosition, workers: Int, on client: PostgresClient,
        meter: RebuildMeter
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var cursor = position
                    while cursor < through {
                        let step = try await client.withTransaction(logger: logger) { transaction in
                            // A crash loses the shadow tables anyway: no need to wait for the WAL on each batch.
                            try await transaction.query("SET LOCAL synchronous_commit = off", logger: logger)
                            return try await applyBatch(
                                after: cursor, through: through, limit: batchSize, worker: worker, of: workers,
                                on: transaction)
                        }
                        guard step.scanned > 0 else { break }
                        cursor = step.last
                        await meter.replayed(step.scanned, applied: step.applied, sharedBy: workers)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Applies every event after `position` that `transaction` sees, whatever the barrier: for the
    /// last events, with writers held off (swap) or in the snapshot being compared (verify).
    func applyVisible(after position: LogPosition, on transaction: PostgresConnection) async throws -> Step {
        try await applyBatch(after: position, through: nil, limit: nil, worker: 0, of: 1, on: transaction)
    }

    private func applyBatch(
        after position: LogPosition, through: LogPosition?, limit: Int?, worker: Int, of workers: Int,
        on transaction: PostgresConnection
    ) async throws -> Step {
        let query: PostgresQuery = """
            SELECT scanned, applied, last_transaction::text::bigint, last_position
              FROM rebuild_apply_events(
                \(streamCategories), \(String(position.transactionId))::xid8, \(position.globalPosition),
                \(through.map { String($0.transactionId) })::xid8, \(through?.globalPosition),
                \(limit.map(Int32.init)), \(Int32(worker)), \(Int32(workers)))
            """
        for try await (scanned, applied, transactionId, global) in try await transaction.query(query, logger: logger)
            .decode((Int64, Int64, Int64, Int64).self)
        {
            return Step(
                scanned: Int(scanned), applied: Int(applied),
                last: LogPosition(transactionId: transactionId, globalPosition: global))
        }
        return Step(scanned: 0, applied: 0, last: position)
    }
}

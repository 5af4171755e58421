import Logging
import PostgresNIO

/// The new tables a rebuild fills beside the live ones (schema `atrium_rebuild`, Migrations/functions/rebuild_*.sql),
/// and the statements that create, seal, compare, swap in and drop them.
struct ShadowTables: Sendable {
    /// The live tables they copy, referenced tables first.
    let tables: [String]
    let logger: Logger

    init(_ projections: [RebuildableProjection], logger: Logger) {
        tables = projections.flatMap(\.tables)
        self.logger = logger
    }

    /// Empty copies of the live tables (leftovers of an interrupted rebuild are dropped first).
    func create(on client: PostgresClient) async throws {
        try await client.withTransaction(logger: logger) { transaction in
            // The leftovers' DROP IF EXISTS notices are of no interest.
            try await transaction.query("SET LOCAL client_min_messages = warning", logger: logger)
            try await transaction.query(
                "SELECT rebuild_create_shadow_tables(\(tables))", logger: logger
            ).finish()
        }
    }

    /// Durable, with the live tables' storage parameters and fresh statistics: ready to be swapped in.
    func seal(on client: PostgresClient) async throws {
        try await client.query("SELECT rebuild_seal_shadow_tables(\(tables))", logger: logger).finish()
    }

    /// Holds every append off until `transaction` ends (readers of the log go on): waits for the
    /// appends in flight to commit, new ones wait behind it.
    ///
    /// The log rather than the live tables themselves: appends write those in both orders (a new
    /// participant before its room's version, a deleted room before its participants), so locking
    /// them one after the other could close a cycle with an append; every append writes the log
    /// first, so waiting on the log alone, holding nothing, never can.
    func lockLog(waitingAtMost timeout: Duration, on transaction: PostgresConnection) async throws {
        try await transaction.query(
            "SELECT set_config('lock_timeout', \(Self.milliseconds(timeout)), true)", logger: logger
        )
        .finish()
        try await transaction.query("LOCK TABLE events IN EXCLUSIVE MODE", logger: logger)
    }

    /// Then the live tables, which only readers can hold by now: they wait until the swap commits.
    func lockLiveTables(waitingAtMost timeout: Duration, on transaction: PostgresConnection) async throws {
        try await transaction.query(
            "SELECT set_config('lock_timeout', \(Self.milliseconds(timeout)), true)", logger: logger
        )
        .finish()
        try await transaction.query("SELECT rebuild_lock_live_tables(\(tables))", logger: logger).finish()
    }

    private static func milliseconds(_ duration: Duration) -> String { "\(Int(duration.seconds * 1000))ms" }

    /// Whether an autovacuum works on the log or the live tables. Its lock conflicts with the
    /// swap's, and it gives way only to a request that has waited deadlock_timeout (1 s): better to
    /// let it finish before locking than to hold appends off that long.
    func autovacuumIsWorking(on client: PostgresClient) async throws -> Bool {
        let query: PostgresQuery = """
            SELECT EXISTS (
                SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE a.backend_type = 'autovacuum worker' AND l.locktype = 'relation'
                   AND l.relation IN (SELECT ('public.' || quote_ident(t))::regclass FROM unnest(\(tables + ["events"])) AS t))
            """
        return try await client.query(query, logger: logger).decode(Bool.self).first { _ in true } ?? false
    }

    /// Replaces the live tables: call with them locked and every committed event applied.
    func swapIn(on transaction: PostgresConnection) async throws {
        try await transaction.query("SELECT rebuild_swap_in_shadow_tables(\(tables))", logger: logger).finish()
    }

    /// The rows that differ between live and shadow tables, at most `limit` per table and side.
    func differences(limit: Int, on transaction: PostgresConnection) async throws -> [ProjectionDifference] {
        var differences: [ProjectionDifference] = []
        let rows = try await transaction.query(
            "SELECT table_name, only_in, total, row_data::text FROM rebuild_differences(\(tables), \(Int32(limit)))",
            logger: logger)
        for try await (table, side, total, row) in rows.decode((String, String, Int64, String).self) {
            differences.append(
                ProjectionDifference(
                    table: table, onlyIn: side == "live" ? .live : .rebuild, rowsOnThisSide: Int(total), row: row))
        }
        return differences
    }

    /// Drops the shadow tables that are still there.
    func drop(on client: PostgresClient) async throws {
        try await client.query("SELECT rebuild_drop_shadow_tables(\(tables))", logger: logger).finish()
    }
}

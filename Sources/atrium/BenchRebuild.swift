import ArgumentParser
import AtriumDomain
import AtriumProjections
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// `atrium bench-rebuild`: how fast projections are rebuilt from a large log, against how fast the
/// same log is merely read.
struct BenchRebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-rebuild",
        abstract:
            "Benchmark rebuilding every projection from a large synthetic log (Tools/bench-rebuild sets up a database).",
        discussion: """
            Needs an empty, scratch database: it migrates it, writes --events synthetic events of rooms, \
            rosters, identities and calls into the log (projected inline as appends would be), then in one run:
            1. reads the whole log without applying it, in batches of --batch in log order: to the client \
            (EventStore.readAll, decoded, as a consumer reads it) and server-side (the rebuild's own \
            statement with nothing to apply);
            2. verify --all: a full rebuild into new tables compared with the inline-projected live ones \
            (must be clean);
            3. rebuild --all: a full rebuild swapped in.
            Prints events/s for each and the rebuild's rate against the raw reads.
            """
    )

    @Option(help: "The scratch database (default: $DATABASE_URL).") var databaseURL: String?
    @Option(help: "At least this many events in the log.") var events = 1_000_000
    @Option(help: "Log events per batch, for the rebuild and the raw reads alike.") var batch = 5_000
    @Option(help: "Connections replaying in parallel.") var workers = 2

    func validate() throws {
        guard (1_000...50_000_000).contains(events) else { throw ValidationError("--events must be 1000...50000000.") }
        guard (100...1_000_000).contains(batch) else { throw ValidationError("--batch must be 100...1000000.") }
        guard (1...16).contains(workers) else { throw ValidationError("--workers must be 1...16.") }
    }

    func run() async throws {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("Give --database-url or DATABASE_URL: a scratch database, it fills the log.")
        }
        let logger = Logger.atrium(quiet: true)
        let configuration = try DatabaseURL.configuration(from: url)
        _ = try await Migrate.apply(DatabaseSchema.embedded, configuration: configuration, logger: logger)
        let client = PostgresClient(
            configuration: DatabaseURL.tuned(configuration, maximumConnections: workers + 4),
            backgroundLogger: logger.quieter)
        let (events, batch, workers) = (events, batch, workers)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await Self.run(events: events, batch: batch, workers: workers, client: client, logger: logger)
        }
    }

    private static func run(events target: Int, batch: Int, workers: Int, client: PostgresClient, logger: Logger)
        async throws
    {
        let existing = try await client.query("SELECT EXISTS (SELECT 1 FROM events)", logger: logger)
            .decode(Bool.self).first { _ in true }
        guard existing == false else {
            throw ValidationError("The log is not empty: bench-rebuild needs a scratch database (Tools/bench-rebuild).")
        }
        say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, shared by PostgreSQL and this process")

        // The log.
        let generated = ContinuousClock.now
        let log = SyntheticLog(logger: logger)
        let units = SyntheticLog.units(forEvents: target)
        for first in stride(from: 1, through: units, by: SyntheticLog.unitsPerChunk) {
            let last = min(first + SyntheticLog.unitsPerChunk - 1, units)
            try await log.append(units: first...last, on: client)
            FileHandle.standardError.write(Data("\rgenerating the log: \(last * 100 / units)%".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        // As a database in steady state would be: vacuumed after the churn of a million projected
        // events. Otherwise autovacuum starts on the live tables just as the swap wants them.
        for table in ["events", "streams"] + RebuildableProjection.allCases.flatMap(\.tables) {
            try await client.query(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(table)"), logger: logger)
        }
        let count = try await Self.count("SELECT count(*) FROM events", client: client, logger: logger)
        try await Self.checkDecodes(client: client, logger: logger)
        say(
            "log: \(ProgressDisplay.count(count)) events of \(ProgressDisplay.count(units)) rooms "
                + "(\(ProgressDisplay.count(units * 4)) identities, \(ProgressDisplay.count(units)) calls), "
                + "written and projected inline in \(String(format: "%.1f", (ContinuousClock.now - generated).seconds)) s"
        )

        // Reading without applying.
        let store = EventStore(client: client, logger: logger)
        var started = ContinuousClock.now
        var cursor = LogPosition.start
        var read = 0
        while true {
            let page = try await store.readAll(after: cursor, limit: batch)
            guard let last = page.last else { break }
            read += page.count
            cursor = last.position
        }
        let clientRead = Double(read) / (ContinuousClock.now - started).seconds
        say("raw read to the client (EventStore.readAll, decoded), batches of \(batch): \(Self.rate(clientRead))")

        started = ContinuousClock.now
        cursor = .start
        read = 0
        while true {
            let query: PostgresQuery = """
                SELECT scanned, last_transaction::text::bigint, last_position
                  FROM rebuild_apply_events(ARRAY[]::text[], \(String(cursor.transactionId))::xid8, \(cursor.globalPosition),
                                            NULL, NULL, \(Int32(batch)), 0, 1)
                """
            let row = try await client.query(query, logger: logger).decode((Int64, Int64, Int64).self).first { _ in true
            }
            guard let (scanned, transaction, global) = row, scanned > 0 else { break }
            read += Int(scanned)
            cursor = LogPosition(transactionId: transaction, globalPosition: global)
        }
        let serverRead = Double(read) / (ContinuousClock.now - started).seconds
        say(
            "raw read server-side (the rebuild's statement, nothing to apply), batches of \(batch): \(Self.rate(serverRead))"
        )

        // Rebuilding.
        var rebuild = ProjectionRebuild(client: client, logger: logger, projections: RebuildableProjection.allCases)
        rebuild.batchSize = batch
        rebuild.workers = workers
        let verifyDisplay = ProgressDisplay(title: "verify")
        let report = try await rebuild.verify(progress: verifyDisplay.show)
        verifyDisplay.finish()
        say(
            "verify --all (\(workers) workers): \(ProgressDisplay.count(report.summary.eventsReplayed)) events in "
                + "\(String(format: "%.1f", report.summary.duration.seconds)) s: \(Self.rate(report.summary.eventsPerSecond)); "
                + (report.differences.isEmpty ? "equal to the live tables" : "\(report.differences.count) DIFFERENCES"))
        let rebuildDisplay = ProgressDisplay(title: "rebuild")
        let summary = try await rebuild.rebuild(progress: rebuildDisplay.show)
        rebuildDisplay.finish()
        say(
            "rebuild --all (\(workers) workers): \(ProgressDisplay.count(summary.eventsReplayed)) events in "
                + "\(String(format: "%.1f", summary.duration.seconds)) s: \(Self.rate(summary.eventsPerSecond)); "
                + "swap held writers off \(Int((summary.writersHeldOff.seconds * 1000).rounded())) ms")
        say(
            "rebuild ÷ raw read: \(String(format: "%.2f", summary.eventsPerSecond / clientRead)) of the read to the client, "
                + "\(String(format: "%.2f", summary.eventsPerSecond / serverRead)) of the server-side read")
        if !report.differences.isEmpty { throw ExitCode(1) }
    }

    /// One event of each type decodes with the domain's codecs: the synthetic log is one Atrium can read.
    private static func checkDecodes(client: PostgresClient, logger: Logger) async throws {
        let query: PostgresQuery = """
            SELECT DISTINCT ON (event_type) stream_id, event_type, schema_version, data::text, metadata::text
              FROM events ORDER BY event_type, global_position
            """
        for try await (stream, type, schema, data, metadata) in try await client.query(query, logger: logger).decode(
            (String, String, Int32, String, String).self)
        {
            let bytes = Data(data.utf8)
            switch stream.prefix(while: { $0 != "-" }) {
            case "room": _ = try RoomEvent(eventType: type, schemaVersion: Int(schema), data: bytes)
            case "call": _ = try CallEvent(eventType: type, schemaVersion: Int(schema), data: bytes)
            case "identity": _ = try IdentityEvent(eventType: type, schemaVersion: Int(schema), data: bytes)
            default: throw ValidationError("unexpected stream \(stream)")
            }
            _ = try EventJSON.decode(Data(metadata.utf8)) as EventMetadata
        }
    }

    private static func count(_ sql: String, client: PostgresClient, logger: Logger) async throws -> Int {
        Int(
            try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self).first { _ in true }
                ?? 0)
    }

    /// Straight to the file descriptor: stdout may be a block-buffered pipe, and the results would
    /// then come after all the progress written to stderr.
    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private static func rate(_ eventsPerSecond: Double) -> String {
        "\(ProgressDisplay.count(Int(eventsPerSecond))) events/s"
    }
}

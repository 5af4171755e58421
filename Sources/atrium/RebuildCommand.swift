import ArgumentParser
import AtriumProjections
import Foundation
import Logging

/// `atrium rebuild`: rebuilds projections from the log beside the live tables and swaps them in, or
/// with `--verify` compares a fresh rebuild with the live tables.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild projections from the event log and swap them in (or compare them, with --verify).",
        discussion: """
            The log is replayed gap-free into new tables beside the live ones by the projections' own SQL \
            functions, then the new tables replace the live ones in one transaction. The server may keep \
            serving meanwhile: what is appended during the rebuild is applied before the swap, and writers \
            wait only for the swap itself. With --verify nothing is swapped: the fresh tables are compared \
            row by row with the live ones, the differences printed, and the exit status is 1 if there are any.

            Projections: rooms (rooms, room_participants), identities, calls (calls, call_participants, \
            call_connections, call_recordings), subscriptions (event_subscriptions; the outbox is not a projection and is left alone).
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("projection"), help: "A projection to rebuild; repeat for several.")
    var projections: [RebuildableProjection] = []
    @Flag(help: "Every projection.") var all = false
    @Flag(help: "Compare a fresh rebuild with the live tables instead of swapping it in.") var verify = false
    @Option(help: "Log events per batch (each its own short transaction).") var batch = 5_000
    @Option(help: "Connections replaying the log in parallel, each taking a share of the streams.") var workers = 2
    @Option(help: "With --verify: differing rows printed per table and side.") var limit = 20

    func validate() throws {
        guard projections.isEmpty != !all else {
            throw ValidationError("Name the projections with --projection NAME (repeatable), or give --all.")
        }
        guard (100...1_000_000).contains(batch) else { throw ValidationError("--batch must be 100...1000000.") }
        guard (1...16).contains(workers) else { throw ValidationError("--workers must be 1...16.") }
    }

    func run() async throws {
        let logger = Logger.atrium(quiet: true)
        let chosen = all ? RebuildableProjection.allCases : projections
        let (verify, batch, workers, limit) = (verify, batch, workers, limit)
        let clean = try await database.withClient(maximumConnections: workers + 2, logger: logger) { client in
            var rebuild = ProjectionRebuild(client: client, logger: logger, projections: chosen)
            rebuild.batchSize = batch
            rebuild.workers = workers
            let names = rebuild.projections.map(\.rawValue).joined(separator: ", ")
            let display = ProgressDisplay(title: verify ? "verify" : "rebuild")
            if verify {
                let report = try await rebuild.verify(differenceLimit: limit, progress: display.show)
                display.finish()
                Self.print(report, names: names)
                return report.differences.isEmpty
            }
            let summary = try await rebuild.rebuild(progress: display.show)
            display.finish()
            Swift.print(
                "Rebuilt \(names) from \(Self.describe(summary)). At the swap: \(summary.eventsAtTheEnd) events "
                    + "caught up; writers held off at most \(Self.milliseconds(summary.writersHeldOff)) ms"
                    + (summary.swapAttempts > 1 ? " (swap attempts: \(summary.swapAttempts))." : "."))
            return true
        }
        if !clean { throw ExitCode(1) }
    }

    private static func print(_ report: VerifyReport, names: String) {
        guard !report.differences.isEmpty else {
            Swift.print("Verified \(names): a fresh rebuild from \(describe(report.summary)) equals the live tables.")
            return
        }
        Swift.print("Verified \(names): the live tables differ from a fresh rebuild from \(describe(report.summary)).")
        var lastHeading = ""
        for difference in report.differences {
            let heading =
                "\(difference.table): \(difference.rowsOnThisSide) row(s) only in the \(difference.onlyIn.rawValue) table"
            if heading != lastHeading {
                Swift.print(heading)
                lastHeading = heading
            }
            Swift.print("  \(difference.onlyIn == .live ? "live   " : "rebuild") \(difference.row)")
        }
    }

    private static func describe(_ summary: RebuildSummary) -> String {
        "\(ProgressDisplay.count(summary.eventsReplayed)) log events (\(ProgressDisplay.count(summary.eventsApplied)) "
            + "applied) in \(String(format: "%.1f", summary.duration.seconds)) s, "
            + "\(ProgressDisplay.count(Int(summary.eventsPerSecond))) events/s"
    }

    private static func milliseconds(_ duration: Duration) -> Int { Int((duration.seconds * 1000).rounded()) }
}

extension RebuildableProjection: ExpressibleByArgument {}

import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// A rebuild of every projection while commands keep arriving from several tasks (and the room-call
/// policy appends its own): the swap loses nothing, no command fails, and verify finds the live
/// tables equal to a fresh rebuild, both while the writers go on and after they stop.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct RebuildUnderLoadTests {
    static let logger = TestDatabase.logger
    static let writers = 4

    /// Counts what the writers did, and keeps every error.
    actor Tally {
        private(set) var completed = 0
        private(set) var failures: [String] = []
        private(set) var stopped = false

        func complete() { completed += 1 }
        func fail(_ error: any Error) { failures.append(String(reflecting: error)) }
        func stop() { stopped = true }
    }

    @Test func aRebuildUnderLoadSwapsInTablesEqualToTheLog() async throws {
        try await TestDatabase.with(maximumConnections: 40) { client in
            let store = EventStore(client: client, logger: Self.logger)
            let tally = Tally()
            let policy = LogConsumer(
                name: RoomCallPolicy.consumerName, store: store,
                handler: RoomCallPolicy(roomCalls: RoomCalls(store: store)), pollInterval: .milliseconds(50))
            let policyRun = Task { try await policy.run() }
            defer { policyRun.cancel() }
            let writers = (0..<Self.writers).map { writer in
                Task {
                    var number = writer
                    while await !tally.stopped {
                        do {
                            try await RoomLife(store: store, number: number).live()
                            await tally.complete()
                        } catch {
                            await tally.fail(error)
                        }
                        number += Self.writers
                    }
                }
            }

            // A history to rebuild, written by the same load that goes on through the rebuild.
            while try await Self.events(client) < 3_000 { try await Task.sleep(for: .milliseconds(50)) }
            var rebuild = ProjectionRebuild(
                client: client, logger: Self.logger, projections: RebuildableProjection.allCases)
            rebuild.batchSize = 50
            let before = await tally.completed
            let summary = try await rebuild.rebuild()
            let during = await tally.completed - before
            let logAtSwap = try await Self.events(client)
            try await Task.sleep(for: .milliseconds(500))  // writes into the swapped-in tables
            let whileWriting = try await rebuild.verify()

            await tally.stop()
            for writer in writers { await writer.value }
            policyRun.cancel()  // it appends too: stop it so that the log holds still
            _ = await policyRun.result
            let afterwards = try await rebuild.verify()

            #expect(await tally.failures == [])
            #expect(during > 0, "commands completed while the rebuild ran")
            #expect(summary.eventsReplayed > 3_000 && summary.eventsReplayed <= logAtSwap)
            #expect(whileWriting.differences == [])
            #expect(afterwards.differences == [])
            #expect(afterwards.summary.eventsReplayed == (try await Self.events(client)))
        }
    }

    static func events(_ client: PostgresClient) async throws -> Int {
        Int(
            try await client.query("SELECT count(*) FROM events", logger: logger).decode(Int64.self).first { _ in true }
                ?? 0)
    }
}

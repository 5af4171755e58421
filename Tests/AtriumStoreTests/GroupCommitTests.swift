import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// Concurrent appends share batches; each one's outcome is its own.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct GroupCommitTests {
    static func event() -> NewEvent {
        NewEvent(
            eventType: "Probe", data: Data("{}".utf8),
            metadata: EventMetadata(actor: "test", command: "Probe", correlationId: UUID()))
    }

    @Test func aConflictInABatchLeavesTheOtherAppendsAlone() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            // 40 creators of their own streams and 40 racing to create one shared stream, all at once.
            let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
                for index in 0..<80 {
                    group.addTask {
                        let stream = index.isMultiple(of: 2) ? "own-\(index)" : "shared"
                        do {
                            try await store.append(
                                to: stream, expected: .noStream, events: [Self.event(), Self.event()],
                                recordedAt: Date())
                            return (stream, true)
                        } catch StoreError.wrongExpectedVersion {
                            return (stream, false)
                        } catch {
                            Issue.record("unexpected \(error)")
                            return (stream, false)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0.0 != "shared" }.allSatisfy { $0.1 }, "every own stream is created")
            #expect(
                outcomes.filter { $0.0 == "shared" && $0.1 }.count == 1, "exactly one creator of the shared stream wins"
            )
            let shared = try await store.readStream("shared")
            #expect(shared.map(\.streamVersion) == [1, 2], "the winner's events, and nothing of the losers'")
            let total = try await client.query("SELECT count(*) FROM events", logger: TestDatabase.logger)
                .decode(Int64.self).first { _ in true }
            #expect(total == 82, "40 own streams of 2 events, and the shared stream's 2")
        }
    }
}

import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// Concurrent appends share batches; each one's outcome is its own.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct GroupCommitTests {
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
                                to: stream, expected: .noStream, events: [.probe(), .probe()],
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

    @Test func anAppendPostgreSQLRefusesFailsAloneNotItsBatch() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            // A RoomCreated without its fields breaks the rooms projection (NOT NULL): PostgreSQL
            // refuses that append. The others, sent at the same moment, must not notice.
            let broken = NewEvent.probe(type: "RoomCreated")
            let outcomes = await Self.appendAtOnce(30, to: store) { index in
                index == 15
                    ? (StreamName(.room, id: "10000000000000015").streamId, [broken]) : ("fine-\(index)", [.probe()])
            }
            #expect(outcomes[15] == false)
            #expect(outcomes.filter { $0.key != 15 }.allSatisfy { $0.value })
            let refused = try await store.readStream(StreamName(.room, id: "10000000000000015").streamId)
            #expect(refused.isEmpty)
        }
    }

    @Test func anAppendNoJSONBTakesFailsAloneNotItsBatch() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            // jsonb refuses `\u0000`, and it refuses it while casting the statement's parameters,
            // before any item's savepoint: a batch with such an append fails in both of its forms.
            let poisoned = NewEvent(
                eventId: UUID(), eventType: "Probe", data: Data(#"{"text":"x\u0000"}"#.utf8),
                metadata: EventMetadata(actor: "test", command: "Probe", correlationId: UUID()))
            let outcomes = await Self.appendAtOnce(60, to: store) { index in
                ("stream-\(index)", index.isMultiple(of: 10) ? [poisoned] : [.probe()])
            }
            #expect(outcomes.filter { $0.key.isMultiple(of: 10) }.allSatisfy { !$0.value }, "the poisoned fail")
            #expect(outcomes.filter { !$0.key.isMultiple(of: 10) }.allSatisfy { $0.value }, "the rest commit")
            let total = try await client.query("SELECT count(*) FROM events", logger: TestDatabase.logger)
                .decode(Int64.self).first { _ in true }
            #expect(total == 54)
        }
    }

    @Test func aBatchWaitingForALockDoesNotHoldUpAppendsToOtherStreams() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            try await store.append(to: "locked", expected: .noStream, events: [.probe()], recordedAt: Date())
            try await client.withConnection { holder in
                // Another transaction holds the stream's row, as a writer on another node would.
                _ = try await holder.query("BEGIN", logger: TestDatabase.logger)
                _ = try await holder.query(
                    "SELECT version FROM streams WHERE stream_id = 'locked' FOR UPDATE", logger: TestDatabase.logger)
                let held = Task {
                    try await store.append(to: "locked", expected: .at(1), events: [.probe()], recordedAt: Date())
                }
                while try await Self.backendsWaitingForALock(client) == 0 {
                    try await Task.sleep(for: .milliseconds(5))
                }

                let wentThrough = try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        try await store.append(to: "free", expected: .noStream, events: [.probe()], recordedAt: Date())
                        return true
                    }
                    group.addTask {
                        try await Task.sleep(for: .seconds(10))
                        return false
                    }
                    let first = try await group.next() ?? false
                    // Released either way, so that the held append (and a stuck one) can finish.
                    _ = try await holder.query("COMMIT", logger: TestDatabase.logger)
                    group.cancelAll()
                    return first
                }
                #expect(wentThrough, "the other stream's append went through while the lock was held")
                _ = try await held.value
            }
            #expect(try await store.readStream("locked").map(\.streamVersion) == [1, 2])
            #expect(try await store.readStream("free").count == 1)
        }
    }

    private static func backendsWaitingForALock(_ client: PostgresClient) async throws -> Int64 {
        let rows = try await client.query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
            logger: TestDatabase.logger)
        return try await rows.decode(Int64.self).first { _ in true } ?? 0
    }

    /// `count` appends sent at once, each creating the stream `append(index)` names: whether each
    /// went through (true) or PostgreSQL refused it (false).
    static func appendAtOnce(
        _ count: Int, to store: EventStore, _ append: @escaping @Sendable (Int) -> (String, [NewEvent])
    ) async -> [Int: Bool] {
        await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<count {
                group.addTask {
                    let (stream, events) = append(index)
                    do {
                        try await store.append(to: stream, expected: .noStream, events: events, recordedAt: Date())
                        return (index, true)
                    } catch StoreError.appendRefused {
                        return (index, false)
                    } catch {
                        Issue.record("unexpected \(error)")
                        return (index, false)
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
    }
}

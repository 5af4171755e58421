import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// The whole-log reader must see every committed event exactly once, in a stable order, while
/// writers commit out of order, slowly, or roll back.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct GapSafetyTests {
    @Test func readerSeesEveryCommittedEventOnceWhileWritersRaceAndRollBack() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let writers = 16
            let transactionsPerWriter = 25
            let committed = Committed()
            let writing = Task {
                let outcome = await Result {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for writer in 0..<writers {
                            group.addTask {
                                for _ in 0..<transactionsPerWriter {
                                    try await Self.writeTransaction(
                                        store: store, stream: "gap-\(writer)", committed: committed)
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                }
                await committed.finish()
                try outcome.get()
            }

            // Read incrementally the whole time, as a consumer would. Done when the writers have
            // finished and nothing lies after the cursor (an empty read alone is not enough: another
            // test's open transaction anywhere in the cluster may hold the barrier back).
            var seen: [UUID] = []
            var cursor = LogPosition.start
            while true {
                let finished = await committed.isFinished
                let batch = try await store.readAll(after: cursor, limit: 37)
                seen += batch.map(\.eventId)
                cursor = batch.last?.position ?? cursor
                if batch.isEmpty {
                    if finished, try await !store.hasEvents(after: cursor) { break }
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
            try await writing.value

            let expected = await committed.ids
            #expect(Set(seen).count == seen.count, "an event was read twice")
            #expect(Set(seen) == expected, "read \(seen.count) events, \(expected.count) committed")
            #expect(await committed.rolledBack > 0, "the test must include rolled-back transactions")

            // The order is stable: a fresh reader from the start sees the same sequence.
            var again: [UUID] = []
            var position = LogPosition.start
            while true {
                let batch = try await store.readAll(after: position, limit: 1000)
                guard let last = batch.last else { break }
                again += batch.map(\.eventId)
                position = last.position
            }
            #expect(again == seen)
        }
    }

    /// One transaction writing two events: a fifth roll back; the rest commit after a random delay.
    ///
    /// The rows are inserted directly, so that the transaction stays open as long as the test
    /// likes: the store's own appends commit at once.
    static func writeTransaction(store: EventStore, stream: String, committed: Committed) async throws {
        let ids = [UUID(), UUID()]
        let rollBack = Int.random(in: 0..<5) == 0
        let stream = "\(stream)-\(UUID())"
        do {
            try await store.client.withTransaction(logger: TestDatabase.logger) { transaction in
                for (version, id) in ids.enumerated() {
                    let event = NewEvent.probe(id: id)
                    try await transaction.query(
                        """
                        INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data,
                                            metadata, recorded_at)
                        VALUES (\(stream), \(Int64(version + 1)), \(id), \(event.eventType), 1, '{}',
                                \(event.metadata.jsonText)::jsonb, now())
                        """, logger: TestDatabase.logger)
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...15)))
                if rollBack { throw RolledBack() }
            }
            await committed.add(ids)
        } catch let error as PostgresTransactionError where error.closureError is RolledBack {
            await committed.noteRollback()
        }
    }

    struct RolledBack: Error {}

    actor Committed {
        private(set) var ids: Set<UUID> = []
        private(set) var rolledBack = 0
        private(set) var isFinished = false

        func add(_ new: [UUID]) { ids.formUnion(new) }
        func noteRollback() { rolledBack += 1 }
        func finish() { isFinished = true }
    }
}

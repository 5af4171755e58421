import AtriumStore
import AtriumTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// The consumer primitive: every event handled exactly once across competing nodes, woken by NOTIFY.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct LogConsumerTests {
    /// Records each event it sees in a table, in the same transaction as the checkpoint.
    struct RecordingHandler: LogConsumerHandler {
        func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
            for event in events {
                try await transaction.query("INSERT INTO consumed (event_id) VALUES (\(event.eventId))", logger: logger)
            }
        }
    }

    @Test func twoNodesConsumeEveryEventExactlyOnce() async throws {
        try await TestDatabase.with { client in
            let logger = TestDatabase.logger
            try await client.query("CREATE TABLE consumed (event_id uuid NOT NULL)", logger: logger)
            let store = EventStore(client: client, logger: logger)
            // A long poll interval: only NOTIFY can make this test finish in time.
            let nodes = (0..<2).map { _ in
                LogConsumer(
                    name: "recorder", store: store, handler: RecordingHandler(), batchSize: 40,
                    pollInterval: .seconds(30))
            }
            let running = Task {
                await withThrowingTaskGroup(of: Void.self) { group in
                    for node in nodes { group.addTask { try await node.run() } }
                }
            }
            defer { running.cancel() }

            // Let a node take the lock and go idle before writing, so the wake-up must come from NOTIFY.
            try await Task.sleep(for: .milliseconds(300))
            var appended: [UUID] = []
            for stream in 0..<30 {
                let events = (0..<10).map { _ in
                    NewEvent.probe()
                }
                try await store.append(to: "probe-\(stream)", expected: .noStream, events: events, recordedAt: Date())
                appended += events.map(\.eventId)
            }
            // The true end of the log (readAll would stop at the barrier that the consumer's own open
            // transaction holds back, which is exactly what it is for).
            let end = try await client.query(
                "SELECT transaction_id::text::bigint, global_position FROM events ORDER BY 1 DESC, 2 DESC LIMIT 1",
                logger: logger
            ).decode((Int64, Int64).self).first { _ in true }
            let last = LogPosition(transactionId: try #require(end).0, globalPosition: try #require(end).1)

            let positions = ConsumerPositions(client: client, logger: logger)
            // Under the 30 s poll interval, so still only NOTIFY can get there; generous beyond that, as
            // the whole suite runs at once on two cores.
            let deadline = ContinuousClock.now + .seconds(25)
            while try await positions.position(of: "recorder") != last, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let reached = try await positions.position(of: "recorder")
            #expect(
                reached == last,
                "the consumer did not catch up via NOTIFY: at \(String(describing: reached)), log ends at \(last)")

            var consumed: [UUID] = []
            for try await id in try await client.query("SELECT event_id FROM consumed", logger: logger).decode(
                UUID.self)
            {
                consumed.append(id)
            }
            #expect(consumed.count == appended.count, "each event must be handled once")
            #expect(Set(consumed) == Set(appended))
        }
    }

    /// Sees only the "Wanted" events; its recorder table is `consumed`.
    struct FilteringHandler: LogConsumerHandler {
        var selection: EventSelection { .types(["Wanted"]) }
        func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
            for event in events {
                #expect(event.eventType == "Wanted")
                try await transaction.query("INSERT INTO consumed (event_id) VALUES (\(event.eventId))", logger: logger)
            }
        }
    }

    @Test func aFilteringConsumerSeesOnlyItsTypesOnceAndMovesPastTheRest() async throws {
        try await TestDatabase.with { client in
            let logger = TestDatabase.logger
            try await client.query("CREATE TABLE consumed (event_id uuid NOT NULL)", logger: logger)
            let store = EventStore(client: client, logger: logger)
            var wanted: [UUID] = []
            // More skipped events than one scan holds (batch 10 → scans of 40), wanted ones scattered.
            for stream in 0..<25 {
                let events = (0..<8).map { index in NewEvent.probe(type: index == 3 ? "Wanted" : "Other") }
                try await store.append(to: "mixed-\(stream)", expected: .noStream, events: events, recordedAt: Date())
                wanted += events.filter { $0.eventType == "Wanted" }.map(\.eventId)
            }
            let end = try #require(
                try await client.query(
                    "SELECT transaction_id::text::bigint, global_position FROM events ORDER BY 1 DESC, 2 DESC LIMIT 1",
                    logger: logger
                ).decode((Int64, Int64).self).first { _ in true })
            let last = LogPosition(transactionId: end.0, globalPosition: end.1)
            let positions = ConsumerPositions(client: client, logger: logger)

            // Twice: the second run starts from the stored checkpoint and must add nothing.
            for _ in 0..<2 {
                let consumer = LogConsumer(
                    name: "filtering", store: store, handler: FilteringHandler(), batchSize: 10,
                    pollInterval: .milliseconds(50), skippedCheckpointInterval: .zero)
                let running = Task { try await consumer.run() }
                let deadline = ContinuousClock.now + .seconds(10)
                while try await positions.position(of: "filtering") != last, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                running.cancel()
                _ = await running.result
                #expect(
                    try await positions.position(of: "filtering") == last, "the checkpoint moves past skipped events")
            }
            var consumed: [UUID] = []
            for try await id in try await client.query("SELECT event_id FROM consumed", logger: logger).decode(
                UUID.self)
            {
                consumed.append(id)
            }
            #expect(consumed.count == wanted.count, "each wanted event handled once")
            #expect(Set(consumed) == Set(wanted))
        }
    }

    @Test func aFailingBatchLeavesNoEffectAndIsRetried() async throws {
        try await TestDatabase.with { client in
            let logger = TestDatabase.logger
            try await client.query("CREATE TABLE consumed (event_id uuid NOT NULL)", logger: logger)
            let store = EventStore(client: client, logger: logger)
            let failures = FailOnce()
            let consumer = LogConsumer(
                name: "flaky", store: store, handler: FlakyHandler(failures: failures), pollInterval: .milliseconds(50))
            let event = NewEvent.probe()
            try await store.append(to: "flaky-1", expected: .noStream, events: [event], recordedAt: Date())
            let running = Task { try await consumer.run() }
            defer { running.cancel() }
            let deadline = ContinuousClock.now + .seconds(10)
            var count: Int64 = 0
            while count == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                count =
                    try await client.query("SELECT count(*) FROM consumed", logger: logger).decode(Int64.self).first {
                        _ in true
                    } ?? 0
            }
            try await Task.sleep(for: .milliseconds(200))
            count =
                try await client.query("SELECT count(*) FROM consumed", logger: logger).decode(Int64.self).first { _ in
                    true
                } ?? 0
            #expect(count == 1, "the failed attempt's insert must have rolled back with its checkpoint")
            #expect(await failures.attempts >= 2)
        }
    }

    actor FailOnce {
        var attempts = 0
        func next() -> Bool {
            attempts += 1
            return attempts == 1
        }
    }

    /// Writes its effect, then fails the first time: the effect must roll back with the batch.
    struct FlakyHandler: LogConsumerHandler {
        let failures: FailOnce
        struct Boom: Error {}
        func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
            for event in events {
                try await transaction.query("INSERT INTO consumed (event_id) VALUES (\(event.eventId))", logger: logger)
            }
            if await failures.next() { throw Boom() }
        }
    }
}

import AtriumStore
import AtriumTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// Operators moving a consumer back to replay: the list shows where each stands and how far behind,
/// and a running consumer deals with the events after its new position again.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct ConsumerResetTests {
    /// Counts each event it sees, per event id, in the same transaction as the checkpoint.
    struct CountingHandler: LogConsumerHandler {
        func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
            for event in events {
                try await transaction.query(
                    """
                    INSERT INTO seen (event_id, times) VALUES (\(event.eventId), 1)
                    ON CONFLICT (event_id) DO UPDATE SET times = seen.times + 1
                    """, logger: logger)
            }
        }
    }

    @Test func aResetConsumerDealsWithTheEventsAfterItsNewPositionAgain() async throws {
        try await TestDatabase.with { client in
            let logger = TestDatabase.logger
            try await client.query("CREATE TABLE seen (event_id uuid PRIMARY KEY, times int NOT NULL)", logger: logger)
            let store = EventStore(client: client, logger: logger)
            let positions = ConsumerPositions(client: client, logger: logger)
            for stream in 0..<10 {
                try await store.append(
                    to: "probe-\(stream)", expected: .noStream, events: [.probe(), .probe()], recordedAt: Date())
            }
            let consumer = LogConsumer(
                name: "counter", store: store, handler: CountingHandler(), batchSize: 7,
                pollInterval: .milliseconds(50), pace: .milliseconds(5))
            let running = Task { try await consumer.run() }
            defer { running.cancel() }
            try await Self.eventually { try await Self.seen(client, times: 1) == 20 }
            let end = try #require(try await positions.position(of: "counter"))
            #expect(
                try await positions.all().map { [$0.name, "\($0.position)", "\($0.lag)"] } == [
                    ["counter", "\(end)", "0"]
                ])

            // Back to after the tenth event: the last ten are handled once more.
            let tenth = try #require(try await store.readAll(after: .start, limit: 10).last).position
            #expect(try await positions.reset("counter", to: tenth))
            #expect(try await positions.all().first?.lag == 10)
            // A running node finds out at its next batch; give it one.
            try await store.append(to: "probe-next", expected: .noStream, events: [.probe()], recordedAt: Date())
            try await Self.eventually { try await Self.seen(client, times: 2) == 10 }
            #expect(try await Self.seen(client, times: 1) == 11)

            #expect(try await !positions.reset("no-such-consumer", to: .start))
        }
    }

    static func seen(_ client: PostgresClient, times: Int) async throws -> Int {
        Int(
            try await client.query(
                "SELECT count(*) FROM seen WHERE times = \(Int32(times))", logger: TestDatabase.logger
            )
            .decode(Int64.self).first { _ in true } ?? -1)
    }

    static func eventually(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("condition not met within 15 s")
    }
}

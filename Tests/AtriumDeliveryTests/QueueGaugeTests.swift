import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

@testable import AtriumDelivery

/// The queued-events gauge counts every pending delivery: a subscription's events, and the call
/// connections' callbacks, together under one label however many connections there are.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct QueueGaugeTests {
    @Test func callbacksPendingForManyConnectionsAreQueuedUnderOneLabel() async throws {
        try await TestDatabase.with { client in
            let logger = TestDatabase.logger
            try await PublishingFixture.subscribe(
                EventStore(client: client, logger: logger), "orders", "http://127.0.0.1:1/hook",
                maxDeliveryAttempts: 3)
            // Three connections' callbacks (two of one, one dead), and two of the subscription's events.
            let rows: [(subscription: String, destination: String?, state: String)] = [
                ("callback:a", "http://127.0.0.1:1/a", "pending"),
                ("callback:a", "http://127.0.0.1:1/a", "pending"),
                ("callback:b", "http://127.0.0.1:1/b", "pending"),
                ("callback:c", "http://127.0.0.1:1/c", "dead"),
                ("orders", nil, "pending"),
                ("orders", nil, "pending"),
            ]
            for (index, row) in rows.enumerated() {
                try await client.query(
                    """
                    INSERT INTO outbox (subscription, event_id, event_type, subject, payload, source_position,
                                        committed_at, destination, state)
                    VALUES (\(row.subscription), \(UUID()), 'Test', 'test', '{}', \(Int64(index + 1)), now(),
                            \(row.destination), \(row.state))
                    """, logger: logger)
            }
            let queues = try await PublishingGauges.queues(client: client, logger: logger)
            #expect(
                Set(queues.map { [$0.label, "\($0.pending)", "\($0.dead)"] }) == [
                    [DeliveryMetrics.callbacksLabel, "3", "1"], ["orders", "2", "0"],
                ])
        }
    }
}

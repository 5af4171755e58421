import AtriumDelivery
import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// A deleted subscription's deliveries go with it: the fan-out purges them when it reaches the
/// deletion in the log (no read model touches the outbox).
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct DeletedSubscriptionTests {
    @Test func theFanOutPurgesADeletedSubscriptionsRows() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            try await PublishingFixture.run(store, settings: DeliverySettings()) {
                // Nobody answers there: the rows stay, waiting for their next attempt.
                let url = "http://127.0.0.1:\(try await PublishingFixture.closedPort())/"
                try await PublishingFixture.subscribe(store, "gone", url)
                try await PublishingFixture.subscribe(store, "kept", url)
                try await PublishingFixture.createRoom(store)
                try await waitUntil { try await Self.rows(client, of: "gone") == 1 }

                try await store.append(
                    to: StreamName(.subscription, id: "gone").streamId, expected: .any,
                    events: [
                        try NewEvent(
                            SubscriptionEvent.deleted(SubscriptionDeleted()), metadata: PublishingFixture.metadata)
                    ],
                    recordedAt: Date())
                try await waitUntil { try await Self.rows(client, of: "gone") == 0 }
                #expect(try await Self.rows(client, of: "kept") == 1)
            }
        }
    }

    static func rows(_ client: PostgresClient, of subscription: String) async throws -> Int64 {
        try await client.query(
            "SELECT count(*) FROM outbox WHERE subscription = \(subscription)", logger: TestDatabase.logger
        ).decode(Int64.self).first { _ in true } ?? -1
    }
}

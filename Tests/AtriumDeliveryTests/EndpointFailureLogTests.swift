import AtriumDelivery
import AtriumStore
import AtriumTesting
import Foundation
import Testing

/// An endpoint that keeps failing is logged when it starts failing and when it recovers, with the
/// reason, not once per failed attempt.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct EndpointFailureLogTests {
    @Test func aFailingEndpointIsLoggedOnceWhenItFailsAndOnceWhenItRecovers() async throws {
        let settings = {
            var settings = DeliverySettings()
            settings.attemptTimeout = .seconds(2)
            settings.retryDelays = Array(repeating: .milliseconds(100), count: 10)
            return settings
        }()
        let receiver = WebhookReceiver()
        receiver.answer(.status(500, retryAfter: nil))
        let log = CapturedLog()
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: log.logger())
            try await receiver.run { url in
                try await PublishingFixture.subscribe(store, "flaky", url, maxDeliveryAttempts: 30)
                try await PublishingFixture.run(store, settings: settings) {
                    // One event: its attempts follow one another, so the last failure is known.
                    try await PublishingFixture.createRoom(store)
                    try await waitUntil { receiver.deliveries.count >= 5 }
                    receiver.answer(.accept)
                    let outbox = Outbox(client: client, logger: TestDatabase.logger)
                    try await waitUntil {
                        try await outbox.list(dead: false, subscription: "flaky", limit: 10).isEmpty
                    }
                }
            }
        }
        let failures = receiver.deliveries.count - 1
        let started = log.all.filter { $0.message.hasPrefix("endpoint started failing") }
        let recovered = log.all.filter { $0.message.hasPrefix("endpoint recovered") }
        #expect(started.count == 1, "\(started.map(\.message))")
        #expect(started.first?.level == .warning)
        #expect(started.first?.metadata["reason"] == "http_500")
        #expect(started.first?.metadata["outcome"] == "HTTP 500")
        #expect(recovered.count == 1, "\(recovered.map(\.message))")
        #expect(recovered.first?.level == .info)
        #expect(recovered.first?.message.hasPrefix("endpoint recovered after \(failures) failures, ") == true)
        #expect(recovered.first?.metadata["lastReason"] == "http_500")
        #expect(failures >= 5)
        #expect(
            log.all.filter { $0.level >= .info && $0.metadata["endpoint"] != nil }.count == 2,
            "nothing else about the endpoint at info or above")
    }
}

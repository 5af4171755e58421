import AtriumDelivery
import AtriumStore
import AtriumTesting
import Foundation
import Testing

/// A delivery that gets no answer says why: a host that does not resolve, a port nobody listens
/// on, a receiver that never answers, TLS spoken to a plain HTTP port. Each attempt's reason is in
/// the outbox (what `atrium outbox list` shows) while the event waits, and in its dead letter.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct DeliveryFailureReasonTests {
    /// Timeouts a starved machine still meets (the whole suite runs at once on two cores: a TLS
    /// handshake with a plain port must end by its refusal, not by the clock), and a wait before
    /// the retry long enough for the polling below to see each event waiting.
    static let settings: DeliverySettings = {
        var settings = DeliverySettings()
        settings.attemptTimeout = .seconds(3)
        settings.connectTimeout = .seconds(2)
        settings.retryDelays = [.seconds(3), .seconds(3)]
        return settings
    }()

    @Test func eachFailureBeforeAnAnswerIsRecordedWithItsReason() async throws {
        let plain = WebhookReceiver()
        let hanging = HangingEndpoint()
        let closedPort = try await PublishingFixture.closedPort()
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            try await plain.run { plainURL in
                try await hanging.run { hangingURL in
                    let endpoints = [
                        "dns": "http://atrium-no-such-host.invalid/hook",
                        "refused": "http://127.0.0.1:\(closedPort)/hook",
                        "timeout": hangingURL,
                        "tls": plainURL.replacingOccurrences(of: "http://", with: "https://"),
                    ]
                    for (name, url) in endpoints {
                        try await PublishingFixture.subscribe(store, "reason-\(name)", url, maxDeliveryAttempts: 2)
                    }
                    try await PublishingFixture.run(store, settings: Self.settings) {
                        try await PublishingFixture.createRoom(store)
                        let outbox = Outbox(client: client, logger: TestDatabase.logger)
                        // The reason seen while each event waits for its retry, then its dead letter.
                        let waiting = ReasonsSeen()
                        try await waitUntil(timeout: .seconds(60)) {
                            var allDead = true
                            for name in endpoints.keys {
                                let subscription = "reason-\(name)"
                                for entry in try await outbox.list(dead: false, subscription: subscription, limit: 10)
                                where entry.lastReason != nil {
                                    await waiting.saw(name, entry)
                                }
                                let dead = try await outbox.list(dead: true, subscription: subscription, limit: 10)
                                allDead = allDead && !dead.isEmpty
                            }
                            return allDead
                        }
                        for name in endpoints.keys {
                            let pending = await waiting.entries[name]
                            #expect(pending?.lastReason == name, "\(name): waiting with \(String(describing: pending))")
                            #expect(pending?.attempts == 1)
                            let dead = try #require(
                                try await outbox.list(dead: true, subscription: "reason-\(name)", limit: 10).first)
                            #expect(dead.lastReason == name, "\(name): dead with \(dead)")
                            #expect(dead.deadReason == "MaxDeliveryAttemptsExceeded")
                            #expect(dead.attempts == 2)
                            // The outcome keeps the error's words, after the reason.
                            let outcome = dead.lastOutcome ?? ""
                            #expect(
                                name == "timeout" ? outcome == "timeout" : outcome.hasPrefix("\(name): "), "\(outcome)")
                        }
                        #expect(plain.deliveries.isEmpty, "TLS never reached the plain receiver's handler")
                    }
                }
            }
        }
    }
}

/// The first pending entry seen with a reason, by endpoint.
private actor ReasonsSeen {
    var entries: [String: Outbox.Entry] = [:]

    func saw(_ name: String, _ entry: Outbox.Entry) {
        if entries[name] == nil { entries[name] = entry }
    }
}

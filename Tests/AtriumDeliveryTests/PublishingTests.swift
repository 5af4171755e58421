import AsyncHTTPClient
import AtriumDelivery
import AtriumDomain
import AtriumStore
import AtriumTesting
import Crypto
import Foundation
import HTTPTypes
import Logging
import PostgresNIO
import Testing

/// The fan-out, the delivery workers and the handshake, against real PostgreSQL and a real HTTP
/// receiver on loopback. Subscriptions and rooms are written straight to the log here; the HTTP
/// API's own tests cover how they get there.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct PublishingTests {
    static let topic = "/atrium/test"

    @Test func eventsReachTheSubscriberInItsEnvelopeOnlyAfterTheHandshake() async throws {
        try await withPublishing { store, receiver, url in
            try await subscribe(store, "rooms-eg", url)
            var rooms: [String] = []
            for _ in 0..<3 { rooms.append(try await createRoom(store)) }
            try await waitUntil { receiver.deliveries.count >= 3 }

            #expect(receiver.received.first?.headers[HTTPField.Name("aeg-event-type")!] == "SubscriptionValidation")
            let delivered = try receiver.deliveries.flatMap { try elements(of: $0.body) }
            // Like Event Grid, no order is promised: concurrent deliveries may overtake each other.
            #expect(Set(delivered.compactMap { $0["subject"]?.serialized }) == Set(rooms.map { "\"room/\($0)\"" }))
            for event in delivered {
                #expect(event["eventType"] == .string(PublishedEventTypes.roomCreated))
                #expect(event["topic"] == .string(Self.topic))
                #expect(event["dataVersion"] == "1.0")
                #expect(event["metadataVersion"] == "1")
            }
            let headers = try #require(receiver.deliveries.first?.headers)
            #expect(headers[HTTPField.Name("aeg-subscription-name")!] == "ROOMS-EG")
            #expect(headers[HTTPField.Name("aeg-delivery-count")!] == "0")
            // Delivered rows leave the outbox (once the worker has recorded the answers).
            try await waitUntil { try await outboxCount(store) == 0 }
        }
    }

    @Test func cloudEventsSubscribersGiveConsentByOptionsAndGetCloudEvents() async throws {
        try await withPublishing { store, receiver, url in
            try await subscribe(store, "rooms-ce", url, schema: .cloudEvents)
            let room = try await createRoom(store)
            try await waitUntil { receiver.deliveries.count >= 1 }
            #expect(receiver.received.first?.method == "OPTIONS")
            let event = try #require(try elements(of: receiver.deliveries[0].body).first)
            #expect(event["type"] == .string(PublishedEventTypes.roomCreated))
            #expect(event["source"] == .string(Self.topic))
            #expect(event["specversion"] == "1.0")
            #expect(event["subject"] == .string("room/\(room)"))
            #expect(
                receiver.deliveries[0].headers[.contentType]?.hasPrefix("application/cloudevents-batch+json") == true)
        }
    }

    @Test func aFailingSubscriberGetsEveryEventOnceItRecoversWithTheSameIds() async throws {
        try await withPublishing { store, receiver, url in
            try await subscribe(store, "flaky", url)
            receiver.answer(.status(503, retryAfter: 1))
            _ = try await createRoom(store)
            try await waitUntil { receiver.deliveries.count >= 2 }
            receiver.answer(.accept)
            try await waitUntil { try await outboxCount(store) == 0 }

            let attempts = receiver.deliveries
            #expect(attempts.count >= 3)
            #expect(attempts.map { $0.headers[HTTPField.Name("aeg-delivery-count")!] }.prefix(3) == ["0", "1", "2"])
            let ids = Set(try attempts.flatMap { try elements(of: $0.body) }.compactMap { $0["id"]?.serialized })
            #expect(ids.count == 1, "every attempt carries the same event id")
            let gap = attempts[1].at.timeIntervalSince(attempts[0].at)
            #expect(gap >= 0.9, "Retry-After: 1 was honoured (gap \(gap) s)")
        }
    }

    @Test func rejectedEventsAreDeadLetteredThenRedriven() async throws {
        try await withPublishing { store, receiver, url in
            try await subscribe(store, "strict", url)
            receiver.answer(.status(400, retryAfter: nil))
            _ = try await createRoom(store)
            let outbox = Outbox(client: store.client, logger: store.logger)
            try await waitUntil { try await outbox.list(dead: true, subscription: "strict", limit: 10).count == 1 }
            let dead = try await outbox.list(dead: true, subscription: "strict", limit: 10)[0]
            #expect(dead.deadReason == "DeliveryRejected")
            #expect(dead.lastOutcome == "HTTP 400")
            #expect(receiver.deliveries.count == 1, "a 400 is not retried")

            receiver.answer(.accept)
            #expect(try await outbox.redrive(.subscription("strict"), deadSince: nil) == 1)
            try await waitUntil { receiver.deliveries.count == 2 }
            try await waitUntil { try await outboxCount(store) == 0 }
        }
    }

    @Test func signedDeliveriesCarryAStandardWebhooksSignature() async throws {
        let key = Data((0..<32).map { UInt8($0) })
        try await withPublishing { store, receiver, url in
            try await subscribe(store, "signed", url, secret: "whsec_" + key.base64EncodedString())
            _ = try await createRoom(store)
            try await waitUntil { receiver.deliveries.count >= 1 }
            let delivery = receiver.deliveries[0]
            let id = try #require(delivery.headers[HTTPField.Name("webhook-id")!])
            let timestamp = try #require(delivery.headers[HTTPField.Name("webhook-timestamp")!])
            let signature = try #require(delivery.headers[HTTPField.Name("webhook-signature")!])
            let mac = HMAC<SHA256>.authenticationCode(
                for: Data("\(id).\(timestamp).\(delivery.body)".utf8), using: SymmetricKey(data: key))
            #expect(signature == "v1," + Data(mac).base64EncodedString())
            #expect(try elements(of: delivery.body).first?["id"] == .string(id))
        }
    }

    @Test func aSubscriptionReceivesOnlyWhatItsFilterAndCreationAllow() async throws {
        try await withPublishing { store, receiver, url in
            let before = try await createRoom(store)
            try await subscribe(
                store, "deletes-only", url,
                filter: EventFilter(includedEventTypes: [PublishedEventTypes.roomDeleted.lowercased()]))
            let after = try await createRoom(store)
            try await deleteRoom(store, after)
            try await deleteRoom(store, before)
            try await waitUntil { receiver.deliveries.count >= 2 }
            try await Task.sleep(for: .milliseconds(300))
            let events = try receiver.deliveries.flatMap { try elements(of: $0.body) }
            #expect(
                events.compactMap { $0["eventType"] } == [
                    .string(PublishedEventTypes.roomDeleted), .string(PublishedEventTypes.roomDeleted),
                ])
        }
    }

    @Test func aSubscriptionStartingAtTheBeginningReceivesTheHistoryThenWhatFollows() async throws {
        try await withPublishing { store, receiver, url in
            var rooms: [String] = []
            for _ in 0..<3 { rooms.append(try await createRoom(store)) }
            try await subscribe(store, "history", url, start: .beginning)
            rooms.append(try await createRoom(store))
            try await waitUntil { receiver.deliveries.count >= 4 }
            try await Task.sleep(for: .milliseconds(300))
            let subjects = try receiver.deliveries.flatMap { try elements(of: $0.body) }.compactMap {
                $0["subject"]?.serialized
            }
            #expect(subjects.sorted() == rooms.map { "\"room/\($0)\"" }.sorted(), "each room once, history included")
        }
    }

    // MARK: Fixtures

    /// Runs the receiver and the publishing services on a fresh database while `body` runs.
    private func withPublishing(
        _ body: @Sendable (EventStore, WebhookReceiver, String) async throws -> Void
    ) async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let receiver = WebhookReceiver()
            let result = await Result {
                try await receiver.run { url in
                    let publishing = Publishing(
                        store: store, http: http, topic: Self.topic,
                        validationURL: { name, code in
                            "http://127.0.0.1:1/eventSubscriptions/\(name)/validate?code=\(code)"
                        })
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for service in publishing.services { group.addTask { try await service.run() } }
                        defer { group.cancelAll() }
                        try await body(store, receiver, url)
                    }
                }
            }
            try await http.shutdown()
            try result.get()
        }
    }

    static let metadata = EventMetadata(actor: "test", command: "Test", correlationId: UUID())

    private func subscribe(
        _ store: EventStore, _ name: String, _ url: String, schema: DeliverySchema = .eventGrid,
        filter: EventFilter = EventFilter(), secret: String? = nil, start: StartPosition = .now
    ) async throws {
        let subscription = EventSubscription(
            name: name, endpointUrl: url, schema: schema, filter: filter, signingSecret: secret, startPosition: start)
        let created = SubscriptionEvent.created(
            SubscriptionCreated(subscription: subscription, validationCode: "code-\(name)", createdAt: Date()))
        try await store.append(
            to: StreamName(.subscription, id: name).streamId, expected: .noStream,
            events: [try NewEvent(created, metadata: Self.metadata)],
            recordedAt: Date())
        try await waitUntil {
            try await store.client.query(
                "SELECT validation_code IS NULL FROM event_subscriptions WHERE name = \(name)", logger: store.logger
            ).decode(Bool.self).first { _ in true } == true
        }
    }

    private func createRoom(_ store: EventStore) async throws -> String {
        let id = String(Int64.random(in: 1_000_000_000_000_000...9_000_000_000_000_000))
        let now = Date()
        let created = NewEvent.roomCreated(id: id, at: now, metadata: Self.metadata)
        try await store.append(
            to: StreamName(.room, id: id).streamId, expected: .noStream, events: [created], recordedAt: now)
        return id
    }

    private func deleteRoom(_ store: EventStore, _ id: String) async throws {
        try await store.append(
            to: StreamName(.room, id: id).streamId, expected: .any,
            events: [try NewEvent(RoomEvent.deleted(RoomDeleted()), metadata: Self.metadata)], recordedAt: Date())
    }

    private func outboxCount(_ store: EventStore) async throws -> Int64 {
        try await store.client.query("SELECT count(*) FROM outbox", logger: store.logger).decode(Int64.self).first {
            _ in true
        } ?? -1
    }

    private func elements(of body: String) throws -> [JSONValue] {
        guard case .array(let elements) = try JSONParser.parse(Array(body.utf8)) else { return [] }
        return elements
    }
}

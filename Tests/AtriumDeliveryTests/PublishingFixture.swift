import AsyncHTTPClient
import AtriumDelivery
import AtriumDomain
import AtriumStore
import Foundation
import NIOPosix

/// The publishing services on a store, and what the delivery tests give them: subscriptions
/// created and validated at once, and rooms whose creation every subscription hears of.
enum PublishingFixture {
    static let topic = "/atrium/test"
    static let metadata = EventMetadata(actor: "test", command: "Test", correlationId: UUID())

    /// Runs the publishing services (with their own webhook client) while `body` runs.
    static func run<T: Sendable>(
        _ store: EventStore, settings: DeliverySettings, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings.httpClientConfiguration)
        let result = await Result {
            let publishing = Publishing(
                store: store, http: http, topic: topic, delivery: settings,
                validationURL: { name, code in "http://127.0.0.1:1/validate?code=\(code)" })
            return try await withThrowingTaskGroup(of: Void.self) { group in
                for service in publishing.services { group.addTask { try await service.run() } }
                defer { group.cancelAll() }
                return try await body()
            }
        }
        try await http.shutdown()
        return try result.get()
    }

    /// Created and validated at once (endpoints that cannot answer could never pass the handshake);
    /// hears of every room created, unless `filter` says otherwise.
    static func subscribe(
        _ store: EventStore, _ name: String, _ url: String,
        filter: EventFilter = EventFilter(includedEventTypes: [PublishedEventTypes.roomCreated.lowercased()]),
        maxDeliveryAttempts: Int = 30
    ) async throws {
        let subscription = EventSubscription(
            name: name, endpointUrl: url, filter: filter,
            retryPolicy: RetryPolicy(maxDeliveryAttempts: maxDeliveryAttempts))
        let created = SubscriptionEvent.created(
            SubscriptionCreated(subscription: subscription, validationCode: "code-\(name)", createdAt: Date()))
        let validated = SubscriptionEvent.validated(
            SubscriptionValidated(validationCode: "code-\(name)", method: "test"))
        try await store.append(
            to: StreamName(.subscription, id: name).streamId, expected: .noStream,
            events: [try NewEvent(created, metadata: metadata), try NewEvent(validated, metadata: metadata)],
            recordedAt: Date())
    }

    static func createRoom(_ store: EventStore) async throws {
        let id = String(Int64.random(in: 1_000_000_000_000_000...9_000_000_000_000_000))
        let now = Date()
        try await store.append(
            to: StreamName(.room, id: id).streamId, expected: .noStream,
            events: [NewEvent.roomCreated(id: id, at: now, metadata: metadata)], recordedAt: now)
    }

    /// A loopback port nobody listens on (bound for a moment to learn a free one).
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

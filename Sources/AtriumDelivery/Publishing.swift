import AsyncHTTPClient
import AtriumApplication
import AtriumStore
import ServiceLifecycle

/// Everything that publishes events, as the services a node runs: the fan-out, the call
/// connections' callbacks and the backfills of history (once across the cluster), the delivery workers (on every node) and the validation
/// handshake (one node at a time).
public struct Publishing {
    public let services: [any Service]

    /// - Parameter delivery: how the workers treat endpoints; `http` should be built with its
    ///   `httpClientConfiguration`.
    public init(
        store: EventStore, http: HTTPClient, topic: String, delivery: DeliverySettings = DeliverySettings(),
        validationURL: @escaping SubscriptionHandshake.ValidationURL
    ) {
        let publisher = Publisher(store: store)
        services = [
            // Paced tighter than the policies: subscribers wait on it (commit → receipt p99 < 100 ms).
            LogConsumer(
                name: FanOut.consumerName, store: store, handler: FanOut(publisher: publisher, topic: topic),
                pace: .milliseconds(15)),
            // Call connections' callbacks, addressed to their callback URIs.
            LogConsumer(
                name: CallbackFanOut.consumerName, store: store, handler: CallbackFanOut(store: store),
                pace: .milliseconds(15)),
            SubscriptionBackfill(store: store, topic: topic),
            DeliveryWorker(outbox: Outbox(client: store.client, logger: store.logger), http: http, settings: delivery),
            PublishingGauges(client: store.client, logger: store.logger),
            SubscriptionHandshake(
                client: store.client, http: http, logger: store.logger, topic: topic,
                validationURL: validationURL, subscriptions: SubscriptionCommands(store: store)),
        ]
    }
}

import Foundation

/// An Event Grid–style subscription: where matching events go, in which envelope, how hard to try.
///
/// The full definition travels in its events and in the `event_subscriptions` read model, so the
/// fan-out and the delivery workers read exactly what the API accepted.
public struct EventSubscription: Codable, Equatable, Sendable {
    public var name: String
    public var endpointUrl: String
    public var schema: DeliverySchema
    public var filter: EventFilter
    public var retryPolicy: RetryPolicy
    /// Off: an event that cannot be delivered is dropped (and counted) instead of kept as a dead letter.
    public var deadLetterEnabled: Bool
    public var batching: Batching
    /// When set, deliveries carry Standard Webhooks signature headers (Event Grid signs nothing).
    public var signingSecret: String?
    public var startPosition: StartPosition

    public init(
        name: String, endpointUrl: String, schema: DeliverySchema = .eventGrid, filter: EventFilter = EventFilter(),
        retryPolicy: RetryPolicy = RetryPolicy(), deadLetterEnabled: Bool = true, batching: Batching = Batching(),
        signingSecret: String? = nil, startPosition: StartPosition = .now
    ) {
        self.name = name
        self.endpointUrl = endpointUrl
        self.schema = schema
        self.filter = filter
        self.retryPolicy = retryPolicy
        self.deadLetterEnabled = deadLetterEnabled
        self.batching = batching
        self.signingSecret = signingSecret
        self.startPosition = startPosition
    }
}

/// The envelope deliveries use.
public enum DeliverySchema: String, Codable, Sendable, CaseIterable {
    case eventGrid = "EventGridSchema"
    case cloudEvents = "CloudEventSchemaV1_0"
}

public struct RetryPolicy: Codable, Equatable, Sendable {
    /// 1–30.
    public var maxDeliveryAttempts: Int
    /// 1–1440.
    public var eventTimeToLiveInMinutes: Int

    public init(maxDeliveryAttempts: Int = 30, eventTimeToLiveInMinutes: Int = 1440) {
        self.maxDeliveryAttempts = maxDeliveryAttempts
        self.eventTimeToLiveInMinutes = eventTimeToLiveInMinutes
    }
}

public struct Batching: Codable, Equatable, Sendable {
    /// 1–5000; 1 means one event per request (still an array, as Event Grid sends it).
    public var maxEventsPerBatch: Int
    /// 1–1024: a batch stops growing at this size unless it holds a single event.
    public var preferredBatchSizeInKilobytes: Int

    public init(maxEventsPerBatch: Int = 1, preferredBatchSizeInKilobytes: Int = 64) {
        self.maxEventsPerBatch = maxEventsPerBatch
        self.preferredBatchSizeInKilobytes = preferredBatchSizeInKilobytes
    }
}

/// Where in the log a new subscription starts: Atrium can replay history to a new subscriber.
public enum StartPosition: Equatable, Sendable {
    /// Events appended after the subscription was created (Event Grid's only behaviour).
    case now
    /// Every event in the log.
    case beginning
    /// Events recorded at or after this time.
    case time(Date)
}

extension StartPosition: Codable {
    private enum CodingKeys: String, CodingKey { case type, time }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "Now": self = .now
        case "Beginning": self = .beginning
        case "Time": self = .time(try container.decode(Date.self, forKey: .time))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown start position \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .now: try container.encode("Now", forKey: .type)
        case .beginning: try container.encode("Beginning", forKey: .type)
        case .time(let time):
            try container.encode("Time", forKey: .type)
            try container.encode(time, forKey: .time)
        }
    }
}

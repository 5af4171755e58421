import Foundation

/// What happened to an event subscription (stream `subscription-{name}`).
public enum SubscriptionEvent: Equatable, Sendable {
    case created(SubscriptionCreated)
    case updated(SubscriptionUpdated)
    case validated(SubscriptionValidated)
    case deleted(SubscriptionDeleted)
}

/// A subscription was created, awaiting the validation handshake with `validationCode`.
public struct SubscriptionCreated: Codable, Equatable, Sendable {
    public var subscription: EventSubscription
    public var validationCode: String
    public var createdAt: Date

    public init(subscription: EventSubscription, validationCode: String, createdAt: Date) {
        self.subscription = subscription
        self.validationCode = validationCode
        self.createdAt = createdAt
    }
}

/// The definition changed. A new endpoint or schema needs a new handshake: then
/// `validationCode` is the new code and nothing is delivered until it is answered.
public struct SubscriptionUpdated: Codable, Equatable, Sendable {
    public var subscription: EventSubscription
    public var validationCode: String?
    /// When the change was decided (the event's recorded time): responses built from the
    /// aggregate's state show it as `updatedAt`. Absent from events written without it.
    public var updatedAt: Date?

    public init(subscription: EventSubscription, validationCode: String?, updatedAt: Date? = nil) {
        self.subscription = subscription
        self.validationCode = validationCode
        self.updatedAt = updatedAt
    }
}

/// The endpoint answered the handshake (echoed the code, called the validation URL, or gave
/// CloudEvents consent); deliveries may start.
public struct SubscriptionValidated: Codable, Equatable, Sendable {
    public var validationCode: String
    /// `validationResponse`, `validationUrl` or `webhookOptions`.
    public var method: String
    /// When the handshake was answered (the event's recorded time), for responses built from the
    /// aggregate's state. Absent from events written without it.
    public var validatedAt: Date?

    public init(validationCode: String, method: String, validatedAt: Date? = nil) {
        self.validationCode = validationCode
        self.method = method
        self.validatedAt = validatedAt
    }
}

public struct SubscriptionDeleted: Codable, Equatable, Sendable {
    public init() {}
}

extension SubscriptionEvent: EventCodable {
    /// Every type a subscription's stream may hold.
    public static let eventTypes = [
        "SubscriptionCreated", "SubscriptionUpdated", "SubscriptionValidated", "SubscriptionDeleted",
    ]

    public var eventType: String {
        switch self {
        case .created: "SubscriptionCreated"
        case .updated: "SubscriptionUpdated"
        case .validated: "SubscriptionValidated"
        case .deleted: "SubscriptionDeleted"
        }
    }

    public var schemaVersion: Int { 1 }

    public func encodedData() throws -> Data {
        switch self {
        case .created(let e): try EventJSON.encode(e)
        case .updated(let e): try EventJSON.encode(e)
        case .validated(let e): try EventJSON.encode(e)
        case .deleted(let e): try EventJSON.encode(e)
        }
    }

    public init(eventType: String, schemaVersion: Int, data: Data) throws {
        switch eventType {
        case "SubscriptionCreated": self = .created(try EventJSON.decode(data))
        case "SubscriptionUpdated": self = .updated(try EventJSON.decode(data))
        case "SubscriptionValidated": self = .validated(try EventJSON.decode(data))
        case "SubscriptionDeleted": self = .deleted(try EventJSON.decode(data))
        default: throw EventDecodingError.unknownType(eventType)
        }
    }
}

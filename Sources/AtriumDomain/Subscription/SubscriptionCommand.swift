import Foundation

/// What may be asked of an event subscription. Values arrive unvalidated: checking them is the
/// decider's job. The handler supplies the time and a fresh validation code, so deciding stays pure.
public enum SubscriptionCommand: Sendable {
    case put(PutSubscription)
    case update(UpdateSubscription)
    case validate(ValidateSubscription)
    case delete(DeleteSubscription)

    /// The command's name as the audit trail records it.
    public var name: String {
        switch self {
        case .put: "PutEventSubscription"
        case .update: "UpdateEventSubscription"
        case .validate: "ValidateEventSubscription"
        case .delete: "DeleteEventSubscription"
        }
    }
}

/// Create the subscription, or replace the definition of an existing one (HTTP PUT).
///
/// Properties the request leaves out take their defaults, except the write-only `signingSecret`
/// and the creation-time `startPosition`, which an existing subscription keeps.
public struct PutSubscription: Sendable {
    public var name: SubscriptionName
    public var changes: SubscriptionChanges
    public var now: Date
    /// The code of the handshake a new subscription (or a new endpoint or schema) starts.
    public var validationCode: String

    public init(name: SubscriptionName, changes: SubscriptionChanges, now: Date, validationCode: String) {
        self.name = name
        self.changes = changes
        self.now = now
        self.validationCode = validationCode
    }
}

/// A merge-patch of an existing subscription (HTTP PATCH): what it leaves out is unchanged.
public struct UpdateSubscription: Sendable {
    public var changes: SubscriptionChanges
    public var now: Date
    /// Used when the endpoint or the schema changes, which needs a new handshake.
    public var validationCode: String

    public init(changes: SubscriptionChanges, now: Date, validationCode: String) {
        self.changes = changes
        self.now = now
        self.validationCode = validationCode
    }
}

/// The endpoint answered the handshake with `code`.
public struct ValidateSubscription: Sendable {
    public var code: String
    /// How it answered: `validationResponse`, `validationUrl` or `webhookOptions`.
    public var method: String
    public var now: Date

    public init(code: String, method: String, now: Date) {
        self.code = code
        self.method = method
        self.now = now
    }
}

public struct DeleteSubscription: Sendable {
    public init() {}
}

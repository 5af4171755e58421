import AtriumDomain
import AtriumStore
import Foundation

/// An event subscription as the `event_subscriptions` read model holds it.
public struct SubscriptionRow: Equatable, Sendable {
    /// The name in lower case: the key of the subscription's stream, row and outbox rows.
    public var name: String
    /// The definition the API accepted (with its signing secret).
    public var subscription: EventSubscription
    /// Awaiting the handshake with its code, or validated: nothing may be delivered before.
    public var validation: SubscriptionValidation
    public var createdAt: Date
    public var updatedAt: Date
    /// Where the subscription's creation sits in the log: it receives the events after it (and,
    /// with a start position in the past, the history a backfill gives it up to here).
    public var createdPosition: LogPosition
    /// The stream version of the last event applied to the row.
    public var version: Int64

    public init(
        name: String, subscription: EventSubscription, validation: SubscriptionValidation, createdAt: Date,
        updatedAt: Date, createdPosition: LogPosition, version: Int64
    ) {
        self.name = name
        self.subscription = subscription
        self.validation = validation
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdPosition = createdPosition
        self.version = version
    }

    public var isValidated: Bool { validation.isValidated }
}

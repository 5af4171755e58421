import Foundation

/// The subscription aggregate's state: what the rules need to know about one subscription,
/// folded from its events.
public struct SubscriptionState: Equatable, Sendable {
    public enum Lifecycle: Equatable, Sendable {
        case notCreated
        case active
        /// Deleted; the name may be used again, which creates a new subscription on the same stream.
        case deleted
    }

    public var lifecycle: Lifecycle = .notCreated
    /// The definition in force (nil unless active).
    public var subscription: EventSubscription?
    public var validation: SubscriptionValidation = .awaiting(code: "")
    /// The code whose handshake validated the subscription: answering it again changes nothing.
    public var validatedCode: String?
    public var createdAt: Date = .distantPast
    public var updatedAt: Date = .distantPast
    /// The validation code the subscription was created with. Every create-or-replace command
    /// carries a fresh code, so this tells which command created the subscription (201, not 200).
    public var creationCode: String?

    public init() {}

    public var isActive: Bool { lifecycle == .active }

    /// Whether `command` is the one that created the subscription in its current incarnation.
    public func wasCreated(by command: PutSubscription) -> Bool {
        isActive && creationCode == command.validationCode
    }
}

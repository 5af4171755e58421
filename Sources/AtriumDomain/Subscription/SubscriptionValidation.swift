import Foundation

/// Where a subscription stands in the validation handshake: nothing is delivered until its
/// endpoint has proved it wants the events.
public enum SubscriptionValidation: Equatable, Sendable {
    /// The handshake with this code has not been answered yet.
    case awaiting(code: String)
    /// The endpoint answered (`validationResponse`, `validationUrl` or `webhookOptions`).
    case validated(at: Date, method: String)

    public var isValidated: Bool {
        if case .validated = self { true } else { false }
    }
}

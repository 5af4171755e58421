import Foundation

/// A communication user: the state its decider needs, folded from its events.
public struct Identity: Equatable, Sendable {
    public enum Lifecycle: Equatable, Sendable {
        case notCreated
        case active
        case deleted
    }

    public var lifecycle: Lifecycle = .notCreated
    public var id: CommunicationUserId?
    public var createdAt: Date?
    /// Tokens issued at or before this instant no longer authenticate.
    public var tokensRevokedAt: Date?
    /// The most recent token issued: what a create-with-token or issue response is built from.
    public var lastIssuedToken: AccessTokenGrant?

    public init() {}

    public var isActive: Bool { lifecycle == .active }
}

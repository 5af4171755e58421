import Foundation

/// One identity as the inline read model holds it.
public struct IdentityRow: Equatable, Sendable {
    public var rawId: String
    public var createdAt: Date
    /// Tokens issued at or before this instant are void (set by revocation and by deletion).
    public var tokensRevokedAt: Date?
    public var deletedAt: Date?

    public var isDeleted: Bool { deletedAt != nil }
}

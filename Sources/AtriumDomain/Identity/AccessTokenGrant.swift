import Foundation

/// One access token as the log records it: who may do what until when. Never the token itself:
/// the signed string is derived from these facts and the server's key, and is not stored.
public struct AccessTokenGrant: Codable, Equatable, Sendable {
    /// The token's `jti`: tells tokens apart in the audit trail.
    public var tokenId: UUID
    public var scopes: [TokenScope]
    public var issuedAt: Date
    public var expiresOn: Date

    public static let lifetimeMinutes: ClosedRange<Int> = 60...1440
    public static let defaultLifetimeMinutes = 1440

    public init(tokenId: UUID, scopes: [TokenScope], issuedAt: Date, expiresOn: Date) {
        self.tokenId = tokenId
        self.scopes = scopes
        self.issuedAt = issuedAt
        self.expiresOn = expiresOn
    }

    /// Checks a request for a token: a non-empty list of known scopes (repeats collapse, order kept),
    /// and a lifetime of 60 to 1440 minutes (default 1440).
    public static func validated(
        scopes: [String], expiresInMinutes: Int?, tokenId: UUID, now: Date
    ) throws(DomainError) -> AccessTokenGrant {
        guard !scopes.isEmpty else {
            throw DomainError.badArgument("At least one scope is required.", target: "scopes")
        }
        var parsed: [TokenScope] = []
        for name in scopes {
            guard let scope = TokenScope(rawValue: name) else {
                let allowed = TokenScope.allCases.map(\.rawValue).joined(separator: ", ")
                throw DomainError.badArgument("Invalid scope '\(name)'. Valid scopes are \(allowed).", target: "scopes")
            }
            if !parsed.contains(scope) { parsed.append(scope) }
        }
        let minutes = expiresInMinutes ?? defaultLifetimeMinutes
        guard lifetimeMinutes.contains(minutes) else {
            throw DomainError.badArgument(
                "The token lifetime (expiresInMinutes) must be between \(lifetimeMinutes.lowerBound) and "
                    + "\(lifetimeMinutes.upperBound) minutes; got \(minutes).",
                target: "expiresInMinutes")
        }
        return AccessTokenGrant(
            tokenId: tokenId, scopes: parsed, issuedAt: now, expiresOn: now.addingTimeInterval(Double(minutes) * 60))
    }
}

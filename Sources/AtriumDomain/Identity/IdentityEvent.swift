import Foundation

/// What happened to an identity. These are the facts in the log; every read model is derived from them.
public enum IdentityEvent: Equatable, Sendable {
    case created(IdentityCreated)
    case accessTokenIssued(AccessTokenIssued)
    case accessTokensRevoked(AccessTokensRevoked)
    case deleted(IdentityDeleted)
}

public struct IdentityCreated: Codable, Equatable, Sendable {
    public var rawId: String
    public var createdAt: Date
}

/// A token was handed out. The grant says what it allows and until when; the token string is never logged.
///
/// Schema version 2 added `expiresInMinutes`, the lifetime as the client asks for it (ACS's name),
/// so that an audit reads the request as it was made; version 1 events are upcast on read
/// (`AccessTokenIssuedV1`).
public struct AccessTokenIssued: Codable, Equatable, Sendable {
    /// The shape written now.
    public static let schemaVersion = 2

    public var tokenId: UUID
    public var scopes: [TokenScope]
    public var issuedAt: Date
    public var expiresOn: Date
    public var expiresInMinutes: Int

    public init(_ grant: AccessTokenGrant) {
        tokenId = grant.tokenId
        scopes = grant.scopes
        issuedAt = grant.issuedAt
        expiresOn = grant.expiresOn
        expiresInMinutes = Self.minutes(from: grant.issuedAt, to: grant.expiresOn)
    }

    /// Lifetimes are whole minutes; rounding absorbs the microseconds timestamps are stored with.
    static func minutes(from issuedAt: Date, to expiresOn: Date) -> Int {
        Int((expiresOn.timeIntervalSince(issuedAt) / 60).rounded())
    }

    public var grant: AccessTokenGrant {
        AccessTokenGrant(tokenId: tokenId, scopes: scopes, issuedAt: issuedAt, expiresOn: expiresOn)
    }
}

/// Every token issued at or before `revokedAt` stops working.
public struct AccessTokensRevoked: Codable, Equatable, Sendable {
    public var revokedAt: Date
}

/// The identity is gone, and with it every token it held.
public struct IdentityDeleted: Codable, Equatable, Sendable {
    public var deletedAt: Date
}

import Foundation

/// What a client may ask of an identity. Raw values arrive unvalidated: checking them is the decider's job.
public enum IdentityCommand: Sendable {
    case create(CreateIdentity)
    case issueAccessToken(IssueAccessToken)
    case revokeAccessTokens(RevokeAccessTokens)
    case delete(DeleteIdentity)

    /// The command's name as the audit trail records it.
    public var name: String {
        switch self {
        case .create: "CreateIdentity"
        case .issueAccessToken: "IssueAccessToken"
        case .revokeAccessTokens: "RevokeAccessTokens"
        case .delete: "DeleteIdentity"
        }
    }
}

/// A request for a token, as the client sent it.
public struct TokenRequest: Sendable {
    public var scopes: [String]
    public var expiresInMinutes: Int?
    /// The new token's id, chosen by the caller so that the decider stays free of randomness.
    public var tokenId: UUID

    public init(scopes: [String], expiresInMinutes: Int? = nil, tokenId: UUID) {
        self.scopes = scopes
        self.expiresInMinutes = expiresInMinutes
        self.tokenId = tokenId
    }
}

public struct CreateIdentity: Sendable {
    public var id: CommunicationUserId
    public var now: Date
    /// Set when the client asked for a token along with the identity (`createTokenWithScopes`).
    public var token: TokenRequest?

    public init(id: CommunicationUserId, now: Date, token: TokenRequest? = nil) {
        self.id = id
        self.now = now
        self.token = token
    }
}

public struct IssueAccessToken: Sendable {
    public var now: Date
    public var token: TokenRequest

    public init(now: Date, token: TokenRequest) {
        self.now = now
        self.token = token
    }
}

public struct RevokeAccessTokens: Sendable {
    public var now: Date

    public init(now: Date) { self.now = now }
}

public struct DeleteIdentity: Sendable {
    public var now: Date

    public init(now: Date) { self.now = now }
}

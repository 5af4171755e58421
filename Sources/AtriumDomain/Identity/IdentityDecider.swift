import Foundation

/// Every rule of an identity: creation (with an optional first token), token issuance and its
/// limits, revocation, deletion.
public enum IdentityDecider: Decider {
    public typealias State = Identity
    public typealias Command = IdentityCommand
    public typealias Event = IdentityEvent

    public static let initialState = Identity()

    public static func decide(_ command: IdentityCommand, _ identity: Identity) throws(DomainError)
        -> [IdentityEvent]
    {
        switch command {
        case .create(let create): try decide(create, identity)
        case .issueAccessToken(let issue): try decide(issue, identity)
        case .revokeAccessTokens(let revoke): try decide(revoke, identity)
        case .delete(let delete): try decide(delete, identity)
        }
    }

    public static func evolve(_ identity: Identity, _ event: IdentityEvent) -> Identity {
        var identity = identity
        switch event {
        case .created(let created):
            identity.lifecycle = .active
            identity.id = try? CommunicationUserId(validating: created.rawId)
            identity.createdAt = created.createdAt
        case .accessTokenIssued(let issued):
            identity.lastIssuedToken = issued.grant
        case .accessTokensRevoked(let revoked):
            identity.tokensRevokedAt = revoked.revokedAt
        case .deleted(let deleted):
            identity.lifecycle = .deleted
            identity.tokensRevokedAt = deleted.deletedAt
        }
        return identity
    }

    // MARK: Rules

    private static func decide(_ command: CreateIdentity, _ identity: Identity) throws(DomainError)
        -> [IdentityEvent]
    {
        guard identity.lifecycle == .notCreated else {
            throw DomainError(.conflict, "An identity with this id already exists.", target: "id")
        }
        // The token request is checked before anything is recorded: a bad scope creates no identity.
        let token = try command.token.map { request throws(DomainError) in try grant(request, now: command.now) }
        let created = IdentityEvent.created(IdentityCreated(rawId: command.id.rawId, createdAt: command.now))
        return [created] + (token.map { [.accessTokenIssued(AccessTokenIssued($0))] } ?? [])
    }

    private static func decide(_ command: IssueAccessToken, _ identity: Identity) throws(DomainError)
        -> [IdentityEvent]
    {
        try requireActive(identity)
        return [.accessTokenIssued(AccessTokenIssued(try grant(command.token, now: command.now)))]
    }

    private static func decide(_ command: RevokeAccessTokens, _ identity: Identity) throws(DomainError)
        -> [IdentityEvent]
    {
        try requireActive(identity)
        return [.accessTokensRevoked(AccessTokensRevoked(revokedAt: command.now))]
    }

    private static func decide(_ command: DeleteIdentity, _ identity: Identity) throws(DomainError)
        -> [IdentityEvent]
    {
        try requireActive(identity)
        return [.deleted(IdentityDeleted(deletedAt: command.now))]
    }

    private static func grant(_ request: TokenRequest, now: Date) throws(DomainError) -> AccessTokenGrant {
        try AccessTokenGrant.validated(
            scopes: request.scopes, expiresInMinutes: request.expiresInMinutes, tokenId: request.tokenId, now: now)
    }

    /// Unknown and deleted identities look the same to a client: not found.
    private static func requireActive(_ identity: Identity) throws(DomainError) {
        guard identity.isActive else { throw DomainError(.notFound, "Identity not found.", target: "id") }
    }
}

import AtriumDomain
import AtriumProjections
import Foundation

/// A communication user proven by a bearer token.
public struct AuthenticatedUser: Sendable, Equatable {
    /// `8:acs:<resourceId>_<unique>`.
    public var rawId: String
    /// The token's scopes (`chat`, `voip`, `chat.join`, `chat.join.limited`, `voip.join`).
    public var scopes: Set<String>

    public init(rawId: String, scopes: Set<String>) {
        self.rawId = rawId
        self.scopes = scopes
    }
}

/// Authenticates `Authorization: Bearer <user access token>` for the routes users call themselves.
///
/// Besides the signature and expiry, it reads the identity's row on every call: revoking an
/// identity's tokens or deleting it takes effect at once, as in ACS.
public struct UserTokenAuthenticator: Sendable {
    let tokens: UserTokens
    let identities: IdentityReadModel

    /// Tokens this server issues are under a kilobyte; a far longer one is refused unparsed.
    static let maxTokenBytes = 8 * 1024

    public init(tokens: UserTokens, identities: IdentityReadModel) {
        self.tokens = tokens
        self.identities = identities
    }

    /// The authenticator of the server these dependencies describe.
    public init(_ dependencies: AtriumAPIDependencies) {
        self.init(
            tokens: dependencies.userTokens,
            identities: IdentityReadModel(client: dependencies.store.client, logger: dependencies.store.logger))
    }

    /// The user the `Authorization` header value proves, or a 401 (503 if the read model cannot be reached).
    public func authenticate(_ authorization: String?, now: Date) async throws(APIError) -> AuthenticatedUser {
        guard let authorization, !authorization.isEmpty else {
            throw .unauthorized("The Authorization header is missing: send Bearer <access token>.")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("The Authorization header must use the Bearer scheme with a user access token.")
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard token.utf8.count <= Self.maxTokenBytes else {
            throw .unauthorized("The access token is malformed or its signature is not valid.")
        }
        let claims: UserTokenClaims
        do {
            claims = try await tokens.verify(token)
        } catch {
            throw .unauthorized("The access token is malformed or its signature is not valid.")
        }
        guard now < claims.exp.value else { throw .unauthorized("The access token has expired.") }
        guard let user = try? CommunicationUserId(skypeId: claims.skypeid) else {
            throw .unauthorized("The access token does not name a communication user.")
        }
        let row: IdentityRow?
        do {
            row = try await identities.identity(user.rawId)
        } catch {
            throw APIError(
                .serviceUnavailable, code: "ServiceUnavailable", "The identity store cannot be reached; try again.")
        }
        guard let row, !row.isDeleted else { throw .unauthorized("The access token's identity no longer exists.") }
        if let revokedAt = row.tokensRevokedAt, claims.iatMicros <= UserTokenClaims.microseconds(revokedAt) {
            throw .unauthorized("The access token was revoked.")
        }
        return AuthenticatedUser(rawId: user.rawId, scopes: claims.scopes)
    }
}

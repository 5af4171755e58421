import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation
import HTTPTypes
import Hummingbird

/// The four operations of the ACS Identity API that communication users need.
struct IdentityRoutes: Sendable {
    let commands: CommandHandler<IdentityDecider>
    let tokens: UserTokens
    let clock: @Sendable () -> Date

    func register(on router: Router<AtriumRequestContext>) {
        router.post("/identities", use: create)
        router.delete("/identities/{id}", use: delete)
        // `/identities/{id}/:issueAccessToken`: a route segment starting with `:` would be a
        // parameter to Hummingbird's router, so the action is captured and dispatched here.
        router.post("/identities/{id}/{action}", use: act)
    }

    @Sendable func create(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try IdentityAPIVersion(of: request)
        let tokenRequest = try IdentityRequests.createToken(try await JSONBody.object(of: request))
        let now = Timestamp.normalized(clock())
        let commandRequest = try CommandRequest(request, context, now: now)
        let id = tokens.newUserId()
        let token = try await signedToken(tokenRequest, for: id, now: now)
        let command = IdentityCommand.create(CreateIdentity(id: id, now: now, token: tokenRequest))
        return try await commandRequest.run(
            command, named: command.name, on: id.streamId, isNewStream: true, with: commands
        ) { _ in
            CommandAnswer(.created, body: IdentityRepresentation.created(id, token: token).serialized)
        }
    }

    @Sendable func act(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        switch context.parameters.get("action")?.removingPercentEncoding {
        case ":issueAccessToken": try await issueAccessToken(request, context: context)
        case ":revokeAccessTokens": try await revokeAccessTokens(request, context: context)
        default: throw HTTPError(.notFound)
        }
    }

    func issueAccessToken(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try IdentityAPIVersion(of: request)
        let id = try Self.identityId(context)
        let tokenRequest = try IdentityRequests.issueToken(try await JSONBody.object(of: request))
        let now = Timestamp.normalized(clock())
        guard let (token, grant) = try await signedToken(tokenRequest, for: id, now: now) else {
            throw APIError.badRequest("'scopes' is required.", target: "scopes")
        }
        let command = IdentityCommand.issueAccessToken(IssueAccessToken(now: now, token: tokenRequest))
        return try await CommandRequest(request, context, now: now).run(
            command, named: command.name, on: id.streamId, with: commands
        ) { _ in
            CommandAnswer(.ok, body: IdentityRepresentation.accessToken(token, grant).serialized)
        }
    }

    func revokeAccessTokens(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try IdentityAPIVersion(of: request)
        let id = try Self.identityId(context)
        try JSONBody.requireOnly([], in: try await JSONBody.object(of: request))
        let now = Timestamp.normalized(clock())
        let command = IdentityCommand.revokeAccessTokens(RevokeAccessTokens(now: now))
        return try await CommandRequest(request, context, now: now).run(
            command, named: command.name, on: id.streamId, with: commands
        ) { _ in CommandAnswer(.noContent) }
    }

    @Sendable func delete(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try IdentityAPIVersion(of: request)
        let id = try Self.identityId(context)
        let now = Timestamp.normalized(clock())
        let command = IdentityCommand.delete(DeleteIdentity(now: now))
        return try await CommandRequest(request, context, now: now).run(
            command, named: command.name, on: id.streamId, with: commands
        ) { _ in CommandAnswer(.noContent) }
    }

    // MARK: Shared steps

    /// Checks the token request with the decider's own rule and signs the token it will record.
    /// Signing is asynchronous and the handler's response builder is not, so it happens first; a
    /// token whose command is then refused is never sent.
    private func signedToken(_ request: TokenRequest?, for id: CommunicationUserId, now: Date) async throws
        -> (String, AccessTokenGrant)?
    {
        guard let request else { return nil }
        let grant = try AccessTokenGrant.validated(
            scopes: request.scopes, expiresInMinutes: request.expiresInMinutes, tokenId: request.tokenId, now: now)
        return (try await tokens.sign(grant, for: id), grant)
    }

    /// The SDKs send the id percent-encoded (`8%3Aacs%3A…`); the router hands over the raw segment.
    static func identityId(_ context: AtriumRequestContext) throws -> CommunicationUserId {
        let raw = context.parameters.get("id") ?? ""
        return try CommunicationUserId(validating: raw.removingPercentEncoding ?? raw)
    }
}

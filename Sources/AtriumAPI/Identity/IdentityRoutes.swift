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
        let repeatability = try RepeatabilityHeaders.parse(request)
        let now = Timestamp.normalized(clock())
        let id = tokens.newUserId()
        let token = try await signedToken(tokenRequest, for: id, now: now)
        let command = IdentityCommand.create(CreateIdentity(id: id, now: now, token: tokenRequest))
        let outcome = try await commands.execute(
            command, named: command.name, on: id.streamId, isNewStream: true,
            context: commandContext(request, context, now: now), repeatability: repeatability
        ) { _ in
            CommandResponse(status: 201, body: IdentityRepresentation.created(id, token: token).serialized)
        }
        return outcome.httpResponse(repeatable: repeatability != nil)
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
        return try await run(command, on: id, request, context, now: now) { _ in
            CommandResponse(status: 200, body: IdentityRepresentation.accessToken(token, grant).serialized)
        }
    }

    func revokeAccessTokens(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try IdentityAPIVersion(of: request)
        let id = try Self.identityId(context)
        try JSONBody.requireOnly([], in: try await JSONBody.object(of: request))
        let now = Timestamp.normalized(clock())
        return try await run(.revokeAccessTokens(RevokeAccessTokens(now: now)), on: id, request, context, now: now) {
            _ in CommandResponse(status: 204)
        }
    }

    @Sendable func delete(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try IdentityAPIVersion(of: request)
        let id = try Self.identityId(context)
        let now = Timestamp.normalized(clock())
        return try await run(.delete(DeleteIdentity(now: now)), on: id, request, context, now: now) { _ in
            CommandResponse(status: 204)
        }
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

    private func run(
        _ command: IdentityCommand, on id: CommunicationUserId, _ request: Request, _ context: AtriumRequestContext,
        now: Date, respond: (Identity) throws -> CommandResponse
    ) async throws -> Response {
        let repeatability = try RepeatabilityHeaders.parse(request)
        let outcome = try await commands.execute(
            command, named: command.name, on: id.streamId, context: commandContext(request, context, now: now),
            repeatability: repeatability, respond: respond)
        return outcome.httpResponse(repeatable: repeatability != nil)
    }

    private func commandContext(_ request: Request, _ context: AtriumRequestContext, now: Date) -> CommandContext {
        CommandContext(
            actor: Actor.application, requestId: request.headers[.xMsClientRequestID] ?? context.id, now: now)
    }

    /// The SDKs send the id percent-encoded (`8%3Aacs%3A…`); the router hands over the raw segment.
    static func identityId(_ context: AtriumRequestContext) throws -> CommunicationUserId {
        let raw = context.parameters.get("id") ?? ""
        return try CommunicationUserId(validating: raw.removingPercentEncoding ?? raw)
    }
}

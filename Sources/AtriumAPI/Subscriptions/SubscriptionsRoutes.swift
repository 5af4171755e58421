import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import Foundation
import HTTPTypes
import Hummingbird

/// Atrium's event subscriptions API, modelled on Event Grid's eventSubscriptions resource, and
/// the public validation URL of the handshake.
struct SubscriptionsRoutes: Sendable {
    let commands: SubscriptionCommands
    let readModel: SubscriptionReadModel

    func register(on router: Router<AtriumRequestContext>) {
        router.put("/eventSubscriptions/:name", use: put)
        router.get("/eventSubscriptions", use: list)
        router.get("/eventSubscriptions/:name", use: get)
        router.patch("/eventSubscriptions/:name", use: update)
        router.delete("/eventSubscriptions/:name", use: delete)
        // Public (see HMACAuthenticationMiddleware): the code is the credential.
        router.get("/eventSubscriptions/:name/validate", use: validate)
    }

    /// Creates (201) or replaces (200) the subscription.
    @Sendable func put(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try AtriumAPIVersion(of: request)
        let name = try Self.name(context)
        let changes = try SubscriptionRequests.changes(try await JSONBody.object(of: request))
        let now = Timestamp.normalized(commands.clock())
        let put = PutSubscription(
            name: name, changes: changes, now: now, validationCode: SubscriptionCommands.newValidationCode())
        return try await run(.put(put), on: name, request, context, now: now) { state in
            CommandAnswer(
                state.wasCreated(by: put) ? .created : .ok, body: SubscriptionRepresentation.model(state).serialized)
        }
    }

    @Sendable func list(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let apiVersion = try AtriumAPIVersion(of: request)
        let paging = try Paging(request)
        let page = try await readModel.page(after: paging.cursor, limit: paging.pageSize)
        let body = SubscriptionRepresentation.page(
            page.items.map(SubscriptionRepresentation.model),
            nextLink: paging.nextLink(for: request, next: page.nextCursor, apiVersion: apiVersion.rawValue))
        return JSONResponse.make(status: .ok, body: body)
    }

    @Sendable func get(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try AtriumAPIVersion(of: request)
        let name = try Self.name(context)
        guard let row = try await readModel.get(name.value) else { throw Self.notFound(name) }
        return JSONResponse.make(status: .ok, body: SubscriptionRepresentation.model(row))
    }

    /// JSON merge-patch (RFC 7396) of the subscription's properties.
    @Sendable func update(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try AtriumAPIVersion(of: request)
        let name = try Self.name(context)
        let changes = try SubscriptionRequests.changes(try await JSONBody.object(of: request))
        let now = Timestamp.normalized(commands.clock())
        let update = UpdateSubscription(
            changes: changes, now: now, validationCode: SubscriptionCommands.newValidationCode())
        do {
            return try await run(.update(update), on: name, request, context, now: now) { state in
                CommandAnswer(.ok, body: SubscriptionRepresentation.model(state).serialized)
            }
        } catch let error as DomainError where error.code == .notFound {
            throw Self.notFound(name)
        }
    }

    /// Deletes the subscription and what it has not received yet; 204 also when there was none.
    @Sendable func delete(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try AtriumAPIVersion(of: request)
        let name = try Self.name(context)
        let now = Timestamp.normalized(commands.clock())
        return try await run(.delete(DeleteSubscription()), on: name, request, context, now: now) { _ in
            CommandAnswer(.noContent)
        }
    }

    /// The handshake's validation URL: `GET /eventSubscriptions/{name}/validate?code=…`, no
    /// api-version, no signature. A malformed name, a wrong code or no such subscription get the
    /// same 404.
    @Sendable func validate(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        guard let code = request.uri.queryParameters["code"].map(String.init), !code.isEmpty else {
            throw APIError.badRequest("The validation URL needs its 'code' query parameter.", target: "code")
        }
        let name = context.parameters.get("name") ?? ""
        try await commands.validate(
            name: name, code: code, method: "validationUrl", actor: Self.validationURLActor,
            correlationId: UUID())
        let body: JSONValue = [
            "name": .string(name.lowercased()),
            "provisioningState": "Succeeded",
            "message": "The event subscription is validated: events will be delivered to its endpoint.",
        ]
        return JSONResponse.make(status: .ok, body: body)
    }

    // MARK: Shared steps

    /// Whoever followed the validation URL: the endpoint's owner, unauthenticated but for the code.
    static let validationURLActor = "subscriber:validationUrl"

    private func run(
        _ command: SubscriptionCommand, on name: SubscriptionName, _ request: Request, _ context: AtriumRequestContext,
        now: Date, respond: (SubscriptionState) throws -> CommandAnswer
    ) async throws -> Response {
        try await CommandRequest(request, context, now: now).run { context, repeatability in
            try await commands.execute(
                command, on: name, context: context, repeatability: repeatability, respond: respond)
        }
    }

    static func name(_ context: AtriumRequestContext) throws -> SubscriptionName {
        try SubscriptionName(validating: context.parameters.get("name") ?? "")
    }

    static func notFound(_ name: SubscriptionName) -> DomainError {
        DomainError(.notFound, "Event subscription '\(name)' was not found.", target: "name")
    }
}

import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import Foundation
import HTTPTypes
import Hummingbird

/// The client calling API: what the ACS Calling SDK does for a user in a room call, as Atrium's
/// own HTTP API under `/client`, authenticated with the user's bearer token (scope `voip` or
/// `voip.join`). Every route is for the room's roster alone: a bad token is 401, an unknown or
/// deleted room 404, anyone off the roster 403 (checked on the room's stream, in the same read that
/// finds its call); every action is then checked against the caller's current roster role.
/// `Tests/Conformance/test_client_authorization.py` holds the whole policy as one table.
struct CallRoutes: Sendable {
    let roomCalls: RoomCalls
    let readModel: CallReadModel
    let users: UserTokenAuthenticator
    let store: EventStore
    let clock: @Sendable () -> Date

    static let scopes: Set<String> = ["voip", "voip.join"]

    func register(on router: Router<AtriumRequestContext>) {
        router.get("/client/rooms/:roomId/call", use: get)
        router.post("/client/rooms/:roomId/call/join", use: join)
        router.post("/client/rooms/:roomId/call/leave", use: leave)
        router.post("/client/rooms/:roomId/call/microphone", use: microphone)
        router.post("/client/rooms/:roomId/call/video", use: video)
        router.post("/client/rooms/:roomId/call/screenShare", use: screenShare)
        router.post("/client/rooms/:roomId/call/participants/:rawId/mute", use: muteParticipant)
        router.delete("/client/rooms/:roomId/call/participants/:rawId", use: removeParticipant)
        router.post("/client/rooms/:roomId/call/invitations", use: invite)
        router.post("/client/rooms/:roomId/call/dialOut", use: dialOut)
        router.get("/client/rooms/:roomId/call/events", use: events)
    }

    @Sendable func get(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let (roomId, user) = try await caller(request, context)
        // The roster is checked on the room's stream: the call's participants are for its members.
        let callId = try await roomCalls.currentCallId(in: roomId, for: user)
        guard let call = try await readModel.latestCall(inRoom: roomId.value), call.callId == callId,
            call.state == "Active"
        else {
            throw DomainError(.notFound, "The room has no active call.", target: "callId")
        }
        return JSONResponse.make(status: .ok, body: CallRepresentation.model(call))
    }

    @Sendable func join(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let (roomId, user) = try await caller(request, context)
        _ = try await JSONBody.object(of: request)
        return try await commandRequest(user, request, context).run { context, _ in
            try await roomCalls.join(roomId, as: user, context: context, respond: Self.answer)
        }
    }

    @Sendable func leave(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        try await perform(request, context, body: []) { _ in CallCommand.leave }
    }

    @Sendable func microphone(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        try await perform(request, context, body: ["muted"]) { body in
            let muted = try Self.required(JSONBody.bool("muted", in: body), "muted")
            return { .act(.setMicrophone(muted: muted), $0) }
        }
    }

    @Sendable func video(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        try await perform(request, context, body: ["on"]) { body in
            let on = try Self.required(JSONBody.bool("on", in: body), "on")
            return { .act(.setVideo(on: on), $0) }
        }
    }

    @Sendable func screenShare(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        try await perform(request, context, body: ["on"]) { body in
            let on = try Self.required(JSONBody.bool("on", in: body), "on")
            return { .act(.setScreenShare(on: on), $0) }
        }
    }

    @Sendable func muteParticipant(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let target = try Self.rawIdParameter(context)
        return try await perform(request, context, body: []) { _ in { .act(.mute(rawId: target), $0) } }
    }

    @Sendable func removeParticipant(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let target = try Self.rawIdParameter(context)
        return try await perform(request, context, body: []) { _ in { .act(.remove(rawId: target), $0) } }
    }

    @Sendable func invite(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        try await perform(request, context, body: ["rawId"]) { body in
            let rawId = try Self.string("rawId", in: body)
            return { .act(.invite(rawId: rawId), $0) }
        }
    }

    @Sendable func dialOut(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        try await perform(request, context, body: ["phoneNumber"]) { body in
            let phoneNumber = try Self.string("phoneNumber", in: body)
            return { .act(.dialOut(phoneNumber: phoneNumber), $0) }
        }
    }

    @Sendable func events(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let (roomId, user) = try await caller(request, context)
        let callId = try await roomCalls.currentCallId(in: roomId, for: user)
        let after = request.headers[.lastEventID].flatMap { Int64($0) } ?? 0
        return CallFeed(store: store, callId: callId, after: after) { [roomCalls] in
            try await roomCalls.isMember(user, of: roomId)
        }.response()
    }

    // MARK: Shared steps

    /// The authenticated user and the room named in the path.
    private func caller(
        _ request: Request, _ context: AtriumRequestContext
    ) async throws -> (RoomId, CommunicationIdentifier) {
        let user = try await users.authenticate(request.headers[.authorization], now: clock())
        guard !user.scopes.isDisjoint(with: Self.scopes) else {
            throw APIError(
                .forbidden, code: "Forbidden",
                "The access token needs the voip or voip.join scope to take part in calls.")
        }
        guard let identifier = CommunicationIdentifier(rawId: user.rawId) else {
            throw APIError.unauthorized("The access token does not name a communication user.")
        }
        return (try RoomsRoutes.roomId(context), identifier)
    }

    private func perform(
        _ request: Request, _ context: AtriumRequestContext, body allowed: Set<String>,
        command: (JSONValue) throws -> (ClientContext) -> CallCommand
    ) async throws -> Response {
        let (roomId, user) = try await caller(request, context)
        let body = try await JSONBody.object(of: request)
        try JSONBody.requireOnly(allowed, in: body)
        let build = try command(body)
        return try await commandRequest(user, request, context).run { context, _ in
            try await roomCalls.perform(build, in: roomId, as: user, context: context, respond: Self.answer)
        }
    }

    /// The user's own command: the client API reads no Repeatability-* headers.
    private func commandRequest(
        _ user: CommunicationIdentifier, _ request: Request, _ context: AtriumRequestContext
    ) throws -> CommandRequest {
        try CommandRequest(request, context, actor: user.rawId, now: Timestamp.normalized(clock()), repeatable: false)
    }

    /// Every client command is answered with the call as it is after it.
    private static func answer(_ call: Call) -> CommandAnswer {
        CommandAnswer(.ok, body: CallRepresentation.model(CallRepresentation.row(call)).serialized)
    }

    private static func required<T>(_ value: T?, _ name: String) throws -> T {
        guard let value else { throw APIError.badRequest("'\(name)' is required.", target: name) }
        return value
    }

    private static func string(_ name: String, in body: JSONValue) throws -> String {
        guard case .string(let value)? = body[name] else {
            throw APIError.badRequest("'\(name)' is required and must be a string.", target: name)
        }
        return value
    }

    private static func rawIdParameter(_ context: AtriumRequestContext) throws -> String {
        guard let raw = context.parameters.get("rawId"), let rawId = raw.removingPercentEncoding, !rawId.isEmpty else {
            throw APIError.badRequest("The participant's raw id is missing from the path.", target: "rawId")
        }
        return rawId
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
}

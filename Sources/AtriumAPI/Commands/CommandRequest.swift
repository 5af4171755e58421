import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation
import Hummingbird

/// A request that runs a command: the one place where a route's request becomes the command's
/// context (who, which request, when) and repeatability, and the command's outcome becomes the
/// response.
///
/// A route parses what is its own (path, body, version), then runs its command:
///
///     try await CommandRequest(request, context, now: now).run(
///         command, named: command.name, on: roomId.streamId, with: rooms
///     ) { room in
///         CommandAnswer(.ok, body: RoomRepresentation.model(room).serialized)
///     }
///
/// or, for a use case of the application layer, `run { context, repeatability in … }`.
struct CommandRequest {
    let context: CommandContext
    let repeatability: Repeatability?

    /// - Parameters:
    ///   - actor: who the events will say acted: the resource's key holder unless a user's token says otherwise.
    ///   - repeatable: whether the operation honours the `Repeatability-*` headers.
    init(
        _ request: Request, _ requestContext: AtriumRequestContext, actor: String = Actor.application, now: Date,
        repeatable: Bool = true
    ) throws {
        repeatability = repeatable ? try RepeatabilityHeaders.parse(request) : nil
        context = CommandContext(
            actor: actor, requestId: request.headers[.xMsClientRequestID] ?? requestContext.id, now: now)
    }

    /// Runs `command` on `stream` through `handler`; answers with the outcome.
    func run<D: Decider>(
        _ command: D.Command, named name: String, on stream: String, isNewStream: Bool = false,
        with handler: CommandHandler<D>, respond: (D.State) throws -> CommandAnswer
    ) async throws -> Response {
        try await run { context, repeatability in
            try await handler.execute(
                command, named: name, on: stream, isNewStream: isNewStream, context: context,
                repeatability: repeatability, respond: respond)
        }
    }

    /// Runs a use case with this request's context and repeatability; answers with its outcome.
    func run<Event>(
        _ execute: (CommandContext, Repeatability?) async throws -> CommandOutcome<Event>
    ) async throws -> Response {
        try await execute(context, repeatability).answer.httpResponse(repeatable: repeatability != nil)
    }
}

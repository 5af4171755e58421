import AtriumDomain
import AtriumStore
import Foundation

/// Runs commands on event subscriptions (streams `subscription-{name}`): the API's writes, and
/// the validation handshake's answer, whoever receives it.
public struct SubscriptionCommands: Sendable {
    /// The actor recorded when Atrium's handshake sender validates a subscription.
    public static let handshakeActor = "policy:subscription-handshake"

    let handler: CommandHandler<SubscriptionDecider>
    public let clock: @Sendable () -> Date

    public init(store: EventStore, clock: @escaping @Sendable () -> Date = Date.init) {
        self.handler = CommandHandler(store: store)
        self.clock = clock
    }

    /// Records that the endpoint of subscription `name` answered the handshake with `code`
    /// (`method`: `validationResponse`, `validationUrl` or `webhookOptions`).
    ///
    /// - Returns: true when this call validated the subscription; false when it already was
    ///   (with this code), in which case nothing is recorded.
    /// - Throws: `DomainError` `NotFound` (404) when no subscription of that name awaits this code:
    ///   never created, deleted, given a new endpoint since (a new handshake), a wrong code, or a
    ///   malformed name — one answer for all, so the public validation URL reveals nothing.
    @discardableResult
    public func validate(
        name: String, code: String, method: String, actor: String = handshakeActor, correlationId: UUID = UUID()
    ) async throws -> Bool {
        guard let name = try? SubscriptionName(validating: name) else { throw SubscriptionDecider.noHandshake }
        let now = Timestamp.normalized(clock())
        let command = SubscriptionCommand.validate(ValidateSubscription(code: code, method: method, now: now))
        let outcome = try await handler.execute(
            command, named: command.name, on: name.streamId,
            context: CommandContext(actor: actor, correlationId: correlationId, now: now))
        return !outcome.events.isEmpty
    }

    /// Runs one command of the API on subscription `name`.
    public func execute(
        _ command: SubscriptionCommand, on name: SubscriptionName, context: CommandContext,
        repeatability: Repeatability?, respond: (SubscriptionState) throws -> CommandAnswer
    ) async throws -> CommandHandler<SubscriptionDecider>.Outcome {
        try await handler.execute(
            command, named: command.name, on: name.streamId, context: context, repeatability: repeatability,
            respond: respond)
    }

    /// A fresh handshake code: a random UUID, the form Event Grid's codes take. It is the
    /// credential of the public validation URL.
    public static func newValidationCode() -> String {
        UUID().uuidString
    }
}

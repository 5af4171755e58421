import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation

/// An event subscription's life through the real command path: created, validated, changed, deleted.
struct SubscriptionLife: Sendable {
    let store: EventStore

    func live(name: String = "audit-\(UUID().uuidString.prefix(8).lowercased())", deleting: Bool = true) async throws {
        let name = try SubscriptionName(validating: name)
        var changes = SubscriptionChanges()
        changes.endpointUrl = .set("https://receiver.example/\(name)")
        try await execute(
            .put(PutSubscription(name: name, changes: changes, now: now, validationCode: "code-\(name)")), name)
        try await execute(
            .validate(ValidateSubscription(code: "code-\(name)", method: "validationResponse", now: now)), name)
        var types = SubscriptionChanges()
        types.includedEventTypes = .set(["Atrium.Rooms.RoomCreated"])
        try await execute(.update(UpdateSubscription(changes: types, now: now, validationCode: "unused")), name)
        if deleting { try await execute(.delete(DeleteSubscription()), name) }
    }

    private var now: Date { Timestamp.normalized(Date()) }

    private func execute(_ command: SubscriptionCommand, _ name: SubscriptionName) async throws {
        _ = try await CommandHandler<SubscriptionDecider>(store: store).execute(
            command, named: command.name, on: name.streamId, context: CommandContext(actor: "application", now: now)
        ) { _ in CommandAnswer(code: 200) }
    }
}

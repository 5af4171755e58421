import Foundation

@testable import AtriumDomain

/// Fixed values, so that expected events can be written out in full.
enum SubscriptionFixtures {
    static let now = Timestamp.parse("2026-03-01T12:00:00Z")!
    static let later = now.addingTimeInterval(3600)
    static let name = try! SubscriptionName(validating: "orders")
    static let endpoint = "https://receiver.example/hooks?key=abc"
    static let otherEndpoint = "http://127.0.0.1:9000/events"
    static let firstCode = "0A4C8E52-5D0B-4C84-A6D9-2B8D7E1F0001"
    static let secondCode = "0A4C8E52-5D0B-4C84-A6D9-2B8D7E1F0002"
    static let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()

    /// Nothing has happened to the subscription yet.
    static let nothingYet = SubscriptionState()

    /// The definition with every default, at `endpoint`, edited.
    static func definition(_ edit: (inout EventSubscription) -> Void = { _ in }) -> EventSubscription {
        var subscription = EventSubscription(name: name.value, endpointUrl: endpoint)
        edit(&subscription)
        return subscription
    }

    static func created(_ subscription: EventSubscription = definition(), code: String = firstCode) -> SubscriptionEvent
    {
        .created(SubscriptionCreated(subscription: subscription, validationCode: code, createdAt: now))
    }

    static func updated(_ subscription: EventSubscription, code: String? = nil) -> SubscriptionEvent {
        .updated(SubscriptionUpdated(subscription: subscription, validationCode: code, updatedAt: later))
    }

    static func validated(code: String = firstCode, method: String = "validationResponse") -> SubscriptionEvent {
        .validated(SubscriptionValidated(validationCode: code, method: method, validatedAt: later))
    }

    static let deleted = SubscriptionEvent.deleted(SubscriptionDeleted())

    /// What a PUT sends: the endpoint, plus whatever `edit` adds.
    static func putChanges(_ edit: (inout SubscriptionChanges) -> Void = { _ in }) -> SubscriptionChanges {
        var changes = SubscriptionChanges()
        changes.endpointUrl = .set(endpoint)
        edit(&changes)
        return changes
    }

    static func put(
        code: String = firstCode, at instant: Date = now, _ edit: (inout SubscriptionChanges) -> Void = { _ in }
    ) -> SubscriptionCommand {
        .put(PutSubscription(name: name, changes: putChanges(edit), now: instant, validationCode: code))
    }

    static func put(_ changes: SubscriptionChanges, code: String = firstCode, at instant: Date = now)
        -> SubscriptionCommand
    {
        .put(PutSubscription(name: name, changes: changes, now: instant, validationCode: code))
    }

    static func patch(code: String = secondCode, _ edit: (inout SubscriptionChanges) -> Void) -> SubscriptionCommand {
        var changes = SubscriptionChanges()
        edit(&changes)
        return .update(UpdateSubscription(changes: changes, now: later, validationCode: code))
    }

    static func validate(_ code: String = firstCode, method: String = "validationResponse") -> SubscriptionCommand {
        .validate(ValidateSubscription(code: code, method: method, now: later))
    }

    static let delete = SubscriptionCommand.delete(DeleteSubscription())

    static let notFound = DomainError(.notFound, "The event subscription was not found.", target: "name")
    static let noHandshake = DomainError(
        .notFound, "No event subscription awaits validation with this code.", target: "code")

    /// The error a create with only `edit` beyond the endpoint gets, if refused.
    static func refusal(_ edit: (inout SubscriptionChanges) -> Void) -> DomainError? {
        guard case .failure(let error) = when(put(edit), nothingYet) else { return nil }
        return error
    }

    /// The target a refused create names.
    static func refusedTarget(_ edit: (inout SubscriptionChanges) -> Void) -> String? {
        refusal(edit)?.target
    }

    /// The subscription a create with `edit` records, if accepted.
    static func accepted(_ edit: (inout SubscriptionChanges) -> Void) -> EventSubscription? {
        guard case .success(let events) = when(put(edit), nothingYet), case .created(let created)? = events.first
        else { return nil }
        return created.subscription
    }
}

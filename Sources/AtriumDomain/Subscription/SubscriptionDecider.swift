import Foundation

/// Every rule of an event subscription: its definition and defaults, create-or-replace and
/// merge-patch, the validation handshake, deletion.
public enum SubscriptionDecider: Decider {
    public typealias State = SubscriptionState
    public typealias Command = SubscriptionCommand
    public typealias Event = SubscriptionEvent

    public static let initialState = SubscriptionState()

    public static func decide(_ command: SubscriptionCommand, _ state: SubscriptionState) throws(DomainError)
        -> [SubscriptionEvent]
    {
        switch command {
        case .put(let put): try decide(put, state)
        case .update(let update): try decide(update, state)
        case .validate(let validate): try decide(validate, state)
        case .delete: state.isActive ? [.deleted(SubscriptionDeleted())] : []
        }
    }

    public static func evolve(_ state: SubscriptionState, _ event: SubscriptionEvent) -> SubscriptionState {
        var state = state
        switch event {
        case .created(let created):
            state = SubscriptionState()
            state.lifecycle = .active
            state.subscription = created.subscription
            state.validation = .awaiting(code: created.validationCode)
            state.createdAt = created.createdAt
            state.updatedAt = created.createdAt
            state.creationCode = created.validationCode
        case .updated(let updated):
            state.subscription = updated.subscription
            state.updatedAt = updated.updatedAt ?? state.updatedAt
            if let code = updated.validationCode {
                state.validation = .awaiting(code: code)
                state.validatedCode = nil
            }
        case .validated(let validated):
            state.validation = .validated(at: validated.validatedAt ?? state.updatedAt, method: validated.method)
            state.validatedCode = validated.validationCode
        case .deleted:
            state = SubscriptionState()
            state.lifecycle = .deleted
        }
        return state
    }

    // MARK: Rules

    /// Creates, or replaces: what the request leaves out takes its default, except the secret
    /// (write-only, so a client cannot send back what it read) and the start position, which stay.
    private static func decide(_ command: PutSubscription, _ state: SubscriptionState) throws(DomainError)
        -> [SubscriptionEvent]
    {
        var base = EventSubscription(name: command.name.value, endpointUrl: "")
        guard state.isActive, let existing = state.subscription else {
            let subscription = try apply(command.changes, to: base, now: command.now)
            return [
                .created(
                    SubscriptionCreated(
                        subscription: subscription, validationCode: command.validationCode, createdAt: command.now))
            ]
        }
        base.signingSecret = existing.signingSecret
        base.startPosition = existing.startPosition
        let subscription = try apply(command.changes, to: base, now: command.now)
        return try change(existing, to: subscription, validationCode: command.validationCode, now: command.now)
    }

    private static func decide(_ command: UpdateSubscription, _ state: SubscriptionState) throws(DomainError)
        -> [SubscriptionEvent]
    {
        guard state.isActive, let existing = state.subscription else {
            throw DomainError(.notFound, "The event subscription was not found.", target: "name")
        }
        let subscription = try apply(command.changes, to: existing, now: command.now)
        return try change(existing, to: subscription, validationCode: command.validationCode, now: command.now)
    }

    /// The right code validates (once: answering again changes nothing). Any other code, or no
    /// subscription, gets one answer, so that the public validation URL reveals nothing.
    private static func decide(_ command: ValidateSubscription, _ state: SubscriptionState) throws(DomainError)
        -> [SubscriptionEvent]
    {
        guard !command.method.isEmpty else {
            throw DomainError.badArgument("The validation method is required.", target: "method")
        }
        guard state.isActive else { throw noHandshake }
        switch state.validation {
        case .awaiting(let code) where sameCode(code, command.code):
            return [
                .validated(
                    SubscriptionValidated(validationCode: code, method: command.method, validatedAt: command.now))
            ]
        case .validated where state.validatedCode.map { sameCode($0, command.code) } ?? false:
            return []
        default:
            throw noHandshake
        }
    }

    /// The one answer to a validation that finds no handshake to complete.
    public static let noHandshake = DomainError(
        .notFound, "No event subscription awaits validation with this code.", target: "code")

    /// The update that takes `existing` to `subscription`: none when nothing changed; a new
    /// handshake when the endpoint or the envelope changed, since the endpoint consented to neither.
    private static func change(
        _ existing: EventSubscription, to subscription: EventSubscription, validationCode: String, now: Date
    ) throws(DomainError) -> [SubscriptionEvent] {
        guard subscription.startPosition == existing.startPosition else {
            throw DomainError.badArgument(
                "The startPosition is fixed when the subscription is created: leave it out, or send it unchanged.",
                target: "startPosition")
        }
        guard subscription != existing else { return [] }
        let needsHandshake = subscription.endpointUrl != existing.endpointUrl || subscription.schema != existing.schema
        return [
            .updated(
                SubscriptionUpdated(
                    subscription: subscription, validationCode: needsHandshake ? validationCode : nil, updatedAt: now))
        ]
    }

    /// The definition after `changes`, every changed property checked against its rule.
    static func apply(_ changes: SubscriptionChanges, to base: EventSubscription, now: Date) throws(DomainError)
        -> EventSubscription
    {
        let defaults = EventSubscription(name: base.name, endpointUrl: "")
        var result = base
        result.endpointUrl = try SubscriptionRules.endpointUrl(
            changes.endpointUrl.applied(to: base.endpointUrl, default: ""))
        if case .set(let schema) = changes.eventDeliverySchema {
            result.schema = try SubscriptionRules.schema(schema)
        } else if changes.eventDeliverySchema == .reset {
            result.schema = defaults.schema
        }
        result.batching = Batching(
            maxEventsPerBatch: try SubscriptionRules.integer(
                changes.maxEventsPerBatch.applied(
                    to: base.batching.maxEventsPerBatch, default: defaults.batching.maxEventsPerBatch),
                in: SubscriptionLimits.maxEventsPerBatch, target: "destination.properties.maxEventsPerBatch"),
            preferredBatchSizeInKilobytes: try SubscriptionRules.integer(
                changes.preferredBatchSizeInKilobytes.applied(
                    to: base.batching.preferredBatchSizeInKilobytes,
                    default: defaults.batching.preferredBatchSizeInKilobytes),
                in: SubscriptionLimits.preferredBatchSizeInKilobytes,
                target: "destination.properties.preferredBatchSizeInKilobytes"))
        result.retryPolicy = RetryPolicy(
            maxDeliveryAttempts: try SubscriptionRules.integer(
                changes.maxDeliveryAttempts.applied(
                    to: base.retryPolicy.maxDeliveryAttempts, default: defaults.retryPolicy.maxDeliveryAttempts),
                in: SubscriptionLimits.maxDeliveryAttempts, target: "retryPolicy.maxDeliveryAttempts"),
            eventTimeToLiveInMinutes: try SubscriptionRules.integer(
                changes.eventTimeToLiveInMinutes.applied(
                    to: base.retryPolicy.eventTimeToLiveInMinutes,
                    default: defaults.retryPolicy.eventTimeToLiveInMinutes),
                in: SubscriptionLimits.eventTimeToLiveInMinutes, target: "retryPolicy.eventTimeToLiveInMinutes"))
        result.filter = try filter(changes, base: base.filter)
        result.deadLetterEnabled = changes.deadLetterEnabled.applied(
            to: base.deadLetterEnabled, default: defaults.deadLetterEnabled)
        switch changes.signingSecret {
        case .unchanged: break
        case .reset: result.signingSecret = nil
        case .set(let secret): result.signingSecret = try SubscriptionRules.signingSecret(secret)
        }
        switch changes.startPosition {
        case .unchanged: break
        case .reset: result.startPosition = defaults.startPosition
        case .set(let draft): result.startPosition = try SubscriptionRules.startPosition(draft, now: now)
        }
        return result
    }

    private static func filter(_ changes: SubscriptionChanges, base: EventFilter) throws(DomainError) -> EventFilter {
        var filter = base
        switch changes.includedEventTypes {
        case .unchanged: break
        case .reset: filter.includedEventTypes = nil
        case .set(let types): filter.includedEventTypes = try SubscriptionRules.includedEventTypes(types)
        }
        filter.subjectBeginsWith = changes.subjectBeginsWith.applied(to: base.subjectBeginsWith, default: "")
        filter.subjectEndsWith = changes.subjectEndsWith.applied(to: base.subjectEndsWith, default: "")
        filter.isSubjectCaseSensitive = changes.isSubjectCaseSensitive.applied(
            to: base.isSubjectCaseSensitive, default: false)
        switch changes.advancedFilters {
        case .unchanged: break
        case .reset: filter.advancedFilters = []
        case .set(let drafts): filter.advancedFilters = try AdvancedFilterRules.filters(drafts)
        }
        return filter
    }

    /// Compares every byte whatever the first difference, so the time taken tells nothing about the code.
    private static func sameCode(_ expected: String, _ given: String) -> Bool {
        let a = Array(expected.utf8)
        let b = Array(given.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

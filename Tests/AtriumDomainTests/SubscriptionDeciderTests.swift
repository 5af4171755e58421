import Foundation
import Testing

@testable import AtriumDomain

@Suite("Event subscriptions: create, replace, patch, validate, delete")
struct SubscriptionDeciderTests {
    typealias F = SubscriptionFixtures

    @Test("creating with only an endpoint records the defaults, awaiting the handshake")
    func createWithDefaults() {
        #expect(when(F.put(), F.nothingYet) == then(F.created()))
        let subscription = F.definition()
        #expect(subscription.schema == .eventGrid)
        #expect(subscription.retryPolicy == RetryPolicy(maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440))
        #expect(subscription.batching == Batching(maxEventsPerBatch: 1, preferredBatchSizeInKilobytes: 64))
        #expect(subscription.deadLetterEnabled && subscription.signingSecret == nil)
        #expect(subscription.startPosition == .now && subscription.filter == EventFilter())

        let state = given(F.created())
        #expect(state.isActive && state.subscription == subscription)
        #expect(state.validation == .awaiting(code: F.firstCode))
        #expect(state.createdAt == F.now && state.updatedAt == F.now)
    }

    @Test("creating with every property records each as sent, names of enums in their canonical case")
    func createWithEverything() {
        let past = F.now.addingTimeInterval(-86_400)
        let command = F.put { changes in
            changes.eventDeliverySchema = .set("cloudeventschemav1_0")
            changes.maxEventsPerBatch = .set(10)
            changes.preferredBatchSizeInKilobytes = .set(512)
            changes.maxDeliveryAttempts = .set(5)
            changes.eventTimeToLiveInMinutes = .set(60)
            changes.deadLetterEnabled = .set(false)
            changes.signingSecret = .set(F.secret)
            changes.startPosition = .set(StartPositionDraft(type: "time", time: past))
            changes.includedEventTypes = .set(["Microsoft.Communication.CallStarted"])
            changes.subjectBeginsWith = .set("call/")
            changes.subjectEndsWith = .set("/x")
            changes.isSubjectCaseSensitive = .set(true)
            changes.advancedFilters = .set([
                AdvancedFilterDraft(operatorType: "stringin", key: "data.room.id", values: ["1", "2"]),
                AdvancedFilterDraft(operatorType: "BoolEquals", key: "data.isRoomsCall", values: [true]),
                AdvancedFilterDraft(operatorType: "IsNullOrUndefined", key: "data.x"),
            ])
        }
        let expected = F.definition { subscription in
            subscription.schema = .cloudEvents
            subscription.batching = Batching(maxEventsPerBatch: 10, preferredBatchSizeInKilobytes: 512)
            subscription.retryPolicy = RetryPolicy(maxDeliveryAttempts: 5, eventTimeToLiveInMinutes: 60)
            subscription.deadLetterEnabled = false
            subscription.signingSecret = F.secret
            subscription.startPosition = .time(past)
            subscription.filter = EventFilter(
                includedEventTypes: ["Microsoft.Communication.CallStarted"], subjectBeginsWith: "call/",
                subjectEndsWith: "/x", isSubjectCaseSensitive: true,
                advancedFilters: [
                    AdvancedFilter(operatorType: .stringIn, key: "data.room.id", values: ["1", "2"]),
                    AdvancedFilter(operatorType: .boolEquals, key: "data.isRoomsCall", values: [true]),
                    AdvancedFilter(operatorType: .isNullOrUndefined, key: "data.x"),
                ])
        }
        #expect(when(command, F.nothingYet) == then(F.created(expected)))
    }

    @Test("a create without an endpoint is refused")
    func createWithoutEndpoint() {
        #expect(
            when(F.put(SubscriptionChanges()), F.nothingYet)
                == refused(
                    .badArgument(
                        "The endpointUrl of the destination is required.",
                        target: "destination.properties.endpointUrl")))
    }

    @Test("the command that created the subscription is told apart from a later replace")
    func createdBy() {
        let create = PutSubscription(name: F.name, changes: F.putChanges(), now: F.now, validationCode: F.firstCode)
        let replace = PutSubscription(name: F.name, changes: F.putChanges(), now: F.later, validationCode: F.secondCode)
        #expect(given(F.created()).wasCreated(by: create))
        #expect(!given(F.created()).wasCreated(by: replace))
        #expect(!given(F.created(), F.deleted).wasCreated(by: create))
    }

    @Test("putting the same definition again records nothing")
    func putSame() {
        #expect(when(F.put(code: F.secondCode, at: F.later), given(F.created())) == nothingHappens())
        #expect(when(F.put(code: F.secondCode, at: F.later), given(F.created(), F.validated())) == nothingHappens())
    }

    @Test("replacing the filter keeps the handshake's outcome")
    func replaceFilter() {
        let command = F.put(code: F.secondCode, at: F.later) { $0.subjectBeginsWith = .set("call/") }
        let replaced = F.definition { $0.filter.subjectBeginsWith = "call/" }
        #expect(when(command, given(F.created(), F.validated())) == then(F.updated(replaced)))
        let state = given(F.created(), F.validated(), F.updated(replaced))
        #expect(state.validation == .validated(at: F.later, method: "validationResponse"))
        #expect(state.updatedAt == F.later && state.createdAt == F.now)
        // Still awaiting: the handshake in flight stays valid.
        #expect(when(command, given(F.created())) == then(F.updated(replaced)))
        #expect(given(F.created(), F.updated(replaced)).validation == .awaiting(code: F.firstCode))
    }

    @Test("a new endpoint or a new envelope needs a new handshake")
    func replaceEndpointOrSchema() {
        let history = given(F.created(), F.validated())
        let newEndpoint = F.put(code: F.secondCode, at: F.later) { $0.endpointUrl = .set(F.otherEndpoint) }
        let moved = F.definition { $0.endpointUrl = F.otherEndpoint }
        #expect(when(newEndpoint, history) == then(F.updated(moved, code: F.secondCode)))
        let state = given(F.created(), F.validated(), F.updated(moved, code: F.secondCode))
        #expect(state.validation == .awaiting(code: F.secondCode) && state.validatedCode == nil)

        let newSchema = F.put(code: F.secondCode, at: F.later) { $0.eventDeliverySchema = .set("CloudEventSchemaV1_0") }
        let cloudEvents = F.definition { $0.schema = .cloudEvents }
        #expect(when(newSchema, history) == then(F.updated(cloudEvents, code: F.secondCode)))
    }

    @Test("a replace resets what it leaves out, but keeps the write-only secret and the start position")
    func replaceResets() {
        let original = F.definition { subscription in
            subscription.retryPolicy = RetryPolicy(maxDeliveryAttempts: 3, eventTimeToLiveInMinutes: 10)
            subscription.signingSecret = F.secret
            subscription.startPosition = .beginning
            subscription.deadLetterEnabled = false
        }
        let replaced = F.definition { subscription in
            subscription.signingSecret = F.secret
            subscription.startPosition = .beginning
        }
        #expect(when(F.put(code: F.secondCode, at: F.later), given(F.created(original))) == then(F.updated(replaced)))
        let withoutSecret = F.put(code: F.secondCode, at: F.later) { $0.signingSecret = .reset }
        var noSecret = replaced
        noSecret.signingSecret = nil
        #expect(when(withoutSecret, given(F.created(original))) == then(F.updated(noSecret)))
    }

    @Test("the start position is fixed at creation")
    func startPositionFixed() {
        let fixed = DomainError.badArgument(
            "The startPosition is fixed when the subscription is created: leave it out, or send it unchanged.",
            target: "startPosition")
        let history = given(F.created(F.definition { $0.startPosition = .beginning }))
        let toNow = F.put(code: F.secondCode, at: F.later) { $0.startPosition = .set(StartPositionDraft(type: "Now")) }
        #expect(when(toNow, history) == refused(fixed))
        #expect(when(F.patch { $0.startPosition = .reset }, history) == refused(fixed))
        let same = F.patch { $0.startPosition = .set(StartPositionDraft(type: "Beginning")) }
        #expect(when(same, history) == nothingHappens())
    }

    @Test("a patch changes only what it names; null puts a property back to its default")
    func patchMerges() {
        let original = F.definition { subscription in
            subscription.retryPolicy = RetryPolicy(maxDeliveryAttempts: 3, eventTimeToLiveInMinutes: 10)
            subscription.filter.subjectBeginsWith = "call/"
        }
        let history = given(F.created(original), F.validated())
        let patch = F.patch { changes in
            changes.maxDeliveryAttempts = .set(7)
            changes.subjectBeginsWith = .reset
        }
        let patched = F.definition { subscription in
            subscription.retryPolicy = RetryPolicy(maxDeliveryAttempts: 7, eventTimeToLiveInMinutes: 10)
        }
        #expect(when(patch, history) == then(F.updated(patched)))
        #expect(when(F.patch { _ in }, history) == nothingHappens())
        #expect(
            when(F.patch { $0.endpointUrl = .set(F.otherEndpoint) }, history)
                == then(
                    F.updated(
                        F.definition { subscription in
                            subscription.endpointUrl = F.otherEndpoint
                            subscription.retryPolicy = original.retryPolicy
                            subscription.filter = original.filter
                        }, code: F.secondCode)))
        #expect(
            when(F.patch { $0.endpointUrl = .reset }, history)
                == refused(
                    .badArgument(
                        "The endpointUrl of the destination is required.",
                        target: "destination.properties.endpointUrl")))
    }

    @Test("a patch is checked like a create, and a refused one records nothing")
    func patchChecked() {
        let history = given(F.created())
        #expect(
            when(F.patch { $0.maxEventsPerBatch = .set(0) }, history)
                == refused(
                    .badArgument(
                        "destination.properties.maxEventsPerBatch must be between 1 and 5000, got 0.",
                        target: "destination.properties.maxEventsPerBatch")))
    }

    @Test("there is nothing to patch before creation or after deletion")
    func patchMissing() {
        #expect(when(F.patch { $0.maxDeliveryAttempts = .set(2) }, F.nothingYet) == refused(F.notFound))
        #expect(
            when(F.patch { $0.maxDeliveryAttempts = .set(2) }, given(F.created(), F.deleted)) == refused(F.notFound))
    }

    @Test("the right code validates, once")
    func validate() {
        #expect(when(F.validate(), given(F.created())) == then(F.validated()))
        let state = given(F.created(), F.validated())
        #expect(state.validation == .validated(at: F.later, method: "validationResponse"))
        #expect(state.validation.isValidated)
        #expect(when(F.validate(), state) == nothingHappens())
        #expect(when(F.validate(method: "validationUrl"), state) == nothingHappens())
    }

    @Test("a wrong code, an old code, or no subscription: one answer that tells nothing")
    func validateRefused() {
        #expect(when(F.validate("guess"), given(F.created())) == refused(F.noHandshake))
        #expect(when(F.validate("guess"), given(F.created(), F.validated())) == refused(F.noHandshake))
        #expect(when(F.validate(), F.nothingYet) == refused(F.noHandshake))
        #expect(when(F.validate(), given(F.created(), F.deleted)) == refused(F.noHandshake))
        let moved = F.definition { $0.endpointUrl = F.otherEndpoint }
        let rehandshake = given(F.created(), F.validated(), F.updated(moved, code: F.secondCode))
        #expect(when(F.validate(F.firstCode), rehandshake) == refused(F.noHandshake))
        #expect(when(F.validate(F.secondCode), rehandshake) == then(F.validated(code: F.secondCode)))
        #expect(
            when(F.validate(method: ""), given(F.created()))
                == refused(.badArgument("The validation method is required.", target: "method")))
    }

    @Test("deleting is idempotent, and the name can be used again from scratch")
    func delete() {
        #expect(when(F.delete, given(F.created())) == then(F.deleted))
        #expect(when(F.delete, given(F.created(), F.deleted)) == nothingHappens())
        #expect(when(F.delete, F.nothingYet) == nothingHappens())
        let gone = given(F.created(F.definition { $0.signingSecret = F.secret }), F.validated(), F.deleted)
        #expect(gone.lifecycle == .deleted && gone.subscription == nil)
        // Re-created: nothing of the old one (its secret, its validation) carries over.
        #expect(
            when(F.put(code: F.secondCode, at: F.later), gone)
                == then(
                    .created(
                        SubscriptionCreated(
                            subscription: F.definition(), validationCode: F.secondCode, createdAt: F.later))))
    }

    @Test("the events survive the log's JSON, with and without their timestamps")
    func codec() throws {
        let events: [SubscriptionEvent] = [
            F.created(
                F.definition { subscription in
                    subscription.startPosition = .time(F.now)
                    subscription.filter.advancedFilters = [
                        AdvancedFilter(operatorType: .numberIn, key: "data.n", values: [.number(1.5), .number(2)])
                    ]
                }),
            F.updated(F.definition(), code: F.secondCode), F.validated(), F.deleted,
        ]
        for event in events {
            let decoded = try SubscriptionEvent(
                eventType: event.eventType, schemaVersion: event.schemaVersion, data: event.encodedData())
            #expect(decoded == event)
        }
        let older = try SubscriptionEvent(
            eventType: "SubscriptionValidated", schemaVersion: 1,
            data: Data(#"{"method":"validationUrl","validationCode":"c"}"#.utf8))
        #expect(older == .validated(SubscriptionValidated(validationCode: "c", method: "validationUrl")))
    }
}

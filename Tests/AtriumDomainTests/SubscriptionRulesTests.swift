import Foundation
import Testing

@testable import AtriumDomain

@Suite("Event subscriptions: the rule of each property")
struct SubscriptionRulesTests {
    typealias F = SubscriptionFixtures

    @Test("names: 3 to 64 letters, digits and hyphens, case-insensitive")
    func names() throws {
        for valid in ["abc", "orders-2026", String(repeating: "a", count: 64), "A-B"] {
            #expect(throws: Never.self) { try SubscriptionName(validating: valid) }
        }
        let refusal = DomainError.badArgument(
            "An event subscription name is 3 to 64 characters: letters, digits and hyphens.", target: "name")
        for invalid in [
            "", "ab", String(repeating: "a", count: 65), "under_score", "dot.ted", "spa ce", "émile", "a/b",
        ] {
            #expect(throws: refusal) { try SubscriptionName(validating: invalid) }
        }
        let name = try SubscriptionName(validating: "Orders-EU")
        #expect(
            name.value == "orders-eu"
                && StreamName(streamId: name.streamId) == StreamName(.subscription, id: "orders-eu"))
    }

    @Test("the endpoint: an absolute http or https URL with a host")
    func endpointUrl() {
        for valid in [
            "https://receiver.example/hooks", "http://127.0.0.1:8081/events?key=a%20b", "HTTPS://Example.COM",
            "http://[::1]:9000/", "https://user:pass@example.com/x",
        ] {
            #expect(F.accepted { $0.endpointUrl = .set(valid) }?.endpointUrl == valid, "\(valid)")
        }
        for invalid in [
            "ftp://example.com/x", "/relative/path", "example.com/hooks", "http://", "https:///path",
            "http://exa mple.com/", "mailto:someone@example.com",
            "https://example.com/" + String(repeating: "a", count: 2048),
        ] {
            #expect(
                F.refusal { $0.endpointUrl = .set(invalid) }
                    == .badArgument(
                        "The endpointUrl must be an absolute http or https URL with a host, at most 2048 characters.",
                        target: "destination.properties.endpointUrl"), "\(invalid)")
        }
    }

    @Test("the schema is one of the two envelopes")
    func schema() {
        #expect(F.accepted { $0.eventDeliverySchema = .set("EventGridSchema") }?.schema == .eventGrid)
        #expect(
            F.refusal { $0.eventDeliverySchema = .set("CustomInputSchema") }
                == .badArgument(
                    "The eventDeliverySchema 'CustomInputSchema' is not supported. Supported: EventGridSchema, "
                        + "CloudEventSchemaV1_0.", target: "eventDeliverySchema"))
    }

    @Test("retry and batching bounds, at and beyond each end")
    func bounds() {
        typealias Field = WritableKeyPath<SubscriptionChanges, PropertyChange<Int>>
        let cases: [(Field, ClosedRange<Int>, String)] = [
            (\.maxDeliveryAttempts, 1...30, "retryPolicy.maxDeliveryAttempts"),
            (\.eventTimeToLiveInMinutes, 1...1440, "retryPolicy.eventTimeToLiveInMinutes"),
            (\.maxEventsPerBatch, 1...5000, "destination.properties.maxEventsPerBatch"),
            (\.preferredBatchSizeInKilobytes, 1...1024, "destination.properties.preferredBatchSizeInKilobytes"),
        ]
        for (field, range, target) in cases {
            for valid in [range.lowerBound, range.upperBound] {
                #expect(F.accepted { $0[keyPath: field] = .set(valid) } != nil, "\(target) = \(valid)")
            }
            for invalid in [range.lowerBound - 1, range.upperBound + 1, -5] {
                #expect(
                    F.refusal { $0[keyPath: field] = .set(invalid) }
                        == .badArgument(
                            "\(target) must be between \(range.lowerBound) and \(range.upperBound), got \(invalid).",
                            target: target))
            }
        }
    }

    @Test("included event types: an empty list is every type; a blank entry is refused")
    func includedEventTypes() {
        #expect(F.accepted { $0.includedEventTypes = .set([]) }?.filter.includedEventTypes == nil)
        #expect(F.accepted { $0.includedEventTypes = .set(["A", "b"]) }?.filter.includedEventTypes == ["A", "b"])
        #expect(
            F.refusal { $0.includedEventTypes = .set(["A", " "]) }
                == .badArgument(
                    "filter.includedEventTypes[1] must name an event type.", target: "filter.includedEventTypes[1]"))
    }

    @Test("advanced filters: supported operators, keys an event has, operands of the right type")
    func advancedFilters() {
        func target(_ drafts: AdvancedFilterDraft...) -> String? {
            F.refusedTarget { $0.advancedFilters = .set(drafts) }
        }
        func draft(_ operatorType: String, _ key: String = "data.x", _ values: [JSONValue] = ["a"])
            -> AdvancedFilterDraft
        {
            AdvancedFilterDraft(operatorType: operatorType, key: key, values: values)
        }
        #expect(target(draft("NumberGreaterThan", "data.x", [.number(1)])) == "filter.advancedFilters[0].operatorType")
        #expect(target(draft("StringIn"), draft("Regex")) == "filter.advancedFilters[1].operatorType")
        for badKey in ["data", "data.", "data..x", "x.data", "topic", "source", "", "payload.x"] {
            #expect(target(draft("StringIn", badKey)) == "filter.advancedFilters[0].key", "\(badKey)")
        }
        for goodKey in ["data.x", "Data.room.id", "subject", "EventType", "id", "dataVersion"] {
            #expect(F.accepted { $0.advancedFilters = .set([draft("StringIn", goodKey)]) } != nil, "\(goodKey)")
        }
        let values = "filter.advancedFilters[0].values"
        #expect(target(draft("StringIn", "data.x", [])) == values)
        #expect(target(draft("StringNotIn", "data.x", [.number(1)])) == values)
        #expect(target(draft("StringContains", "data.x", ["a", true])) == values)
        #expect(target(draft("StringBeginsWith", "data.x", [.null])) == values)
        #expect(target(draft("StringIn", "data.x", [.string(String(repeating: "é", count: 513))])) == values)
        #expect(
            F.accepted {
                $0.advancedFilters = .set([draft("StringIn", "data.x", [.string(String(repeating: "é", count: 512))])])
            } != nil)
        #expect(target(draft("NumberIn", "data.x", [])) == values)
        #expect(target(draft("NumberIn", "data.x", ["1"])) == values)
        #expect(target(draft("BoolEquals", "data.x", [])) == "filter.advancedFilters[0].value")
        #expect(target(draft("BoolEquals", "data.x", [true, false])) == "filter.advancedFilters[0].value")
        #expect(target(draft("BoolEquals", "data.x", ["true"])) == "filter.advancedFilters[0].value")
        #expect(target(draft("IsNullOrUndefined", "data.x", [.null])) == values)
        #expect(F.accepted { $0.advancedFilters = .set([draft("IsNullOrUndefined", "data.x", [])]) } != nil)
        #expect(
            F.refusal { $0.advancedFilters = .set([draft("StringIn", "data.x", [.number(1)])]) }
                == .badArgument("StringIn compares strings; value 0 is a number.", target: values))
    }

    @Test("advanced filters: at most 25, with at most 25 values among them")
    func advancedFilterLimits() {
        let one = AdvancedFilterDraft(operatorType: "StringIn", key: "data.x", values: ["a"])
        #expect(F.accepted { $0.advancedFilters = .set(Array(repeating: one, count: 25)) } != nil)
        #expect(
            F.refusal { $0.advancedFilters = .set(Array(repeating: one, count: 26)) }
                == .badArgument(
                    "A subscription has at most 25 advanced filters, got 26.", target: "filter.advancedFilters"))
        let thirteen = AdvancedFilterDraft(
            operatorType: "StringIn", key: "data.x", values: (0..<13).map { .string("v\($0)") })
        #expect(
            F.refusal { $0.advancedFilters = .set([thirteen, thirteen]) }
                == .badArgument(
                    "The advanced filters of a subscription have at most 25 values in all, got 26.",
                    target: "filter.advancedFilters"))
        let unbounded = AdvancedFilterDraft(operatorType: "IsNullOrUndefined", key: "data.y")
        #expect(F.accepted { $0.advancedFilters = .set([thirteen, unbounded]) } != nil)
    }

    @Test("signing secrets: whsec_ and the base64 of 24 to 64 bytes")
    func signingSecrets() {
        func secret(_ count: Int) -> String { "whsec_" + Data(repeating: 1, count: count).base64EncodedString() }
        for valid in [secret(24), secret(64), secret(32), String(secret(32).dropLast())] {
            #expect(F.accepted { $0.signingSecret = .set(valid) }?.signingSecret == valid, "\(valid)")
            #expect(SigningSecret(valid) != nil)
        }
        #expect(SigningSecret(secret(32))?.key == Array(repeating: 1, count: 32))
        for invalid in [
            secret(23), secret(65), String(secret(32).dropFirst(6)), "whsec_", "whsec_!!!!",
            "WHSEC_" + secret(32).dropFirst(6),
        ] {
            #expect(F.refusedTarget { $0.signingSecret = .set(invalid) } == "signingSecret", "\(invalid)")
        }
    }

    @Test("start positions: Now, Beginning, or a Time that has come")
    func startPositions() {
        let past = F.now.addingTimeInterval(-60)
        #expect(
            F.accepted { $0.startPosition = .set(StartPositionDraft(type: "Beginning")) }?.startPosition == .beginning)
        #expect(
            F.accepted { $0.startPosition = .set(StartPositionDraft(type: "Time", time: past)) }?.startPosition
                == .time(past))
        #expect(F.accepted { $0.startPosition = .set(StartPositionDraft(type: "Time", time: F.now)) } != nil)
        #expect(F.accepted { $0.startPosition = .reset }?.startPosition == .now)
        #expect(
            F.refusedTarget { $0.startPosition = .set(StartPositionDraft(type: "Time")) } == "startPosition.time")
        #expect(
            F.refusedTarget { $0.startPosition = .set(StartPositionDraft(type: "Now", time: past)) }
                == "startPosition.time")
        #expect(
            F.refusedTarget {
                $0.startPosition = .set(StartPositionDraft(type: "Time", time: F.now.addingTimeInterval(1)))
            } == "startPosition.time")
        #expect(
            F.refusedTarget { $0.startPosition = .set(StartPositionDraft(type: "Yesterday")) } == "startPosition.type")
    }
}

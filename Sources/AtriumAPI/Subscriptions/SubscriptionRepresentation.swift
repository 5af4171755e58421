import AtriumDomain
import AtriumProjections
import Foundation

/// An event subscription on the wire, shaped like Event Grid's eventSubscription resource.
///
/// The signing secret is write-only: responses say only whether there is one.
enum SubscriptionRepresentation {
    static let resourceType = "Microsoft.EventGrid/eventSubscriptions"

    static func model(
        _ subscription: EventSubscription, validation: SubscriptionValidation, createdAt: Date, updatedAt: Date
    ) -> JSONValue {
        let validatedAt: JSONValue =
            if case .validated(let at, _) = validation { .string(Timestamp.format(at)) } else { .null }
        let properties: JSONValue = [
            "provisioningState": validation.isValidated ? "Succeeded" : "AwaitingManualAction",
            "destination": [
                "endpointType": "WebHook",
                "properties": [
                    "endpointUrl": .string(subscription.endpointUrl),
                    "maxEventsPerBatch": .number(Double(subscription.batching.maxEventsPerBatch)),
                    "preferredBatchSizeInKilobytes": .number(
                        Double(subscription.batching.preferredBatchSizeInKilobytes)),
                ],
            ],
            "filter": filter(subscription.filter),
            "eventDeliverySchema": .string(subscription.schema.rawValue),
            "retryPolicy": [
                "maxDeliveryAttempts": .number(Double(subscription.retryPolicy.maxDeliveryAttempts)),
                "eventTimeToLiveInMinutes": .number(Double(subscription.retryPolicy.eventTimeToLiveInMinutes)),
            ],
            "deadLetterEnabled": .bool(subscription.deadLetterEnabled),
            "hasSigningSecret": .bool(subscription.signingSecret != nil),
            "startPosition": startPosition(subscription.startPosition),
            "validatedAt": validatedAt,
            "createdAt": .string(Timestamp.format(createdAt)),
            "updatedAt": .string(Timestamp.format(updatedAt)),
        ]
        return [
            "name": .string(subscription.name),
            "id": .string("/eventSubscriptions/\(subscription.name)"),
            "type": .string(resourceType),
            "properties": properties,
        ]
    }

    /// The subscription as a command left it (the aggregate's state, never a re-read).
    static func model(_ state: SubscriptionState) -> JSONValue {
        guard let subscription = state.subscription else { return [:] }
        return model(subscription, validation: state.validation, createdAt: state.createdAt, updatedAt: state.updatedAt)
    }

    static func model(_ row: SubscriptionRow) -> JSONValue {
        model(row.subscription, validation: row.validation, createdAt: row.createdAt, updatedAt: row.updatedAt)
    }

    static func page(_ items: [JSONValue], nextLink: JSONValue?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("value", .array(items))]
        if let nextLink { members.append(("nextLink", nextLink)) }
        return .object(members)
    }

    private static func filter(_ filter: EventFilter) -> JSONValue {
        [
            "includedEventTypes": filter.includedEventTypes.map { .array($0.map(JSONValue.string)) } ?? .null,
            "subjectBeginsWith": .string(filter.subjectBeginsWith),
            "subjectEndsWith": .string(filter.subjectEndsWith),
            "isSubjectCaseSensitive": .bool(filter.isSubjectCaseSensitive),
            "enableAdvancedFilteringOnArrays": true,
            "advancedFilters": .array(filter.advancedFilters.map(advancedFilter)),
        ]
    }

    /// Event Grid's shape: BoolEquals carries `value`, IsNullOrUndefined nothing, the others `values`.
    private static func advancedFilter(_ filter: AdvancedFilter) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("operatorType", .string(filter.operatorType.rawValue)), ("key", .string(filter.key)),
        ]
        switch filter.operatorType {
        case .boolEquals: members.append(("value", filter.values.first ?? .null))
        case .isNullOrUndefined: break
        default: members.append(("values", .array(filter.values)))
        }
        return .object(members)
    }

    private static func startPosition(_ position: StartPosition) -> JSONValue {
        switch position {
        case .now: ["type": "Now"]
        case .beginning: ["type": "Beginning"]
        case .time(let time): ["type": "Time", "time": .string(Timestamp.format(time))]
        }
    }
}

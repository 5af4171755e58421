import Foundation

/// What a request says about one property: nothing, `null` (back to the default), or a value.
public enum PropertyChange<Value: Sendable & Equatable>: Sendable, Equatable {
    case unchanged
    case reset
    case set(Value)

    /// The property after the change, from its current value and its default.
    func applied(to current: Value, default defaultValue: Value) -> Value {
        switch self {
        case .unchanged: current
        case .reset: defaultValue
        case .set(let value): value
        }
    }
}

/// The properties of a create-or-replace or a merge-patch, leaf by leaf, as the client sent them
/// (typed JSON, not yet checked against the rules).
public struct SubscriptionChanges: Sendable, Equatable {
    public var endpointUrl: PropertyChange<String> = .unchanged
    public var maxEventsPerBatch: PropertyChange<Int> = .unchanged
    public var preferredBatchSizeInKilobytes: PropertyChange<Int> = .unchanged
    /// `EventGridSchema` or `CloudEventSchemaV1_0`.
    public var eventDeliverySchema: PropertyChange<String> = .unchanged
    /// An empty list, like the default, means every event type.
    public var includedEventTypes: PropertyChange<[String]> = .unchanged
    public var subjectBeginsWith: PropertyChange<String> = .unchanged
    public var subjectEndsWith: PropertyChange<String> = .unchanged
    public var isSubjectCaseSensitive: PropertyChange<Bool> = .unchanged
    /// Replaced as a whole (merge-patch replaces arrays).
    public var advancedFilters: PropertyChange<[AdvancedFilterDraft]> = .unchanged
    public var maxDeliveryAttempts: PropertyChange<Int> = .unchanged
    public var eventTimeToLiveInMinutes: PropertyChange<Int> = .unchanged
    public var deadLetterEnabled: PropertyChange<Bool> = .unchanged
    /// `whsec_<base64>`; reset removes the secret.
    public var signingSecret: PropertyChange<String> = .unchanged
    public var startPosition: PropertyChange<StartPositionDraft> = .unchanged

    public init() {}
}

/// An advanced filter as sent: the operator by name, the operand values of any JSON type.
public struct AdvancedFilterDraft: Sendable, Equatable {
    public var operatorType: String
    public var key: String
    public var values: [JSONValue]

    public init(operatorType: String, key: String, values: [JSONValue] = []) {
        self.operatorType = operatorType
        self.key = key
        self.values = values
    }
}

/// A start position as sent: `Now`, `Beginning`, or `Time` with its `time`.
public struct StartPositionDraft: Sendable, Equatable {
    public var type: String
    public var time: Date?

    public init(type: String, time: Date? = nil) {
        self.type = type
        self.time = time
    }
}

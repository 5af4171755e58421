import Foundation

/// Which events a subscription receives: Event Grid's filter.
///
/// All the conditions must hold: an included type (when any are listed), the subject prefix and
/// suffix, and every advanced filter.
public struct EventFilter: Codable, Equatable, Sendable {
    /// nil or empty: every type. Compared case-insensitively, as Event Grid does.
    public var includedEventTypes: [String]?
    public var subjectBeginsWith: String
    public var subjectEndsWith: String
    public var isSubjectCaseSensitive: Bool
    public var advancedFilters: [AdvancedFilter]

    public init(
        includedEventTypes: [String]? = nil, subjectBeginsWith: String = "", subjectEndsWith: String = "",
        isSubjectCaseSensitive: Bool = false, advancedFilters: [AdvancedFilter] = []
    ) {
        self.includedEventTypes = includedEventTypes
        self.subjectBeginsWith = subjectBeginsWith
        self.subjectEndsWith = subjectEndsWith
        self.isSubjectCaseSensitive = isSubjectCaseSensitive
        self.advancedFilters = advancedFilters
    }
}

/// One of Event Grid's advanced filters on a field of the event (`key`: `data.room.id`, `subject`, …).
public struct AdvancedFilter: Codable, Equatable, Sendable {
    public enum Operator: String, Codable, Sendable, CaseIterable {
        case stringIn = "StringIn"
        case stringNotIn = "StringNotIn"
        case stringBeginsWith = "StringBeginsWith"
        case stringContains = "StringContains"
        case numberIn = "NumberIn"
        case boolEquals = "BoolEquals"
        case isNullOrUndefined = "IsNullOrUndefined"
    }

    public var operatorType: Operator
    public var key: String
    /// The operand: strings for the String operators, numbers for NumberIn, one bool for
    /// BoolEquals, nothing for IsNullOrUndefined.
    public var values: [JSONValue]

    public init(operatorType: Operator, key: String, values: [JSONValue] = []) {
        self.operatorType = operatorType
        self.key = key
        self.values = values
    }
}

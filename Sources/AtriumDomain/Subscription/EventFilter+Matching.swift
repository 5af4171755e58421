import Foundation

// Event Grid's filter semantics ("Understand event filtering for Event Grid subscriptions"):
// - included event types and string comparisons ignore case; the subject filters honour
//   `isSubjectCaseSensitive`;
// - advanced filters are ANDed, the values of one filter ORed;
// - a key whose value is an array is checked element by element (Atrium always does what Event
//   Grid does with `enableAdvancedFilteringOnArrays`); elements of another type than the
//   operator compares are ignored;
// - a key the event does not have matches nothing, except StringNotIn (nothing it excludes is
//   there) and IsNullOrUndefined.

extension EventFilter {
    /// Whether a subscription with this filter receives `event`.
    public func matches(_ event: PublishedEvent) -> Bool {
        includesType(event.eventType) && subjectMatches(event.subject)
            && advancedFilters.allSatisfy { $0.matches(event) }
    }

    /// Every type when none are listed, or when the list names `All` (Event Grid's older spelling of every type).
    private func includesType(_ eventType: String) -> Bool {
        guard let includedEventTypes, !includedEventTypes.isEmpty else { return true }
        let lowered = eventType.lowercased()
        return includedEventTypes.contains { $0.lowercased() == lowered || $0.lowercased() == "all" }
    }

    private func subjectMatches(_ subject: String) -> Bool {
        if subjectBeginsWith.isEmpty && subjectEndsWith.isEmpty { return true }
        let subject = isSubjectCaseSensitive ? subject : subject.lowercased()
        let prefix = isSubjectCaseSensitive ? subjectBeginsWith : subjectBeginsWith.lowercased()
        let suffix = isSubjectCaseSensitive ? subjectEndsWith : subjectEndsWith.lowercased()
        return subject.hasPrefix(prefix) && subject.hasSuffix(suffix)
    }
}

extension AdvancedFilter {
    /// Whether `event` passes this one filter.
    public func matches(_ event: PublishedEvent) -> Bool {
        let value = event.value(atKey: key)
        let operands = operandStrings
        switch operatorType {
        case .isNullOrUndefined:
            return value == nil || value == .null
        case .stringNotIn:
            guard let value else { return true }
            let excluded = Set(operands)
            return !Self.elements(of: value).contains { element in
                if case .string(let text) = element { excluded.contains(text.lowercased()) } else { false }
            }
        case .stringIn:
            return anyString(in: value) { text in operands.contains(text) }
        case .stringBeginsWith:
            return anyString(in: value) { text in operands.contains { text.hasPrefix($0) } }
        case .stringContains:
            return anyString(in: value) { text in operands.contains { text.contains($0) } }
        case .numberIn:
            guard let value else { return false }
            return Self.elements(of: value).contains { element in
                if case .number(let number) = element { values.contains(.number(number)) } else { false }
            }
        case .boolEquals:
            guard let value, case .bool(let expected)? = values.first else { return false }
            return Self.elements(of: value).contains(.bool(expected))
        }
    }

    /// The string operands in lower case: string comparisons ignore case.
    private var operandStrings: [String] {
        values.compactMap { if case .string(let text) = $0 { text.lowercased() } else { nil } }
    }

    /// Whether any string at the key (the value, or an element of it), in lower case, satisfies `test`.
    private func anyString(in value: JSONValue?, _ test: (String) -> Bool) -> Bool {
        guard let value else { return false }
        return Self.elements(of: value).contains { element in
            if case .string(let text) = element { test(text.lowercased()) } else { false }
        }
    }

    /// An array's elements, or the value itself.
    private static func elements(of value: JSONValue) -> [JSONValue] {
        if case .array(let elements) = value { elements } else { [value] }
    }
}

/// The rules of advanced filters: supported operators, keys an event has, operands of the type
/// the operator compares, and Event Grid's limits.
enum AdvancedFilterRules {
    /// Event fields a key may name besides `data.…` (compared case-insensitively, as `PublishedEvent` reads them).
    static let envelopeKeys = ["id", "subject", "eventType", "dataVersion"]

    static func filters(_ drafts: [AdvancedFilterDraft]) throws(DomainError) -> [AdvancedFilter] {
        guard drafts.count <= SubscriptionLimits.maxAdvancedFilters else {
            throw DomainError.badArgument(
                "A subscription has at most \(SubscriptionLimits.maxAdvancedFilters) advanced filters, "
                    + "got \(drafts.count).",
                target: "filter.advancedFilters")
        }
        var filters: [AdvancedFilter] = []
        for (index, draft) in drafts.enumerated() {
            filters.append(try filter(draft, target: "filter.advancedFilters[\(index)]"))
        }
        let valueCount = filters.reduce(0) { $0 + $1.values.count }
        guard valueCount <= SubscriptionLimits.maxAdvancedFilterValues else {
            throw DomainError.badArgument(
                "The advanced filters of a subscription have at most \(SubscriptionLimits.maxAdvancedFilterValues) "
                    + "values in all, got \(valueCount).",
                target: "filter.advancedFilters")
        }
        return filters
    }

    private static func filter(_ draft: AdvancedFilterDraft, target: String) throws(DomainError) -> AdvancedFilter {
        let lowered = draft.operatorType.lowercased()
        guard let operatorType = AdvancedFilter.Operator.allCases.first(where: { $0.rawValue.lowercased() == lowered })
        else {
            let allowed = AdvancedFilter.Operator.allCases.map(\.rawValue).joined(separator: ", ")
            throw DomainError.badArgument(
                "The operatorType '\(draft.operatorType)' is not supported. Supported: \(allowed).",
                target: "\(target).operatorType")
        }
        try key(draft.key, target: "\(target).key")
        try operands(draft.values, of: operatorType, target: target)
        return AdvancedFilter(operatorType: operatorType, key: draft.key, values: draft.values)
    }

    /// `data.` and one or more non-empty segments, or one of the envelope's fields.
    private static func key(_ key: String, target: String) throws(DomainError) {
        if envelopeKeys.contains(where: { $0.lowercased() == key.lowercased() }) { return }
        let segments = key.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count >= 2, segments[0].lowercased() == "data", segments.allSatisfy({ !$0.isEmpty }) else {
            throw DomainError.badArgument(
                "The key '\(key)' names no field of an event: use data.<field>[.<field>…], "
                    + "\(envelopeKeys.joined(separator: ", ")).",
                target: target)
        }
    }

    private static func operands(
        _ values: [JSONValue], of operatorType: AdvancedFilter.Operator, target: String
    ) throws(DomainError) {
        let valuesTarget = "\(target).values"
        switch operatorType {
        case .stringIn, .stringNotIn, .stringBeginsWith, .stringContains:
            guard !values.isEmpty else {
                throw DomainError.badArgument(
                    "\(operatorType.rawValue) needs one or more string values.", target: valuesTarget)
            }
            for (index, value) in values.enumerated() {
                guard case .string(let text) = value else {
                    throw DomainError.badArgument(
                        "\(operatorType.rawValue) compares strings; value \(index) is a \(value.typeName).",
                        target: valuesTarget)
                }
                guard text.count <= SubscriptionLimits.maxFilterStringLength else {
                    throw DomainError.badArgument(
                        "A filter value has at most \(SubscriptionLimits.maxFilterStringLength) characters; "
                            + "value \(index) has \(text.count).",
                        target: valuesTarget)
                }
            }
        case .numberIn:
            guard !values.isEmpty else {
                throw DomainError.badArgument("NumberIn needs one or more number values.", target: valuesTarget)
            }
            for (index, value) in values.enumerated() {
                guard case .number = value else {
                    throw DomainError.badArgument(
                        "NumberIn compares numbers; value \(index) is a \(value.typeName).", target: valuesTarget)
                }
            }
        case .boolEquals:
            guard values.count == 1, case .bool = values[0] else {
                throw DomainError.badArgument(
                    "BoolEquals compares with exactly one boolean value.", target: "\(target).value")
            }
        case .isNullOrUndefined:
            guard values.isEmpty else {
                throw DomainError.badArgument("IsNullOrUndefined takes no values.", target: valuesTarget)
            }
        }
    }
}

import AtriumDomain
import Foundation

/// Request bodies of the event subscriptions API, read leaf by leaf into `SubscriptionChanges`.
///
/// The same reading serves PUT and PATCH: a property left out is `unchanged` (a PUT's decider then
/// takes the default), `null` is `reset`, and a `null` object resets everything under it. JSON
/// types are checked here; ranges, formats and enums are the decider's rules. Errors name the
/// property by its path under `properties`.
enum SubscriptionRequests {
    /// `id`, `name` and `type` are read-only and ignored, so a GET's body can be sent back.
    static let topLevelKeys: Set<String> = ["properties", "id", "name", "type"]
    static let propertyKeys: Set<String> = [
        "destination", "filter", "eventDeliverySchema", "retryPolicy", "deadLetterEnabled", "signingSecret",
        "startPosition",
    ]
    /// What responses carry and requests may echo; ignored.
    static let readOnlyPropertyKeys: Set<String> = [
        "provisioningState", "hasSigningSecret", "validatedAt", "createdAt", "updatedAt",
    ]

    static func changes(_ body: JSONValue) throws -> SubscriptionChanges {
        try requireOnly(topLevelKeys, in: body, path: nil)
        let properties = try Section(body["properties"], path: nil)
        try properties.requireOnly(propertyKeys.union(readOnlyPropertyKeys))
        var changes = SubscriptionChanges()

        let destination = try properties.section("destination")
        try destination.requireOnly(["endpointType", "properties"])
        if case .set(let type) = try destination.leaf("endpointType", string), type.lowercased() != "webhook" {
            throw APIError.badRequest(
                "Atrium delivers to WebHook destinations only, got '\(type)'.", target: "destination.endpointType")
        }
        let webhook = try destination.section("properties")
        try webhook.requireOnly(["endpointUrl", "maxEventsPerBatch", "preferredBatchSizeInKilobytes"])
        changes.endpointUrl = try webhook.leaf("endpointUrl", string)
        changes.maxEventsPerBatch = try webhook.leaf("maxEventsPerBatch", integer)
        changes.preferredBatchSizeInKilobytes = try webhook.leaf("preferredBatchSizeInKilobytes", integer)

        let filter = try properties.section("filter")
        try filter.requireOnly([
            "includedEventTypes", "subjectBeginsWith", "subjectEndsWith", "isSubjectCaseSensitive", "advancedFilters",
            "enableAdvancedFilteringOnArrays",
        ])
        changes.includedEventTypes = try filter.leaf("includedEventTypes", strings)
        changes.subjectBeginsWith = try filter.leaf("subjectBeginsWith", string)
        changes.subjectEndsWith = try filter.leaf("subjectEndsWith", string)
        changes.isSubjectCaseSensitive = try filter.leaf("isSubjectCaseSensitive", bool)
        changes.advancedFilters = try filter.leaf("advancedFilters", advancedFilters)
        // Atrium always filters arrays element by element, which Event Grid does only when asked.
        if case .set(false) = try filter.leaf("enableAdvancedFilteringOnArrays", bool) {
            throw APIError.badRequest(
                "Atrium always applies advanced filters to the elements of arrays: "
                    + "enableAdvancedFilteringOnArrays can only be true.",
                target: "filter.enableAdvancedFilteringOnArrays")
        }

        changes.eventDeliverySchema = try properties.leaf("eventDeliverySchema", string)
        let retryPolicy = try properties.section("retryPolicy")
        try retryPolicy.requireOnly(["maxDeliveryAttempts", "eventTimeToLiveInMinutes"])
        changes.maxDeliveryAttempts = try retryPolicy.leaf("maxDeliveryAttempts", integer)
        changes.eventTimeToLiveInMinutes = try retryPolicy.leaf("eventTimeToLiveInMinutes", integer)
        changes.deadLetterEnabled = try properties.leaf("deadLetterEnabled", bool)
        changes.signingSecret = try properties.leaf("signingSecret", string)
        changes.startPosition = try properties.leaf("startPosition", startPosition)
        return changes
    }

    // MARK: The JSON type of each leaf

    static func string(_ value: JSONValue, path: String) throws -> String {
        guard case .string(let text) = value else { throw wrongType(path, "a string", value) }
        return text
    }

    static func bool(_ value: JSONValue, path: String) throws -> Bool {
        guard case .bool(let flag) = value else { throw wrongType(path, "a boolean", value) }
        return flag
    }

    /// A whole number (JSON has only numbers; `5.0` counts, `5.5` does not).
    static func integer(_ value: JSONValue, path: String) throws -> Int {
        guard case .number(let number) = value else { throw wrongType(path, "an integer", value) }
        guard number.rounded() == number, abs(number) <= 9_007_199_254_740_992 else {
            throw APIError.badRequest("'\(path)' must be an integer, got \(value.serialized).", target: path)
        }
        return Int(number)
    }

    static func strings(_ value: JSONValue, path: String) throws -> [String] {
        guard case .array(let elements) = value else { throw wrongType(path, "an array of strings", value) }
        return try elements.enumerated().map { index, element in try string(element, path: "\(path)[\(index)]") }
    }

    /// Event Grid's shape: `operatorType`, `key`, and `values` — or `value` for BoolEquals, kept
    /// as its single value.
    static func advancedFilters(_ value: JSONValue, path: String) throws -> [AdvancedFilterDraft] {
        guard case .array(let elements) = value else { throw wrongType(path, "an array of filters", value) }
        return try elements.enumerated().map { index, element in
            let path = "\(path)[\(index)]"
            guard case .object = element else { throw wrongType(path, "an object", element) }
            try requireOnly(["operatorType", "key", "values", "value"], in: element, path: path)
            guard let operatorValue = element["operatorType"], operatorValue != .null else {
                throw APIError.badRequest("'\(path).operatorType' is required.", target: "\(path).operatorType")
            }
            let operatorType = try string(operatorValue, path: "\(path).operatorType")
            guard let keyValue = element["key"], keyValue != .null else {
                throw APIError.badRequest("'\(path).key' is required.", target: "\(path).key")
            }
            let key = try string(keyValue, path: "\(path).key")
            var values: [JSONValue] = []
            switch element["values"] {
            case nil, .null?: break
            case .array(let operands)?: values = operands
            case let other?: throw wrongType("\(path).values", "an array", other)
            }
            if let single = element["value"], single != .null {
                guard operatorType.lowercased() == "boolequals" else {
                    throw APIError.badRequest(
                        "'value' is the operand of BoolEquals; \(operatorType) takes 'values'.",
                        target: "\(path).value")
                }
                guard values.isEmpty else {
                    throw APIError.badRequest(
                        "Send either 'value' or 'values', not both.", target: "\(path).value")
                }
                values = [single]
            }
            return AdvancedFilterDraft(operatorType: operatorType, key: key, values: values)
        }
    }

    static func startPosition(_ value: JSONValue, path: String) throws -> StartPositionDraft {
        guard case .object = value else { throw wrongType(path, "an object", value) }
        try requireOnly(["type", "time"], in: value, path: path)
        guard let typeValue = value["type"], typeValue != .null else {
            throw APIError.badRequest("'\(path).type' is required.", target: "\(path).type")
        }
        let type = try string(typeValue, path: "\(path).type")
        var time: Date?
        if let timeValue = value["time"], timeValue != .null {
            let text = try string(timeValue, path: "\(path).time")
            guard let parsed = Timestamp.parse(text) else {
                throw APIError.badRequest(
                    "'\(path).time' must be an RFC 3339 date-time, got '\(text)'.", target: "\(path).time")
            }
            time = Timestamp.normalized(parsed)
        }
        return StartPositionDraft(type: type, time: time)
    }

    // MARK: Objects and their members

    /// An object of the body that may be absent, `null`, or there.
    struct Section {
        enum Content {
            case absent
            case null
            case object(JSONValue)
        }

        var content: Content
        /// Where it is under `properties` (nil for `properties` itself).
        var path: String?

        init(_ value: JSONValue?, path: String?) throws {
            self.path = path
            guard let value else {
                content = .absent
                return
            }
            switch value {
            case .null: content = .null
            case .object: content = .object(value)
            default: throw wrongType(path ?? "properties", "an object", value)
            }
        }

        private init(content: Content, path: String) {
            self.content = content
            self.path = path
        }

        func childPath(_ key: String) -> String { path.map { "\($0).\(key)" } ?? key }

        func section(_ key: String) throws -> Section {
            switch content {
            case .absent: return Section(content: .absent, path: childPath(key))
            case .null: return Section(content: .null, path: childPath(key))
            case .object(let object): return try Section(object[key], path: childPath(key))
            }
        }

        func leaf<Value>(_ key: String, _ read: (JSONValue, String) throws -> Value) throws -> PropertyChange<Value> {
            switch content {
            case .absent: return .unchanged
            case .null: return .reset
            case .object(let object):
                switch object[key] {
                case nil: return .unchanged
                case .null?: return .reset
                case let value?: return .set(try read(value, childPath(key)))
                }
            }
        }

        func requireOnly(_ allowed: Set<String>) throws {
            guard case .object(let object) = content else { return }
            try SubscriptionRequests.requireOnly(allowed, in: object, path: path)
        }
    }

    /// Refuses properties the resource does not define: a misspelt field must not pass silently.
    static func requireOnly(_ allowed: Set<String>, in object: JSONValue, path: String?) throws {
        guard case .object(let members) = object,
            let unknown = members.first(where: { !allowed.contains($0.key) })
        else { return }
        let target = path.map { "\($0).\(unknown.key)" } ?? unknown.key
        throw APIError.badRequest(
            "The property '\(target)' is not allowed here. Allowed: \(allowed.sorted().joined(separator: ", ")).",
            target: target)
    }

    static func wrongType(_ path: String, _ expected: String, _ value: JSONValue) -> APIError {
        APIError.badRequest("'\(path)' must be \(expected), got \(value.typeName).", target: path)
    }
}

import Foundation

/// The rule of each property of a subscription. Errors name the property by its path in the
/// request's `properties` (`destination.properties.endpointUrl`, `retryPolicy.maxDeliveryAttempts`).
enum SubscriptionRules {
    static let endpointUrlTarget = "destination.properties.endpointUrl"

    /// An absolute `http` or `https` URL with a host. Plain http is allowed: self-hosted receivers
    /// often listen on loopback or a private network.
    static func endpointUrl(_ text: String) throws(DomainError) -> String {
        guard !text.isEmpty else {
            throw DomainError.badArgument("The endpointUrl of the destination is required.", target: endpointUrlTarget)
        }
        guard text.utf8.count <= SubscriptionLimits.maxEndpointUrlLength,
            !text.contains(where: { $0.isWhitespace || $0.isNewline }),
            let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw DomainError.badArgument(
                "The endpointUrl must be an absolute http or https URL with a host, at most "
                    + "\(SubscriptionLimits.maxEndpointUrlLength) characters.",
                target: endpointUrlTarget)
        }
        return text
    }

    /// Either envelope, its name compared case-insensitively as Azure compares enum values.
    static func schema(_ text: String) throws(DomainError) -> DeliverySchema {
        guard let schema = DeliverySchema.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() })
        else {
            let allowed = DeliverySchema.allCases.map(\.rawValue).joined(separator: ", ")
            throw DomainError.badArgument(
                "The eventDeliverySchema '\(text)' is not supported. Supported: \(allowed).",
                target: "eventDeliverySchema")
        }
        return schema
    }

    static func integer(_ value: Int, in range: ClosedRange<Int>, target: String) throws(DomainError) -> Int {
        guard range.contains(value) else {
            throw DomainError.badArgument(
                "\(target) must be between \(range.lowerBound) and \(range.upperBound), got \(value).", target: target)
        }
        return value
    }

    /// Nil (every type) for an empty list; otherwise every entry names a type.
    static func includedEventTypes(_ types: [String]) throws(DomainError) -> [String]? {
        if types.isEmpty { return nil }
        for (index, type) in types.enumerated() where type.allSatisfy({ $0.isWhitespace || $0.isNewline }) {
            throw DomainError.badArgument(
                "filter.includedEventTypes[\(index)] must name an event type.",
                target: "filter.includedEventTypes[\(index)]")
        }
        return types
    }

    static func signingSecret(_ text: String) throws(DomainError) -> String {
        guard SigningSecret(text) != nil else {
            throw DomainError.badArgument(
                "The signingSecret must be a Standard Webhooks secret: 'whsec_' followed by the base64 of "
                    + "\(SigningSecret.keyLength.lowerBound) to \(SigningSecret.keyLength.upperBound) random bytes.",
                target: "signingSecret")
        }
        return text
    }

    /// `Now`, `Beginning`, or `Time` with a `time` that has already come: a start position replays
    /// history, it does not schedule.
    static func startPosition(_ draft: StartPositionDraft, now: Date) throws(DomainError) -> StartPosition {
        switch draft.type.lowercased() {
        case "now", "beginning":
            guard draft.time == nil else {
                throw DomainError.badArgument(
                    "startPosition.time is only for a start position of type Time.", target: "startPosition.time")
            }
            return draft.type.lowercased() == "now" ? .now : .beginning
        case "time":
            guard let time = draft.time else {
                throw DomainError.badArgument(
                    "A start position of type Time needs its time.", target: "startPosition.time")
            }
            guard time <= now else {
                throw DomainError.badArgument(
                    "startPosition.time must not be in the future.", target: "startPosition.time")
            }
            return .time(time)
        default:
            throw DomainError.badArgument(
                "The startPosition type '\(draft.type)' is not supported. Supported: Now, Beginning, Time.",
                target: "startPosition.type")
        }
    }
}

import AtriumDomain

/// What the audit never shows: a subscription's signing secret is write-only on the API, and a
/// validation code is the credential of the handshake.
enum AuditRedaction {
    static let redactedKeys: Set<String> = ["signingSecret", "validationCode"]
    static let placeholder = JSONValue.string("(redacted)")

    static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            .object(
                members.map { member in
                    if redactedKeys.contains(member.key), member.value != .null { return (member.key, placeholder) }
                    return (member.key, redact(member.value))
                })
        case .array(let values): .array(values.map(redact))
        default: value
        }
    }
}

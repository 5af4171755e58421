import AtriumDomain

/// A participant as ACS events carry it: `{rawId, communicationUser: {id}}` or
/// `{rawId, phoneNumber: {value}}`.
enum CommunicationIdentifierJSON {
    static func make(rawId: String) -> JSONValue {
        if rawId.hasPrefix("4:") {
            return ["rawId": .string(rawId), "phoneNumber": ["value": .string(String(rawId.dropFirst(2)))]]
        }
        if rawId.hasPrefix("28:") {
            return ["rawId": .string(rawId), "microsoftTeamsApp": ["appId": .string(String(rawId.dropFirst(3)))]]
        }
        return ["rawId": .string(rawId), "communicationUser": ["id": .string(rawId)]]
    }

    /// `{communicationIdentifier, role}`: who started, ended, joined or left.
    static func participant(rawId: String, role: Role?) -> JSONValue {
        .object([
            (key: "communicationIdentifier", value: make(rawId: rawId)),
            (key: "role", value: role.map { .string($0.rawValue) } ?? .null),
        ])
    }
}

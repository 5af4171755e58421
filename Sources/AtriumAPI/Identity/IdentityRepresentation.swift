import AtriumDomain

/// The JSON shapes of the Identity API's responses.
enum IdentityRepresentation {
    /// `{token, expiresOn}`.
    static func accessToken(_ token: String, _ grant: AccessTokenGrant) -> JSONValue {
        .object([("token", .string(token)), ("expiresOn", .string(Timestamp.format(grant.expiresOn)))])
    }

    /// `{identity: {id}, accessToken?: {token, expiresOn}}`.
    static func created(_ id: CommunicationUserId, token: (String, AccessTokenGrant)?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("identity", .object([("id", .string(id.rawId))]))]
        if let (token, grant) = token { members.append(("accessToken", accessToken(token, grant))) }
        return .object(members)
    }
}

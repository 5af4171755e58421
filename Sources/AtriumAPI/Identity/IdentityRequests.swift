import AtriumDomain
import Foundation

/// Reading the Identity operations' request bodies into token requests.
enum IdentityRequests {
    /// `{createTokenWithScopes?, expiresInMinutes?}` of a create; nil when no token was asked for.
    static func createToken(_ body: JSONValue) throws -> TokenRequest? {
        try JSONBody.requireOnly(["createTokenWithScopes", "expiresInMinutes"], in: body)
        let minutes = try expiresInMinutes(body)
        guard let scopes = try strings("createTokenWithScopes", in: body) else {
            if minutes != nil {
                throw APIError.badRequest(
                    "expiresInMinutes applies only together with createTokenWithScopes.", target: "expiresInMinutes")
            }
            return nil
        }
        return TokenRequest(scopes: scopes, expiresInMinutes: minutes, tokenId: UUID())
    }

    /// `{scopes, expiresInMinutes?}` of an issueAccessToken.
    static func issueToken(_ body: JSONValue) throws -> TokenRequest {
        try JSONBody.requireOnly(["scopes", "expiresInMinutes"], in: body)
        guard let scopes = try strings("scopes", in: body) else {
            throw APIError.badRequest("'scopes' is required.", target: "scopes")
        }
        return TokenRequest(scopes: scopes, expiresInMinutes: try expiresInMinutes(body), tokenId: UUID())
    }

    /// An array of strings; absent and null are nil.
    private static func strings(_ name: String, in body: JSONValue) throws -> [String]? {
        switch body[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { item in
                guard case .string(let text) = item else {
                    throw APIError.badRequest("'\(name)' must be an array of strings.", target: name)
                }
                return text
            }
        case let other?:
            throw APIError.badRequest("'\(name)' must be an array of strings, got \(other.typeName).", target: name)
        }
    }

    /// A whole number of minutes; absent and null are nil (the default lifetime). Range is the decider's rule.
    private static func expiresInMinutes(_ body: JSONValue) throws -> Int? {
        switch body["expiresInMinutes"] {
        case nil, .null?: return nil
        case .number(let value)?:
            guard value.rounded() == value else {
                throw APIError.badRequest("'expiresInMinutes' must be a whole number.", target: "expiresInMinutes")
            }
            // Beyond Int's range is out of the allowed range too: let the decider's rule say so.
            return Int(exactly: value) ?? (value < 0 ? Int.min : Int.max)
        case let other?:
            throw APIError.badRequest(
                "'expiresInMinutes' must be an integer, got \(other.typeName).", target: "expiresInMinutes")
        }
    }
}

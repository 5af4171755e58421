import AtriumAPI
import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

/// The Identity API over a real HTTP server on loopback and a real PostgreSQL, and user tokens
/// checked by `UserTokenAuthenticator` against the same database.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct IdentityHTTPTests {
    static let version = "api-version=2023-10-01"

    func withServer(
        _ body:
            @escaping @Sendable (any TestClientProtocol, UserTokenAuthenticator, PostgresClient) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in
            let store = EventStore(client: database, logger: TestDatabase.logger)
            let dependencies = AtriumAPIDependencies(
                store: store, authenticator: HMACAuthenticator(accessKey: RoomsHTTPTests.key)!)
            let router = AtriumRouter.build(dependencies)
            try await Application(router: router).test(.live) { client in
                try await body(client, UserTokenAuthenticator(dependencies), database)
            }
        }
    }

    static func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ target: String, body: String = ""
    ) async throws -> TestResponse {
        try await RoomsHTTPTests.send(client, method, target, body: body)
    }

    static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONParser.parse(Array(buffer: response.body))
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { text } else { nil }
    }

    /// The id as the SDKs put it in a path: `8%3Aacs%3A…`.
    static func encoded(_ rawId: String) -> String {
        rawId.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~")))!
    }

    static func createUser(_ client: any TestClientProtocol) async throws -> String {
        let response = try await send(client, .post, "/identities?\(version)")
        #expect(response.status == .created)
        return try #require(string(try json(response)["identity"]?["id"]))
    }

    static func issue(
        _ client: any TestClientProtocol, _ rawId: String, body: String = #"{"scopes": ["chat"]}"#
    ) async throws -> TestResponse {
        try await send(client, .post, "/identities/\(encoded(rawId))/:issueAccessToken?\(version)", body: body)
    }

    static func decodedPayload(_ token: String) throws -> JSONValue {
        let segment = String(token.split(separator: ".")[1])
        let padded = segment + String(repeating: "=", count: (4 - segment.count % 4) % 4)
        // The standard alphabet, as the Python SDK decodes it: no `-`/`_` may be needed.
        let data = try #require(Data(base64Encoded: padded))
        return try JSONParser.parse(Array(data))
    }

    @Test func createIssueAndAuthenticate() async throws {
        try await withServer { client, users, _ in
            // No body at all, as the SDK's create_user sends it.
            let plain = try await Self.createUser(client)
            #expect(plain.hasPrefix("8:acs:") && CommunicationIdentifier(rawId: plain)?.kind == .communicationUser)

            let before = Date()
            let created = try await Self.send(
                client, .post, "/identities?\(Self.version)",
                body: #"{"createTokenWithScopes": ["chat", "voip"], "expiresInMinutes": 60}"#)
            #expect(created.status == .created)
            let body = try Self.json(created)
            let rawId = try #require(Self.string(body["identity"]?["id"]))
            let token = try #require(Self.string(body["accessToken"]?["token"]))
            let expiresOn = try #require(Timestamp.parse(Self.string(body["accessToken"]?["expiresOn"]) ?? ""))
            #expect(abs(expiresOn.timeIntervalSince(before) - 3600) < 10)

            let user = try await users.authenticate("Bearer \(token)", now: Date())
            #expect(user == AuthenticatedUser(rawId: rawId, scopes: ["chat", "voip"]))

            let payload = try Self.decodedPayload(token)
            #expect(Self.string(payload["skypeid"]) == String(rawId.dropFirst(2)))
            #expect(Self.string(payload["acsScope"]) == "chat,voip")
            #expect(rawId.contains(Self.string(payload["resourceId"]) ?? "?"))
            guard case .number(let exp)? = payload["exp"], case .number(let iat)? = payload["iat"] else {
                Issue.record("exp and iat must be numbers: \(payload.serialized)")
                return
            }
            #expect(exp - iat == 3600 && exp == exp.rounded())

            // Issued by id, percent-encoded in the path as the SDK sends it; default lifetime 24 hours.
            let issued = try await Self.issue(
                client, rawId, body: #"{"scopes": ["voip.join"], "expiresInMinutes": null}"#)
            #expect(issued.status == .ok)
            let second = try #require(Self.string(try Self.json(issued)["token"]))
            let secondExpiry = try #require(Timestamp.parse(Self.string(try Self.json(issued)["expiresOn"]) ?? ""))
            #expect(abs(secondExpiry.timeIntervalSince(before) - 86_400) < 10)
            #expect(try await users.authenticate("Bearer \(second)", now: Date()).scopes == ["voip.join"])

            // Expiry is the caller's clock against exp.
            await #expect(throws: APIError.self) {
                _ = try await users.authenticate("Bearer \(token)", now: expiresOn.addingTimeInterval(1))
            }
        }
    }

    @Test func revokingStopsTokensAtOnceButNotLaterOnes() async throws {
        try await withServer { client, users, _ in
            let rawId = try await Self.createUser(client)
            let old = try #require(Self.string(try Self.json(try await Self.issue(client, rawId))["token"]))
            #expect(try await users.authenticate("Bearer \(old)", now: Date()).rawId == rawId)

            let revoked = try await Self.send(
                client, .post, "/identities/\(Self.encoded(rawId))/:revokeAccessTokens?\(Self.version)")
            #expect(revoked.status == .noContent)
            await Self.expectUnauthorized(users, old, "a revoked token")

            // A token issued right after (often within the same second) works.
            let fresh = try #require(Self.string(try Self.json(try await Self.issue(client, rawId))["token"]))
            #expect(try await users.authenticate("Bearer \(fresh)", now: Date()).rawId == rawId)

            let deleted = try await Self.send(client, .delete, "/identities/\(Self.encoded(rawId))?\(Self.version)")
            #expect(deleted.status == .noContent)
            await Self.expectUnauthorized(users, fresh, "a deleted identity's token")

            // Gone means gone: 404 for every operation, including a second delete.
            #expect(try await Self.issue(client, rawId).status == .notFound)
            #expect(
                try await Self.send(
                    client, .post, "/identities/\(Self.encoded(rawId))/:revokeAccessTokens?\(Self.version)"
                )
                .status == .notFound)
            #expect(
                try await Self.send(client, .delete, "/identities/\(Self.encoded(rawId))?\(Self.version)").status
                    == .notFound)
        }
    }

    @Test func theAuthenticatorRefusesAnythingElse() async throws {
        try await withServer { client, users, _ in
            let rawId = try await Self.createUser(client)
            let token = try #require(Self.string(try Self.json(try await Self.issue(client, rawId))["token"]))
            let parts = token.split(separator: ".").map(String.init)
            let otherKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
            let foreign = try await UserTokens(accessKeyBytes: Data(base64Encoded: otherKey)!).sign(
                AccessTokenGrant.validated(scopes: ["chat"], expiresInMinutes: nil, tokenId: UUID(), now: Date()),
                for: try CommunicationUserId(validating: rawId))
            let cases: [(String?, String)] = [
                (nil, "no header"),
                ("", "an empty header"),
                (token, "no scheme"),
                ("Basic \(token)", "another scheme"),
                ("Bearer", "no token"),
                ("Bearer not.a.jwt", "garbage"),
                ("Bearer \(parts[0]).\(parts[1]).AAAA", "a bad signature"),
                ("Bearer \(parts[0]).\(try Self.tampered(parts[1])).\(parts[2])", "a changed payload"),
                ("Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.\(parts[1]).", "alg none"),
                ("Bearer \(foreign)", "another server's key"),
            ]
            for (header, why) in cases {
                do {
                    _ = try await users.authenticate(header, now: Date())
                    Issue.record("accepted \(why)")
                } catch let error as APIError {
                    #expect(error.status == .unauthorized && error.code == "Unauthorized", "\(why)")
                }
            }
            #expect(try await users.authenticate("bearer  \(token)", now: Date()).rawId == rawId)
        }
    }

    @Test func badRequestsGetACSErrorsAndChangeNothing() async throws {
        try await withServer { client, _, database in
            let rawId = try await Self.createUser(client)
            let id = Self.encoded(rawId)
            let before = try await RoomsHTTPTests.eventCount(database)
            let unknown = Self.encoded("8:acs:00000000-0000-0000-0000-000000000000_nobody")
            let cases: [(HTTPRequest.Method, String, String, HTTPResponse.Status, String?)] = [
                (
                    .post, "/identities/\(id)/:issueAccessToken?\(Self.version)", #"{"scopes": ["admin"]}"#,
                    .badRequest, "scopes"
                ),
                (
                    .post, "/identities/\(id)/:issueAccessToken?\(Self.version)", #"{"scopes": []}"#, .badRequest,
                    "scopes"
                ),
                (.post, "/identities/\(id)/:issueAccessToken?\(Self.version)", "{}", .badRequest, "scopes"),
                (
                    .post, "/identities/\(id)/:issueAccessToken?\(Self.version)", #"{"scopes": "chat"}"#, .badRequest,
                    "scopes"
                ),
                (
                    .post, "/identities/\(id)/:issueAccessToken?\(Self.version)",
                    #"{"scopes": ["chat"], "expiresInMinutes": 59}"#, .badRequest, "expiresInMinutes"
                ),
                (
                    .post, "/identities/\(id)/:issueAccessToken?\(Self.version)",
                    #"{"scopes": ["chat"], "expiresInMinutes": 1441}"#, .badRequest, "expiresInMinutes"
                ),
                (
                    .post, "/identities/\(id)/:issueAccessToken?\(Self.version)",
                    #"{"scopes": ["chat"], "expiresInMinutes": 1e300}"#, .badRequest, "expiresInMinutes"
                ),
                (
                    .post, "/identities/\(id)/:issueAccessToken?\(Self.version)",
                    #"{"scopes": ["chat"], "expiresInMinutes": 90.5}"#, .badRequest, "expiresInMinutes"
                ),
                (
                    .post, "/identities?\(Self.version)",
                    #"{"createTokenWithScopes": ["chat"], "expiresInMinutes": 30}"#,
                    .badRequest, "expiresInMinutes"
                ),
                (.post, "/identities?\(Self.version)", #"{"createTokenWithScopes": ["nope"]}"#, .badRequest, "scopes"),
                (.post, "/identities?\(Self.version)", #"{"colour": "red"}"#, .badRequest, "colour"),
                (.post, "/identities?api-version=1999-01-01", "", .badRequest, "api-version"),
                (.post, "/identities", "", .badRequest, "api-version"),
                (
                    .post, "/identities/\(unknown)/:issueAccessToken?\(Self.version)", #"{"scopes": ["chat"]}"#,
                    .notFound, "id"
                ),
                (.post, "/identities/\(unknown)/:revokeAccessTokens?\(Self.version)", "", .notFound, "id"),
                (.delete, "/identities/\(unknown)?\(Self.version)", "", .notFound, "id"),
                (.delete, "/identities/not-an-id?\(Self.version)", "", .badRequest, "id"),
                (.post, "/identities/\(id)/:frobnicate?\(Self.version)", "", .notFound, nil),
            ]
            for (method, target, body, status, errorTarget) in cases {
                let response = try await Self.send(client, method, target, body: body)
                #expect(response.status == status, "\(method) \(target) \(body)")
                let error = try Self.json(response)["error"]
                let code = Self.string(error?["code"])
                #expect(code != nil && response.headers[HTTPField.Name("x-ms-error-code")!] == code, "\(target)")
                #expect(Self.string(error?["message"])?.isEmpty == false)
                if let errorTarget { #expect(Self.string(error?["target"]) == errorTarget, "\(target) \(body)") }
            }
            #expect(try await RoomsHTTPTests.eventCount(database) == before, "a refused request wrote to the log")
        }
    }

    @Test func repeatedRequestsTakeEffectOnce() async throws {
        try await withServer { client, _, database in
            var (headers, _) = RoomsHTTPTests.signed(.post, "/identities?\(Self.version)")
            headers[HTTPField.Name("Repeatability-Request-ID")!] = UUID().uuidString
            headers[HTTPField.Name("Repeatability-First-Sent")!] = HTTPDateFormatter.string(Date())
            let first = try await client.execute(uri: "/identities?\(Self.version)", method: .post, headers: headers)
            let before = try await RoomsHTTPTests.eventCount(database)
            let retry = try await client.execute(uri: "/identities?\(Self.version)", method: .post, headers: headers)
            #expect(first.status == .created && retry.status == .created)
            #expect(retry.headers[HTTPField.Name("Repeatability-Result")!] == "accepted")
            #expect(try Self.json(first) == Self.json(retry))
            #expect(try await RoomsHTTPTests.eventCount(database) == before)
        }
    }

    static func expectUnauthorized(_ users: UserTokenAuthenticator, _ token: String, _ why: String) async {
        do {
            _ = try await users.authenticate("Bearer \(token)", now: Date())
            Issue.record("accepted \(why)")
        } catch {
            #expect(error.status == .unauthorized, "\(why)")
        }
    }

    /// The payload segment with one claim changed, re-encoded: the signature no longer matches.
    static func tampered(_ segment: String) throws -> String {
        var text = String(
            decoding: try #require(
                Data(base64Encoded: segment + String(repeating: "=", count: (4 - segment.count % 4) % 4))),
            as: UTF8.self)
        text = text.replacingOccurrences(of: "\"acsScope\":\"chat\"", with: "\"acsScope\":\"chat,voip\"")
        return Data(text.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
}

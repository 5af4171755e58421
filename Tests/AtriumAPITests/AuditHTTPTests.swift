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

/// The audit API over a real HTTP server on loopback and a real PostgreSQL: paging, the moment
/// parameters, the errors, and what it never shows.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct AuditHTTPTests {
    static let version = "api-version=2025-06-01"

    static func withServer(
        _ body: @escaping @Sendable (any TestClientProtocol, EventStore) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in
            let store = EventStore(client: database, logger: TestDatabase.logger)
            let router = AtriumRouter.build(
                AtriumAPIDependencies(store: store, authenticator: HMACAuthenticator(accessKey: RoomsHTTPTests.key)!))
            try await Application(router: router).test(.live) { client in try await body(client, store) }
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

    static func number(_ value: JSONValue?) -> Int? {
        if case .number(let number)? = value { Int(number) } else { nil }
    }

    static func array(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let values)? = value { values } else { [] }
    }

    /// A time as a query parameter: its `+` percent-encoded.
    static func query(_ instant: Date) -> String {
        Timestamp.format(instant).replacingOccurrences(of: "+", with: "%2B")
    }

    static func createRoom(_ client: any TestClientProtocol, body: String = "{}") async throws -> String {
        let response = try await send(client, .post, "/rooms?api-version=2025-03-13", body: body)
        #expect(response.status == .created)
        return try #require(string(try json(response)["id"]))
    }

    /// Every entry of a stream's timeline, following `nextLink` from page to page.
    static func timeline(
        _ client: any TestClientProtocol, _ streamId: String, pageSize: Int = 1000
    ) async throws -> (entries: [JSONValue], pages: Int) {
        var entries: [JSONValue] = []
        var pages = 0
        var target: String? = "/audit/streams/\(streamId)/events?\(version)&maxpagesize=\(pageSize)"
        while let next = target {
            let response = try await send(client, .get, next)
            #expect(response.status == .ok, "\(next)")
            let body = try json(response)
            entries += array(body["value"])
            pages += 1
            target = string(body["nextLink"]).map { String($0.dropFirst("http://localhost".count)) }
        }
        return (entries, pages)
    }

    @Test func aStreamsEventsArePagedWithAnAbsoluteNextLinkAfterAVersion() async throws {
        try await Self.withServer { client, _ in
            let roomId = try await Self.createRoom(
                client,
                body: #"{"participants": {"8:acs:r_alice": {"role": "Presenter"}, "8:acs:r_bob": {}}}"#)
            let roster =
                #"{"participants": {"8:acs:r_carol": {"role": "Consumer"}, "8:acs:r_bob": {"role": "Collaborator"}, "8:acs:r_alice": null}}"#
            #expect(
                try await Self.send(
                    client, .patch, "/rooms/\(roomId)/participants?api-version=2025-03-13", body: roster
                )
                .status == .ok)
            #expect(
                try await Self.send(
                    client, .patch, "/rooms/\(roomId)?api-version=2025-03-13", body: #"{"pstnDialOutEnabled": true}"#
                ).status == .ok)

            let first = try await Self.send(
                client, .get, "/audit/streams/room-\(roomId)/events?\(Self.version)&maxpagesize=3")
            #expect(
                Self.string(try Self.json(first)["nextLink"])
                    == "http://localhost/audit/streams/room-\(roomId)/events?\(Self.version)&maxpagesize=3&after=3")

            let (entries, pages) = try await Self.timeline(client, "room-\(roomId)", pageSize: 3)
            #expect(pages == 3)
            #expect(entries.map { Self.number($0["version"]) } == (1...7).map { $0 })
            #expect(
                entries.map { Self.string($0["description"]) ?? "" }.dropFirst() == [
                    "added 8:acs:r_alice as Presenter", "added 8:acs:r_bob as Attendee",
                    "added 8:acs:r_carol as Consumer",
                    "changed 8:acs:r_bob from Attendee to Collaborator", "removed 8:acs:r_alice (was Presenter)",
                    "room updated: valid \(Self.string(entries[0]["data"]?["validFrom"]) ?? "") to "
                        + "\(Self.string(entries[0]["data"]?["validUntil"]) ?? ""), PSTN dial-out on",
                ])
            #expect(Self.string(entries[0]["description"])?.hasPrefix("room \(roomId) created, valid ") == true)
            #expect(
                entries.map { Self.string($0["command"]) ?? "" } == ["CreateRoom", "CreateRoom", "CreateRoom"]
                    + ["ChangeRoomRoster", "ChangeRoomRoster", "ChangeRoomRoster", "UpdateRoom"])
            for entry in entries {
                #expect(Self.string(entry["actor"]) == "application")
                #expect(Self.string(entry["streamId"]) == "room-\(roomId)")
                #expect(Self.number(entry["schemaVersion"]) == 1)
                #expect(Self.string(entry["requestId"]) != nil)
                #expect(entry["causationId"] == .null && entry["cause"] == .null)
            }
            // One request, one correlation: the three events of the roster change share theirs.
            let correlations = entries.map { Self.string($0["correlationId"]) ?? "" }
            #expect(Set(correlations[0...2]).count == 1 && Set(correlations[3...5]).count == 1)
            #expect(correlations[0] != correlations[3] && correlations[3] != correlations[6])

            // Past the end: an empty page, no link.
            let after = try Self.json(
                try await Self.send(client, .get, "/audit/streams/room-\(roomId)/events?\(Self.version)&after=7"))
            #expect(after["value"] == .array([]) && after["nextLink"] == nil)
        }
    }

    @Test func badRequestsGetACSErrors() async throws {
        try await Self.withServer { client, _ in
            let roomId = try await Self.createRoom(client)
            let state = "/audit/streams/room-\(roomId)/state?\(Self.version)"
            let cases: [(String, HTTPResponse.Status, String?)] = [
                ("/audit/streams/room-99999999999999999/events?\(Self.version)", .notFound, "streamId"),
                ("/audit/streams/room-99999999999999999/state?\(Self.version)", .notFound, "streamId"),
                ("/audit/streams/identity-8:acs:r_nobody/state?\(Self.version)", .notFound, "streamId"),
                ("/audit/streams/widget-1/events?\(Self.version)", .badRequest, "streamId"),
                ("/audit/streams/room-/events?\(Self.version)", .badRequest, "streamId"),
                ("\(state)&at=2026-01-01T00:00:00Z&version=1", .badRequest, "at"),
                ("\(state)&at=yesterday", .badRequest, "at"),
                ("\(state)&at=2026-13-01T00:00:00Z", .badRequest, "at"),
                ("\(state)&at=2026-01-01T00:00:00", .badRequest, "at"),
                ("\(state)&version=-1", .badRequest, "version"),
                ("\(state)&version=one", .badRequest, "version"),
                ("\(state)&version=2", .badRequest, "version"),
                ("/audit/streams/room-\(roomId)/state", .badRequest, "api-version"),
                ("/audit/streams/room-\(roomId)/state?api-version=2025-03-13", .badRequest, "api-version"),
                ("/audit/streams/room-\(roomId)/events?\(Self.version)&maxpagesize=0", .badRequest, "maxpagesize"),
                ("/audit/streams/room-\(roomId)/events?\(Self.version)&after=last", .badRequest, "after"),
            ]
            for (target, status, errorTarget) in cases {
                let response = try await Self.send(client, .get, target)
                #expect(response.status == status, "\(target)")
                let error = try Self.json(response)["error"]
                let code = Self.string(error?["code"])
                #expect(code != nil && response.headers[HTTPField.Name("x-ms-error-code")!] == code, "\(target)")
                #expect(Self.string(error?["target"]) == errorTarget, "\(target)")
            }
            let beyond = try Self.json(try await Self.send(client, .get, "\(state)&version=2"))
            #expect(
                Self.string(beyond["error"]?["message"])
                    == "room-\(roomId) has 1 events: the version must be between 0 and 1.")

            // Signed like every other operation.
            let anonymous = try await client.execute(uri: "\(state)", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func anIdentitysStateAsOfEachVersionWithItsIdEncodedOrNot() async throws {
        try await Self.withServer { client, _ in
            let created = try await Self.send(
                client, .post, "/identities?api-version=2023-10-01", body: #"{"createTokenWithScopes": ["chat"]}"#)
            let rawId = try #require(Self.string(try Self.json(created)["identity"]?["id"]))
            let encoded = IdentityHTTPTests.encoded(rawId)
            #expect(
                try await Self.send(
                    client, .post, "/identities/\(encoded)/:issueAccessToken?api-version=2023-10-01",
                    body: #"{"scopes": ["voip"], "expiresInMinutes": 60}"#
                ).status == .ok)
            #expect(
                try await Self.send(client, .post, "/identities/\(encoded)/:revokeAccessTokens?api-version=2023-10-01")
                    .status == .noContent)
            #expect(
                try await Self.send(client, .delete, "/identities/\(encoded)?api-version=2023-10-01").status
                    == .noContent)

            let (entries, _) = try await Self.timeline(client, "identity-\(encoded)")
            #expect(
                entries.map { Self.string($0["eventType"]) ?? "" } == [
                    "IdentityCreated", "AccessTokenIssued", "AccessTokenIssued", "AccessTokensRevoked",
                    "IdentityDeleted",
                ])
            #expect(Self.string(entries[0]["description"]) == "identity \(rawId) created")
            #expect(Self.string(entries[2]["description"])?.hasPrefix("access token ") == true)
            #expect(Self.string(entries[2]["description"])?.contains(" issued for voip, 60 minutes, until ") == true)

            func state(_ query: String, encoded useEncoding: Bool = true) async throws -> JSONValue {
                let id = useEncoding ? encoded : rawId
                let response = try await Self.send(
                    client, .get, "/audit/streams/identity-\(id)/state?\(Self.version)&\(query)")
                #expect(response.status == .ok, "\(query)")
                return try Self.json(response)
            }
            #expect(Self.string(try await state("version=0")["lifecycle"]) == "NotCreated")
            let afterCreation = try await state("version=2", encoded: false)
            #expect(Self.string(afterCreation["lifecycle"]) == "Active")
            #expect(Self.string(afterCreation["identity"]?["id"]) == rawId)
            #expect(Self.array(afterCreation["lastIssuedToken"]?["scopes"]) == [.string("chat")])
            #expect(afterCreation["tokensRevokedAt"] == .null)
            let reissued = try await state("version=3")
            #expect(Self.array(reissued["lastIssuedToken"]?["scopes"]) == [.string("voip")])
            #expect(
                Self.string(try await state("version=4")["tokensRevokedAt"])
                    == Self.string(entries[3]["data"]?["revokedAt"]))
            let latest = try await state("")
            #expect(Self.string(latest["lifecycle"]) == "Deleted" && Self.number(latest["version"]) == 5)
            #expect(Self.string(latest["recordedAt"]) == Self.string(entries[4]["recordedAt"]))
            // A time between two events gives the state after the earlier one.
            let third = try #require(Timestamp.parse(Self.string(entries[2]["recordedAt"]) ?? ""))
            #expect(Self.number(try await state("at=\(Self.query(third))")["version"]) == 3)
            #expect(
                Self.number(try await state("at=\(Self.query(third.addingTimeInterval(-0.000_001)))")["version"]) == 2)
        }
    }

    @Test func aSubscriptionsSigningSecretAndValidationCodesNeverShow() async throws {
        try await Self.withServer { client, _ in
            let secret = "whsec_" + Data(repeating: 42, count: 32).base64EncodedString()
            let put = try await Self.send(
                client, .put, "/eventSubscriptions/audited?\(Self.version)",
                body:
                    #"{"properties": {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": "http://127.0.0.1:9/events"}}, "signingSecret": "\#(secret)"}}"#
            )
            #expect(put.status == .created)
            let events = try await Self.send(client, .get, "/audit/streams/subscription-audited/events?\(Self.version)")
            let text = String(buffer: events.body)
            #expect(!text.contains(secret) && !text.contains(String(secret.dropFirst("whsec_".count))))
            let created = try #require(Self.array(try Self.json(events)["value"]).first)
            #expect(Self.string(created["data"]?["subscription"]?["signingSecret"]) == "(redacted)")
            #expect(Self.string(created["data"]?["validationCode"]) == "(redacted)")
            #expect(
                Self.string(created["description"])
                    == "subscription audited created: EventGridSchema to http://127.0.0.1:9/events, awaiting validation"
            )
            let state = try Self.json(
                try await Self.send(client, .get, "/audit/streams/subscription-audited/state?\(Self.version)"))
            #expect(Self.string(state["lifecycle"]) == "Active")
            #expect(state["subscription"]?["properties"]?["hasSigningSecret"] == .bool(true))
            #expect(!String(describing: state).contains(secret))
        }
    }

    @Test func theAPIDescriptionHasTheAuditOperations() async throws {
        try await Self.withServer { client, _ in
            let document = try Self.json(try await client.execute(uri: "/openapi.json", method: .get))
            for path in ["/audit/streams/{streamId}/events", "/audit/streams/{streamId}/state"] {
                #expect(document["paths"]?[path]?["get"]?["tags"] == .array(["Audit"]), "\(path)")
            }
        }
    }
}

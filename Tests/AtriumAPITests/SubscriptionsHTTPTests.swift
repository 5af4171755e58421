import AtriumAPI
import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import AtriumTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

/// The event subscriptions API over a real HTTP server on loopback and a real PostgreSQL.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct SubscriptionsHTTPTests {
    static let version = "api-version=2025-06-01"
    static let endpoint = "http://127.0.0.1:9/hooks"
    static let secret = "whsec_" + Data(repeating: 42, count: 32).base64EncodedString()

    func withServer(
        _ body: @escaping @Sendable (any TestClientProtocol, PostgresClient, SubscriptionReadModel) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in
            let store = EventStore(client: database, logger: TestDatabase.logger)
            let router = AtriumRouter.build(
                AtriumAPIDependencies(store: store, authenticator: HMACAuthenticator(accessKey: RoomsHTTPTests.key)!))
            let readModel = SubscriptionReadModel(client: database, logger: TestDatabase.logger)
            try await Application(router: router).test(.live) { client in try await body(client, database, readModel) }
        }
    }

    /// A signed request, with extra headers.
    static func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ target: String, body: String = "",
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var (headers, buffer) = RoomsHTTPTests.signed(method, target, body: body)
        headers.append(contentsOf: extra)
        return try await client.execute(uri: target, method: method, headers: headers, body: buffer)
    }

    static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONParser.parse(Array(buffer: response.body))
    }

    static func put(_ client: any TestClientProtocol, _ name: String, _ properties: String) async throws -> TestResponse
    {
        try await send(client, .put, "/eventSubscriptions/\(name)?\(version)", body: #"{"properties": \#(properties)}"#)
    }

    static func minimal(_ endpoint: String = endpoint) -> String {
        #"{"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": "\#(endpoint)"}}}"#
    }

    static func eventCount(_ database: PostgresClient) async throws -> Int64 {
        try await RoomsHTTPTests.eventCount(database)
    }

    static func awaitingCode(_ readModel: SubscriptionReadModel, _ name: String) async throws -> String? {
        guard case .awaiting(let code)? = try await readModel.get(name)?.validation else { return nil }
        return code
    }

    /// Objects with their keys sorted, so documents compare whatever order they were written in.
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.sorted { $0.key < $1.key }.map { ($0.key, canonical($0.value)) })
        case .array(let elements): .array(elements.map(canonical))
        default: value
        }
    }

    /// The parts of a response that a test fixes in advance (timestamps taken out).
    static func withoutTimes(_ value: JSONValue) -> JSONValue {
        guard case .object(var members) = value,
            let index = members.firstIndex(where: { $0.key == "properties" }),
            case .object(let properties) = members[index].value
        else { return value }
        members[index].value = .object(
            properties.filter { !["createdAt", "updatedAt", "validatedAt"].contains($0.key) })
        return canonical(.object(members))
    }

    @Test func createGetReplacePatchDelete() async throws {
        try await withServer { client, database, _ in
            let created = try await Self.put(client, "orders", Self.minimal())
            #expect(created.status == .created)
            let expected: JSONValue = [
                "name": "orders", "id": "/eventSubscriptions/orders", "type": "Microsoft.EventGrid/eventSubscriptions",
                "properties": [
                    "provisioningState": "AwaitingManualAction",
                    "destination": [
                        "endpointType": "WebHook",
                        "properties": [
                            "endpointUrl": .string(Self.endpoint), "maxEventsPerBatch": .number(1),
                            "preferredBatchSizeInKilobytes": .number(64),
                        ],
                    ],
                    "filter": [
                        "includedEventTypes": nil, "subjectBeginsWith": "", "subjectEndsWith": "",
                        "isSubjectCaseSensitive": false, "enableAdvancedFilteringOnArrays": true, "advancedFilters": [],
                    ],
                    "eventDeliverySchema": "EventGridSchema",
                    "retryPolicy": ["maxDeliveryAttempts": .number(30), "eventTimeToLiveInMinutes": .number(1440)],
                    "deadLetterEnabled": true, "hasSigningSecret": false, "startPosition": ["type": "Now"],
                ],
            ]
            let body = try Self.json(created)
            #expect(Self.withoutTimes(body) == Self.canonical(expected))
            #expect(body["properties"]?["validatedAt"] == .null)
            #expect(body["properties"]?["createdAt"] == body["properties"]?["updatedAt"])

            let fetched = try await Self.send(client, .get, "/eventSubscriptions/orders?\(Self.version)")
            #expect(fetched.status == .ok)
            #expect(try Self.canonical(Self.json(fetched)) == Self.canonical(body), "GET shows what PUT answered")

            // The same definition again: 200, nothing recorded.
            let events = try await Self.eventCount(database)
            let again = try await Self.put(client, "orders", Self.minimal())
            #expect(again.status == .ok)
            #expect(try Self.canonical(Self.json(again)) == Self.canonical(body))
            #expect(try await Self.eventCount(database) == events)

            // A replace: what it leaves out goes back to its default.
            let replaced = try await Self.put(
                client, "orders",
                #"{"destination": {"properties": {"endpointUrl": "\#(Self.endpoint)"}}, "retryPolicy": {"maxDeliveryAttempts": 3}}"#
            )
            #expect(replaced.status == .ok)
            #expect(
                try Self.json(replaced)["properties"]?["retryPolicy"] == [
                    "maxDeliveryAttempts": .number(3), "eventTimeToLiveInMinutes": .number(1440),
                ])
            let patched = try await Self.send(
                client, .patch, "/eventSubscriptions/orders?\(Self.version)",
                body:
                    #"{"properties": {"retryPolicy": {"eventTimeToLiveInMinutes": 60}, "filter": {"subjectBeginsWith": "call/"}}}"#
            )
            #expect(patched.status == .ok)
            let patchedBody = try Self.json(patched)
            #expect(
                patchedBody["properties"]?["retryPolicy"] == [
                    "maxDeliveryAttempts": .number(3), "eventTimeToLiveInMinutes": .number(60),
                ])
            #expect(patchedBody["properties"]?["filter"]?["subjectBeginsWith"] == "call/")
            #expect(patchedBody["properties"]?["createdAt"] == body["properties"]?["createdAt"])
            #expect(patchedBody["properties"]?["updatedAt"] != body["properties"]?["updatedAt"])
            let reread = try await Self.send(client, .get, "/eventSubscriptions/orders?\(Self.version)")
            #expect(
                try Self.canonical(Self.json(reread)) == Self.canonical(patchedBody),
                "the read model agrees with the aggregate")

            // null resets a property; an object set to null resets what is under it.
            let reset = try await Self.send(
                client, .patch, "/eventSubscriptions/orders?\(Self.version)",
                body: #"{"properties": {"retryPolicy": null, "filter": {"subjectBeginsWith": null}}}"#)
            #expect(
                try Self.json(reset)["properties"]?["retryPolicy"] == [
                    "maxDeliveryAttempts": .number(30), "eventTimeToLiveInMinutes": .number(1440),
                ])
            #expect(try Self.json(reset)["properties"]?["filter"]?["subjectBeginsWith"] == "")

            let deleted = try await Self.send(client, .delete, "/eventSubscriptions/orders?\(Self.version)")
            #expect(deleted.status == .noContent)
            #expect(try await Self.send(client, .get, "/eventSubscriptions/orders?\(Self.version)").status == .notFound)
            #expect(
                try await Self.send(client, .delete, "/eventSubscriptions/orders?\(Self.version)").status == .noContent)
            let patchGone = try await Self.send(
                client, .patch, "/eventSubscriptions/orders?\(Self.version)", body: #"{"properties": {}}"#)
            #expect(patchGone.status == .notFound)
            #expect(try Self.json(patchGone)["error"]?["message"] == "Event subscription 'orders' was not found.")
            // The name can be used again: a new subscription.
            #expect(try await Self.put(client, "orders", Self.minimal()).status == .created)
        }
    }

    @Test func namesAreCaseInsensitive() async throws {
        try await withServer { client, _, _ in
            let created = try await Self.put(client, "Orders-EU", Self.minimal())
            #expect(created.status == .created)
            #expect(try Self.json(created)["name"] == "orders-eu")
            #expect(try await Self.send(client, .get, "/eventSubscriptions/ORDERS-eu?\(Self.version)").status == .ok)
            #expect(try await Self.put(client, "orders-EU", Self.minimal()).status == .ok)
        }
    }

    @Test func everyPropertyIsStoredAndShown() async throws {
        try await withServer { client, database, readModel in
            let properties = """
                {"destination": {"endpointType": "WebHook", "properties": {"endpointUrl": "https://receiver.example/in?k=1",
                   "maxEventsPerBatch": 50, "preferredBatchSizeInKilobytes": 128}},
                 "filter": {"includedEventTypes": ["Microsoft.Communication.CallStarted", "Microsoft.Communication.CallEnded"],
                   "subjectBeginsWith": "call/", "subjectEndsWith": "", "isSubjectCaseSensitive": true,
                   "enableAdvancedFilteringOnArrays": true,
                   "advancedFilters": [
                     {"operatorType": "StringIn", "key": "data.room.id", "values": ["99551260353945127"]},
                     {"operatorType": "BoolEquals", "key": "data.isRoomsCall", "value": true},
                     {"operatorType": "NumberIn", "key": "data.callDurationInSeconds", "values": [1, 2.5]},
                     {"operatorType": "IsNullOrUndefined", "key": "data.endedBy"}]},
                 "eventDeliverySchema": "CloudEventSchemaV1_0",
                 "retryPolicy": {"maxDeliveryAttempts": 10, "eventTimeToLiveInMinutes": 120},
                 "deadLetterEnabled": false, "signingSecret": "\(Self.secret)",
                 "startPosition": {"type": "Time", "time": "2026-01-01T00:00:00Z"}}
                """
            let created = try await Self.put(client, "everything", properties)
            #expect(created.status == .created)
            let body = try Self.json(created)
            let filters: JSONValue = [
                ["operatorType": "StringIn", "key": "data.room.id", "values": ["99551260353945127"]],
                ["operatorType": "BoolEquals", "key": "data.isRoomsCall", "value": true],
                [
                    "operatorType": "NumberIn", "key": "data.callDurationInSeconds",
                    "values": [.number(1), .number(2.5)],
                ],
                ["operatorType": "IsNullOrUndefined", "key": "data.endedBy"],
            ]
            #expect(Self.canonical(body["properties"]?["filter"]?["advancedFilters"] ?? nil) == Self.canonical(filters))
            #expect(body["properties"]?["eventDeliverySchema"] == "CloudEventSchemaV1_0")
            #expect(
                body["properties"]?["startPosition"] == ["type": "Time", "time": "2026-01-01T00:00:00.0000000+00:00"])
            #expect(body["properties"]?["hasSigningSecret"] == true)
            #expect(
                !Array(buffer: created.body).containsSubsequence(Array(Self.secret.utf8)), "the secret is write-only")

            // The read model holds the whole definition, secret included, for the delivery workers.
            let row = try #require(try await readModel.get("everything"))
            #expect(row.subscription.signingSecret == Self.secret)
            #expect(row.subscription.schema == .cloudEvents && !row.subscription.deadLetterEnabled)
            #expect(row.subscription.batching == Batching(maxEventsPerBatch: 50, preferredBatchSizeInKilobytes: 128))
            #expect(row.subscription.filter.advancedFilters[1].values == [true])
            // Numbers come back from jsonb as numbers (1 is not read as true).
            #expect(row.subscription.filter.advancedFilters[2].values == [.number(1), .number(2.5)])
            #expect(row.subscription.filter.advancedFilters[3].values.isEmpty)
            #expect(row.subscription.startPosition == .time(Timestamp.parse("2026-01-01T00:00:00Z")!))
            // Where it was created in the log: the position of its SubscriptionCreated event.
            let position = try await database.query(
                """
                SELECT transaction_id::text::bigint, global_position FROM events
                 WHERE stream_id = 'subscription-everything' AND event_type = 'SubscriptionCreated'
                """, logger: TestDatabase.logger
            ).decode((Int64, Int64).self).first { _ in true }
            #expect(position.map { LogPosition(transactionId: $0.0, globalPosition: $0.1) } == row.createdPosition)
            #expect(row.version == 1)
        }
    }

    @Test func theSigningSecretIsWriteOnlyAndKeptByAReplace() async throws {
        try await withServer { client, _, readModel in
            let withSecret = try await Self.put(
                client, "signed",
                #"{"destination": {"properties": {"endpointUrl": "\#(Self.endpoint)"}}, "signingSecret": "\#(Self.secret)"}"#
            )
            #expect(try Self.json(withSecret)["properties"]?["hasSigningSecret"] == true)
            // A GET's body sent back (read-only properties and all) keeps the secret it cannot show.
            let fetched = try await Self.send(client, .get, "/eventSubscriptions/signed?\(Self.version)")
            let roundTrip = try await Self.send(
                client, .put, "/eventSubscriptions/signed?\(Self.version)", body: try Self.json(fetched).serialized)
            #expect(roundTrip.status == .ok)
            #expect(try await readModel.get("signed")?.subscription.signingSecret == Self.secret)
            let removed = try await Self.send(
                client, .patch, "/eventSubscriptions/signed?\(Self.version)",
                body: #"{"properties": {"signingSecret": null}}"#)
            #expect(try Self.json(removed)["properties"]?["hasSigningSecret"] == false)
            #expect(try await readModel.get("signed")?.subscription.signingSecret == nil)
        }
    }

    @Test func theValidationURLIsPublicAndItsCodeIsTheCredential() async throws {
        try await withServer { client, database, readModel in
            _ = try await Self.put(client, "hooks", Self.minimal())
            let code = try #require(try await Self.awaitingCode(readModel, "hooks"))

            let wrong = try await client.execute(uri: "/eventSubscriptions/hooks/validate?code=guess", method: .get)
            #expect(wrong.status == .notFound)
            #expect(try Self.json(wrong)["error"]?["code"] == "NotFound")
            #expect(wrong.headers[HTTPField.Name("x-ms-error-code")!] == "NotFound")
            let unknown = try await client.execute(
                uri: "/eventSubscriptions/nobody/validate?code=\(code)", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try Self.json(unknown) == Self.json(wrong), "a wrong code and a missing subscription look alike")
            let malformed = try await client.execute(uri: "/eventSubscriptions/n_o/validate?code=\(code)", method: .get)
            #expect(malformed.status == .notFound)
            let noCode = try await client.execute(uri: "/eventSubscriptions/hooks/validate", method: .get)
            #expect(noCode.status == .badRequest)

            // Only the GET of that one path is public.
            for (method, uri) in [
                (HTTPRequest.Method.post, "/eventSubscriptions/hooks/validate?code=\(code)"),
                (.get, "/eventSubscriptions/hooks?\(Self.version)"), (.get, "/eventSubscriptions?\(Self.version)"),
                (.delete, "/eventSubscriptions/hooks?\(Self.version)"),
                (.get, "/eventSubscriptions/hooks/validate/more?code=\(code)"),
            ] {
                #expect(try await client.execute(uri: uri, method: method).status == .unauthorized, "\(method) \(uri)")
            }

            let before = try await Self.eventCount(database)
            let validated = try await client.execute(
                uri: "/eventSubscriptions/hooks/validate?code=\(code)", method: .get)
            #expect(validated.status == .ok)
            #expect(try Self.json(validated)["provisioningState"] == "Succeeded")
            #expect(try await Self.eventCount(database) == before + 1)
            let metadata = try await database.query(
                "SELECT metadata->>'actor' FROM events WHERE event_type = 'SubscriptionValidated'",
                logger: TestDatabase.logger
            ).decode(String.self).first { _ in true }
            #expect(metadata == "subscriber:validationUrl")
            // Followed again: still 200, nothing more recorded.
            let again = try await client.execute(uri: "/eventSubscriptions/hooks/validate?code=\(code)", method: .get)
            #expect(again.status == .ok)
            #expect(try await Self.eventCount(database) == before + 1)

            let shown = try Self.json(try await Self.send(client, .get, "/eventSubscriptions/hooks?\(Self.version)"))
            #expect(shown["properties"]?["provisioningState"] == "Succeeded")
            guard case .string? = shown["properties"]?["validatedAt"] else {
                Issue.record("no validatedAt once validated")
                return
            }
            guard case .validated(_, let method)? = try await readModel.get("hooks")?.validation else {
                Issue.record("the read model does not show the validation")
                return
            }
            #expect(method == "validationUrl")

            // A new endpoint needs a new handshake: the old code no longer works, the new one does.
            let moved = try await Self.send(
                client, .patch, "/eventSubscriptions/hooks?\(Self.version)",
                body: #"{"properties": {"destination": {"properties": {"endpointUrl": "http://127.0.0.1:10/other"}}}}"#)
            #expect(try Self.json(moved)["properties"]?["provisioningState"] == "AwaitingManualAction")
            #expect(try Self.json(moved)["properties"]?["validatedAt"] == .null)
            let newCode = try #require(try await Self.awaitingCode(readModel, "hooks"))
            #expect(newCode != code)
            let stale = try await client.execute(uri: "/eventSubscriptions/hooks/validate?code=\(code)", method: .get)
            #expect(stale.status == .notFound)
            #expect(
                try await client.execute(uri: "/eventSubscriptions/hooks/validate?code=\(newCode)", method: .get).status
                    == .ok)
            // Another change keeps the validation.
            let other = try await Self.send(
                client, .patch, "/eventSubscriptions/hooks?\(Self.version)",
                body: #"{"properties": {"deadLetterEnabled": false}}"#)
            #expect(try Self.json(other)["properties"]?["provisioningState"] == "Succeeded")
        }
    }

    @Test func theHandshakeValidatesThroughSubscriptionCommands() async throws {
        try await TestDatabase.with { database in
            let store = EventStore(client: database, logger: TestDatabase.logger)
            let commands = SubscriptionCommands(store: store)
            let readModel = SubscriptionReadModel(client: database, logger: TestDatabase.logger)
            let router = AtriumRouter.build(
                AtriumAPIDependencies(store: store, authenticator: HMACAuthenticator(accessKey: RoomsHTTPTests.key)!))
            try await Application(router: router).test(.live) { client in
                _ = try await Self.put(client, "echo", Self.minimal())
            }
            let code = try #require(try await Self.awaitingCode(readModel, "echo"))
            await #expect(throws: SubscriptionDecider.noHandshake) {
                try await commands.validate(name: "echo", code: "nope", method: "validationResponse")
            }
            await #expect(throws: SubscriptionDecider.noHandshake) {
                try await commands.validate(name: "x", code: code, method: "validationResponse")
            }
            #expect(try await commands.validate(name: "ECHO", code: code, method: "validationResponse"))
            #expect(try await commands.validate(name: "echo", code: code, method: "validationResponse") == false)
            let rows = try await readModel.all()
            #expect(rows.map(\.name) == ["echo"])
            #expect(rows.first?.isValidated == true)
            let actor = try await database.query(
                "SELECT metadata->>'actor' FROM events WHERE event_type = 'SubscriptionValidated'",
                logger: TestDatabase.logger
            ).decode(String.self).first { _ in true }
            #expect(actor == SubscriptionCommands.handshakeActor)
            #expect(
                SubscriptionValidationURL.make(baseURL: "http://127.0.0.1:8080/", name: "echo", code: "a b+c")
                    == "http://127.0.0.1:8080/eventSubscriptions/echo/validate?code=a%20b%2Bc")
        }
    }

    @Test func retriedRequestsTakeEffectOnce() async throws {
        try await withServer { client, database, _ in
            var headers = HTTPFields()
            headers[HTTPField.Name("Repeatability-Request-ID")!] = UUID().uuidString
            headers[HTTPField.Name("Repeatability-First-Sent")!] = HTTPDateFormatter.string(Date())
            let target = "/eventSubscriptions/retried?\(Self.version)"
            let body = #"{"properties": \#(Self.minimal())}"#
            let first = try await Self.send(client, .put, target, body: body, headers: headers)
            #expect(first.status == .created)
            #expect(first.headers[HTTPField.Name("Repeatability-Result")!] == "accepted")
            let events = try await Self.eventCount(database)
            let retry = try await Self.send(client, .put, target, body: body, headers: headers)
            #expect(retry.status == .created, "the retry gets the first answer")
            #expect(retry.headers[HTTPField.Name("Repeatability-Result")!] == "accepted")
            #expect(Array(buffer: retry.body) == Array(buffer: first.body))
            #expect(try await Self.eventCount(database) == events)
        }
    }

    @Test func listingPagesInCreationOrder() async throws {
        try await withServer { client, _, readModel in
            let names = ["sub-e", "sub-a", "sub-d", "sub-b", "sub-c"]
            for name in names { _ = try await Self.put(client, name, Self.minimal()) }
            var listed: [String] = []
            var target: String? = "/eventSubscriptions?\(Self.version)&maxpagesize=2"
            var pages = 0
            while let next = target {
                let page = try await Self.send(client, .get, next)
                #expect(page.status == .ok)
                let body = try Self.json(page)
                if case .array(let items)? = body["value"] {
                    listed += items.compactMap { if case .string(let name)? = $0["name"] { name } else { nil } }
                }
                pages += 1
                if case .string(let link)? = body["nextLink"] {
                    #expect(link.hasPrefix("http://localhost/eventSubscriptions?api-version=2025-06-01&"))
                    target = String(link.dropFirst("http://localhost".count))
                } else {
                    target = nil
                }
            }
            #expect(pages == 3)
            #expect(listed == names)
            let all = try await readModel.all()
            #expect(all.map(\.name) == names)
            #expect(all.map(\.createdPosition) == all.map(\.createdPosition).sorted())
            #expect(all.allSatisfy { !$0.isValidated })
        }
    }

    @Test func theAPIDescriptionHasTheOperations() async throws {
        try await withServer { client, _, _ in
            let document = try Self.json(try await client.execute(uri: "/openapi.json", method: .get))
            for path in ["/eventSubscriptions", "/eventSubscriptions/{name}", "/eventSubscriptions/{name}/validate"] {
                #expect(document["paths"]?[path] != nil, "\(path)")
            }
            #expect(document["paths"]?["/eventSubscriptions/{name}/validate"]?["get"]?["security"] == [])
        }
    }

    @Test func malformedRequestsGetACSErrorsAndWriteNothing() async throws {
        try await withServer { client, database, _ in
            _ = try await Self.put(client, "existing", Self.minimal())
            let before = try await Self.eventCount(database)
            let v = Self.version
            func put(_ properties: String) -> (HTTPRequest.Method, String, String) {
                (.put, "/eventSubscriptions/fresh?\(v)", #"{"properties": \#(properties)}"#)
            }
            func endpoint(_ extra: String) -> String {
                #"{"destination": {"properties": {"endpointUrl": "\#(Self.endpoint)"}}, \#(extra)}"#
            }
            let cases: [((HTTPRequest.Method, String, String), HTTPResponse.Status, String?)] = [
                ((.put, "/eventSubscriptions/fresh?\(v)", "{not json"), .badRequest, nil),
                ((.put, "/eventSubscriptions/fresh?\(v)", "[]"), .badRequest, nil),
                ((.put, "/eventSubscriptions/fresh?api-version=2023-06-14", "{}"), .badRequest, "api-version"),
                ((.put, "/eventSubscriptions/fresh", "{}"), .badRequest, "api-version"),
                ((.get, "/eventSubscriptions?api-version=2099-01-01", ""), .badRequest, "api-version"),
                ((.put, "/eventSubscriptions/no?\(v)", #"{"properties": \#(Self.minimal())}"#), .badRequest, "name"),
                ((.put, "/eventSubscriptions/under_score?\(v)", "{}"), .badRequest, "name"),
                ((.get, "/eventSubscriptions/\(String(repeating: "a", count: 65))?\(v)", ""), .badRequest, "name"),
                ((.put, "/eventSubscriptions/fresh?\(v)", #"{"colour": "red"}"#), .badRequest, "colour"),
                ((.put, "/eventSubscriptions/fresh?\(v)", #"{"properties": []}"#), .badRequest, "properties"),
                (put("{}"), .badRequest, "destination.properties.endpointUrl"),
                (put(#"{"destination": {"properties": {}}}"#), .badRequest, "destination.properties.endpointUrl"),
                (
                    put(#"{"destination": {"properties": {"endpointUrl": 5}}}"#), .badRequest,
                    "destination.properties.endpointUrl"
                ),
                (
                    put(#"{"destination": {"properties": {"endpointUrl": "ftp://x/y"}}}"#), .badRequest,
                    "destination.properties.endpointUrl"
                ),
                (
                    put(#"{"destination": {"properties": {"endpointUrl": "/relative"}}}"#), .badRequest,
                    "destination.properties.endpointUrl"
                ),
                (
                    put(#"{"destination": {"endpointType": "EventHub", "properties": {"endpointUrl": "http://a/b"}}}"#),
                    .badRequest, "destination.endpointType"
                ),
                (
                    put(#"{"destination": {"properties": {"endpointUrl": "http://a/b", "secret": 1}}}"#), .badRequest,
                    "destination.properties.secret"
                ),
                (put(#"{"destination": "http://a/b"}"#), .badRequest, "destination"),
                (put(endpoint(#""colour": "red""#)), .badRequest, "colour"),
                (put(endpoint(#""eventDeliverySchema": "CustomInputSchema""#)), .badRequest, "eventDeliverySchema"),
                (put(endpoint(#""eventDeliverySchema": 1"#)), .badRequest, "eventDeliverySchema"),
                (
                    put(endpoint(#""retryPolicy": {"maxDeliveryAttempts": 0}"#)), .badRequest,
                    "retryPolicy.maxDeliveryAttempts"
                ),
                (
                    put(endpoint(#""retryPolicy": {"maxDeliveryAttempts": 31}"#)), .badRequest,
                    "retryPolicy.maxDeliveryAttempts"
                ),
                (
                    put(endpoint(#""retryPolicy": {"maxDeliveryAttempts": 2.5}"#)), .badRequest,
                    "retryPolicy.maxDeliveryAttempts"
                ),
                (
                    put(endpoint(#""retryPolicy": {"maxDeliveryAttempts": "3"}"#)), .badRequest,
                    "retryPolicy.maxDeliveryAttempts"
                ),
                (
                    put(endpoint(#""retryPolicy": {"eventTimeToLiveInMinutes": 1441}"#)), .badRequest,
                    "retryPolicy.eventTimeToLiveInMinutes"
                ),
                (put(endpoint(#""retryPolicy": {"deadLetter": true}"#)), .badRequest, "retryPolicy.deadLetter"),
                (
                    put(#"{"destination": {"properties": {"endpointUrl": "http://a/b", "maxEventsPerBatch": 5001}}}"#),
                    .badRequest, "destination.properties.maxEventsPerBatch"
                ),
                (
                    put(
                        #"{"destination": {"properties": {"endpointUrl": "http://a/b", "preferredBatchSizeInKilobytes": 0}}}"#
                    ),
                    .badRequest, "destination.properties.preferredBatchSizeInKilobytes"
                ),
                (put(endpoint(#""deadLetterEnabled": "yes""#)), .badRequest, "deadLetterEnabled"),
                (put(endpoint(#""signingSecret": "hunter2""#)), .badRequest, "signingSecret"),
                (put(endpoint(#""signingSecret": "whsec_AAAA""#)), .badRequest, "signingSecret"),
                (put(endpoint(#""startPosition": "Beginning""#)), .badRequest, "startPosition"),
                (put(endpoint(#""startPosition": {"type": "Later"}"#)), .badRequest, "startPosition.type"),
                (put(endpoint(#""startPosition": {"type": "Time"}"#)), .badRequest, "startPosition.time"),
                (
                    put(endpoint(#""startPosition": {"type": "Time", "time": "yesterday"}"#)), .badRequest,
                    "startPosition.time"
                ),
                (
                    put(endpoint(#""startPosition": {"type": "Time", "time": "2999-01-01T00:00:00Z"}"#)), .badRequest,
                    "startPosition.time"
                ),
                (
                    put(endpoint(#""filter": {"includedEventTypes": "Microsoft.Communication.CallStarted"}"#)),
                    .badRequest, "filter.includedEventTypes"
                ),
                (
                    put(endpoint(#""filter": {"includedEventTypes": ["ok", 3]}"#)), .badRequest,
                    "filter.includedEventTypes[1]"
                ),
                (
                    put(endpoint(#""filter": {"includedEventTypes": [""]}"#)), .badRequest,
                    "filter.includedEventTypes[0]"
                ),
                (
                    put(endpoint(#""filter": {"isSubjectCaseSensitive": "no"}"#)), .badRequest,
                    "filter.isSubjectCaseSensitive"
                ),
                (
                    put(endpoint(#""filter": {"enableAdvancedFilteringOnArrays": false}"#)), .badRequest,
                    "filter.enableAdvancedFilteringOnArrays"
                ),
                (put(endpoint(#""filter": {"advancedFilters": {}}"#)), .badRequest, "filter.advancedFilters"),
                (
                    put(endpoint(#""filter": {"advancedFilters": [{"key": "data.x", "values": ["a"]}]}"#)), .badRequest,
                    "filter.advancedFilters[0].operatorType"
                ),
                (
                    put(endpoint(#""filter": {"advancedFilters": [{"operatorType": "StringIn", "values": ["a"]}]}"#)),
                    .badRequest, "filter.advancedFilters[0].key"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "NumberLessThan", "key": "data.x", "value": 5}]}"#
                        )), .badRequest, "filter.advancedFilters[0].value"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "NumberGreaterThan", "key": "data.x", "values": [5]}]}"#
                        )), .badRequest, "filter.advancedFilters[0].operatorType"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "topic", "values": ["a"]}]}"#
                        )), .badRequest, "filter.advancedFilters[0].key"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.x", "values": [1]}]}"#
                        )), .badRequest, "filter.advancedFilters[0].values"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.x", "values": "a"}]}"#
                        )), .badRequest, "filter.advancedFilters[0].values"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "NumberIn", "key": "data.x", "values": ["1"]}]}"#
                        )), .badRequest, "filter.advancedFilters[0].values"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "BoolEquals", "key": "data.x", "value": "true"}]}"#
                        )), .badRequest, "filter.advancedFilters[0].value"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "BoolEquals", "key": "data.x", "value": true, "values": [true]}]}"#
                        )), .badRequest, "filter.advancedFilters[0].value"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "IsNullOrUndefined", "key": "data.x", "values": ["a"]}]}"#
                        )), .badRequest, "filter.advancedFilters[0].values"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [{"operatorType": "StringIn", "key": "data.x", "values": ["a"], "extra": 1}]}"#
                        )), .badRequest, "filter.advancedFilters[0].extra"
                ),
                (
                    put(
                        endpoint(
                            #""filter": {"advancedFilters": [\#(Array(repeating: #"{"operatorType": "StringIn", "key": "data.x", "values": ["a"]}"#, count: 26).joined(separator: ","))]}"#
                        )),
                    .badRequest, "filter.advancedFilters"
                ),
                (
                    (
                        .patch, "/eventSubscriptions/existing?\(v)",
                        #"{"properties": {"retryPolicy": {"maxDeliveryAttempts": 99}}}"#
                    ), .badRequest, "retryPolicy.maxDeliveryAttempts"
                ),
                (
                    (.patch, "/eventSubscriptions/existing?\(v)", #"{"properties": {"destination": null}}"#),
                    .badRequest, "destination.properties.endpointUrl"
                ),
                (
                    (
                        .patch, "/eventSubscriptions/existing?\(v)",
                        #"{"properties": {"startPosition": {"type": "Beginning"}}}"#
                    ), .badRequest, "startPosition"
                ),
                ((.patch, "/eventSubscriptions/missing?\(v)", #"{"properties": {}}"#), .notFound, "name"),
                ((.get, "/eventSubscriptions/missing?\(v)", ""), .notFound, "name"),
                ((.get, "/eventSubscriptions?\(v)&maxpagesize=0", ""), .badRequest, "maxpagesize"),
            ]
            for ((method, target, body), status, errorTarget) in cases {
                let response = try await Self.send(client, method, target, body: body)
                #expect(response.status == status, "\(method) \(target) \(body.prefix(120))")
                let error = try? Self.json(response)["error"]
                guard case .string(let code)? = error?["code"], case .string(let message)? = error?["message"] else {
                    Issue.record("no ACS error body for \(method) \(target) \(body.prefix(120))")
                    continue
                }
                #expect(response.headers[HTTPField.Name("x-ms-error-code")!] == code)
                #expect(!message.isEmpty && !message.contains("PSQL") && !message.contains("Swift"))
                if let errorTarget {
                    #expect(error?["target"] == .string(errorTarget), "\(message)")
                }
            }
            #expect(try await Self.eventCount(database) == before, "a refused request wrote to the log")
        }
    }
}

extension Array where Element: Equatable {
    fileprivate func containsSubsequence(_ other: [Element]) -> Bool {
        guard !other.isEmpty, other.count <= count else { return other.isEmpty }
        return (0...(count - other.count)).contains { Array(self[$0..<$0 + other.count]) == other }
    }
}

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

/// Call Automation over a real HTTP server on loopback and a real PostgreSQL: the answers' shapes,
/// and that refused or malformed requests change nothing.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct CallAutomationHTTPTests {
    static let version = "api-version=2026-03-12"

    func withServer(
        _ body: @escaping @Sendable (any TestClientProtocol, PostgresClient) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in
            let store = EventStore(client: database, logger: TestDatabase.logger)
            let router = AtriumRouter.build(
                AtriumAPIDependencies(store: store, authenticator: HMACAuthenticator(accessKey: RoomsHTTPTests.key)!))
            try await Application(router: router).test(.live) { client in try await body(client, database) }
        }
    }

    static func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ target: String, body: String = ""
    ) async throws -> TestResponse {
        let (headers, buffer) = RoomsHTTPTests.signed(method, target, body: body)
        return try await client.execute(uri: target, method: method, headers: headers, body: buffer)
    }

    static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONParser.parse(Array(buffer: response.body))
    }

    /// A room (PSTN dial-out as asked) and a connection to its call; the connection's id.
    static func connected(_ client: any TestClientProtocol, pstn: Bool) async throws -> (
        room: String, connection: String
    ) {
        let created = try await send(
            client, .post, "/rooms?api-version=2025-03-13", body: #"{"pstnDialOutEnabled": \#(pstn)}"#)
        guard case .string(let room)? = try json(created)["id"] else { throw CancellationError() }
        let connect = try await send(
            client, .post, "/calling/callConnections:connect?\(version)",
            body:
                #"{"callLocator": {"roomId": "\#(room)", "kind": "roomCallLocator"}, "callbackUri": "http://127.0.0.1:9/cb"}"#
        )
        #expect(connect.status == .ok)
        guard case .string(let connection)? = try json(connect)["callConnectionId"] else { throw CancellationError() }
        return (room, connection)
    }

    @Test func connectAnswersTheCallConnectionsPropertiesAndStartsTheRoomsCall() async throws {
        try await withServer { client, database in
            let (room, connection) = try await Self.connected(client, pstn: true)
            let got = try await Self.send(client, .get, "/calling/callConnections/\(connection)?\(Self.version)")
            #expect(got.status == .ok)
            let properties = try Self.json(got)
            #expect(properties["callConnectionState"] == "connected")
            #expect(properties["callbackUri"] == "http://127.0.0.1:9/cb")
            #expect(properties["targets"] == .array([]))
            guard case .string(let callId)? = properties["serverCallId"] else {
                Issue.record("no serverCallId in \(properties)")
                return
            }
            let rows = try await database.query(
                "SELECT room_id, started_by FROM calls WHERE call_id = \(callId)", logger: TestDatabase.logger)
            for try await (roomId, startedBy) in rows.decode((String, String).self) {
                #expect(roomId == room)
                #expect(startedBy.hasSuffix("_callautomation"))
            }
            let participants = try await Self.send(
                client, .get, "/calling/callConnections/\(connection)/participants?\(Self.version)")
            #expect(try Self.json(participants) == ["value": .array([])])
        }
    }

    @Test func addingAPhoneToARoomWithoutDialOutIsForbiddenAndWritesNothing() async throws {
        try await withServer { client, database in
            let (_, connection) = try await Self.connected(client, pstn: false)
            let before = try await RoomsHTTPTests.eventCount(database)
            let refused = try await Self.send(
                client, .post, "/calling/callConnections/\(connection)/participants:add?\(Self.version)",
                body:
                    #"{"participantToAdd": {"rawId": "4:+14255550100", "phoneNumber": {"value": "+14255550100"}}, "sourceCallerIdNumber": {"value": "+18005550100"}}"#
            )
            #expect(refused.status == .forbidden)
            #expect(refused.headers[HTTPField.Name("x-ms-error-code")!] == "Forbidden")
            #expect(try Self.json(refused)["error"]?["target"] == "pstnDialOutEnabled")
            #expect(try await RoomsHTTPTests.eventCount(database) == before)
        }
    }

    @Test func badRequestsGetACSErrorsAndChangeNothing() async throws {
        try await withServer { client, database in
            let (_, connection) = try await Self.connected(client, pstn: true)
            let before = try await RoomsHTTPTests.eventCount(database)
            let base = "/calling/callConnections/\(connection)"
            let cases: [(HTTPRequest.Method, String, String, HTTPResponse.Status, String)] = [
                (.post, "\(base):play?\(Self.version)", "{not json", .badRequest, "BadRequest"),
                (.post, "\(base):play?\(Self.version)", #"{"playSources": []}"#, .badRequest, "BadRequest"),
                (
                    .post, "\(base):play?\(Self.version)", #"{"playSources": [{"kind": "ssml", "ssml": {}}]}"#,
                    .badRequest, "BadRequest"
                ),
                (
                    .post, "\(base):recognize?\(Self.version)",
                    #"{"recognizeInputType": "speech", "recognizeOptions": {}}"#, .badRequest, "BadRequest"
                ),
                (
                    .post, "\(base)/participants:add?\(Self.version)", #"{"participantToAdd": {"rawId": "nobody"}}"#,
                    .badRequest, "BadRequest"
                ),
                (
                    .post, "\(base)/participants:mute?\(Self.version)", #"{"targetParticipants": []}"#, .badRequest,
                    "BadRequest"
                ),
                (
                    .post, "\(base)/participants:remove?\(Self.version)",
                    #"{"participantToRemove": {"rawId": "4:+14255550100", "phoneNumber": {"value": "+14255550100"}}}"#,
                    .notFound, "NotFound"
                ),
                (
                    .post, "\(base):sendDtmfTones?\(Self.version)",
                    #"{"tones": ["eleven"], "targetParticipant": {"rawId": "4:+1425"}}"#, .badRequest, "BadRequest"
                ),
                (.post, "\(base):dance?\(Self.version)", "{}", .notFound, "NotFound"),
                (.get, "/calling/callConnections/unknown?\(Self.version)", "", .notFound, "NotFound"),
                (.get, "\(base)?api-version=1999-01-01", "", .badRequest, "UnsupportedApiVersion"),
                (
                    .post, "/calling/recordings?\(Self.version)",
                    #"{"callLocator": {"kind": "groupCallLocator", "groupCallId": "x"}}"#, .badRequest, "BadRequest"
                ),
                (.get, "/calling/recordings/unknown?\(Self.version)", "", .notFound, "NotFound"),
            ]
            for (method, target, body, status, code) in cases {
                let response = try await Self.send(client, method, target, body: body)
                #expect(response.status == status, "\(method) \(target) \(body)")
                #expect(response.headers[HTTPField.Name("x-ms-error-code")!] == code, "\(method) \(target) \(body)")
                let text = String(buffer: response.body).lowercased()
                #expect(!text.contains("postgres") && !text.contains("swift"), "\(text)")
            }
            #expect(try await RoomsHTTPTests.eventCount(database) == before)
        }
    }
}

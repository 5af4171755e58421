import AtriumAPI
import AtriumDomain
import AtriumStore
import AtriumTesting
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

/// The Rooms API over a real HTTP server on loopback and a real PostgreSQL.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct RoomsHTTPTests {
    static let key = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()

    func withServer(_ body: @escaping @Sendable (any TestClientProtocol, PostgresClient) async throws -> Void)
        async throws
    {
        try await TestDatabase.with { database in
            let store = EventStore(client: database, logger: TestDatabase.logger)
            let router = AtriumRouter.build(
                AtriumAPIDependencies(store: store, authenticator: HMACAuthenticator(accessKey: Self.key)!))
            try await Application(router: router).test(.live) { client in try await body(client, database) }
        }
    }

    /// Signs like the SDKs; the live test client always sends `Host: localhost`.
    static func signed(_ method: HTTPRequest.Method, _ target: String, body: String = "") -> (HTTPFields, ByteBuffer?) {
        let date = HTTPDateFormatter.string(Date())
        let hash = Data(SHA256.hash(data: Data(body.utf8))).base64EncodedString()
        let signature = HMACAuthenticator(accessKey: key)!.signature(
            method: method.rawValue, target: target, date: date, host: "localhost", bodyHash: hash)
        var headers = HTTPFields()
        headers[HTTPField.Name("x-ms-date")!] = date
        headers[HTTPField.Name("x-ms-content-sha256")!] = hash
        headers[.authorization] = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=\(signature)"
        headers[.contentType] = "application/json"
        return (headers, body.isEmpty ? nil : ByteBuffer(string: body))
    }

    static func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ target: String, body: String = ""
    ) async throws -> TestResponse {
        let (headers, buffer) = signed(method, target, body: body)
        return try await client.execute(uri: target, method: method, headers: headers, body: buffer)
    }

    static func eventCount(_ database: PostgresClient) async throws -> Int64 {
        try await database.query("SELECT count(*) FROM events", logger: TestDatabase.logger)
            .decode(Int64.self).first { _ in true } ?? -1
    }

    @Test func malformedRequestsGetACSErrorsAndChangeNothing() async throws {
        try await withServer { client, database in
            let created = try await Self.send(client, .post, "/rooms?api-version=2025-03-13", body: "{}")
            #expect(created.status == .created)
            let roomId = try #require(try JSONParser.parse(Array(buffer: created.body))["id"]).serialized
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let before = try await Self.eventCount(database)

            let farFuture = "2099-01-01T00:00:00Z"
            let cases: [(HTTPRequest.Method, String, String, HTTPResponse.Status)] = [
                (.post, "/rooms?api-version=2025-03-13", "{not json", .badRequest),
                (.post, "/rooms?api-version=2025-03-13", #"{"validFrom": 5}"#, .badRequest),
                (.post, "/rooms?api-version=2025-03-13", #"{"pstnDialOutEnabled": "yes"}"#, .badRequest),
                (.post, "/rooms?api-version=2025-03-13", #"{"validUntil": "\#(farFuture)"}"#, .badRequest),
                (.post, "/rooms?api-version=2025-03-13", #"{"colour": "red"}"#, .badRequest),
                // Year 10000 once the offset is applied: beyond what can be stored or printed.
                (.post, "/rooms?api-version=2025-03-13", #"{"validFrom": "9999-12-31T23:00:00-05:00"}"#, .badRequest),
                (.post, "/rooms?api-version=2025-03-13", "[]", .badRequest),
                (.post, "/rooms?api-version=1999-01-01", "{}", .badRequest),
                (.post, "/rooms", "{}", .badRequest),
                (
                    .patch, "/rooms/\(roomId)?api-version=2025-03-13", #"{"validUntil": "2000-01-01T00:00:00Z"}"#,
                    .badRequest
                ),
                (
                    .patch, "/rooms/\(roomId)/participants?api-version=2025-03-13",
                    #"{"participants": {"8:acs:r_ok": {"role": "Presenter"}, "not-an-id": {"role": "Attendee"}}}"#,
                    .badRequest
                ),
                (
                    .patch, "/rooms/\(roomId)/participants?api-version=2025-03-13",
                    #"{"participants": {"8:acs:r_ok": {"role": "Boss"}}}"#, .badRequest
                ),
                (
                    .patch, "/rooms/\(roomId)/participants?api-version=2024-04-15",
                    #"{"participants": {"8:acs:r_ok": {"role": "Collaborator"}}}"#, .badRequest
                ),
                (.patch, "/rooms/\(roomId)/participants?api-version=2025-03-13", #"{"participants": 3}"#, .badRequest),
                (.get, "/rooms/123?api-version=2025-03-13", "", .badRequest),
                (.get, "/rooms/99999999999999999?api-version=2025-03-13", "", .notFound),
                (.patch, "/rooms/99999999999999999?api-version=2025-03-13", "{}", .notFound),
                (.get, "/no/such/route?api-version=2025-03-13", "", .notFound),
                (
                    .post, "/rooms?api-version=2025-03-13", String(repeating: " ", count: (1 << 20) + 1),
                    .contentTooLarge
                ),
            ]
            for (method, target, body, status) in cases {
                let response = try await Self.send(client, method, target, body: body)
                #expect(response.status == status, "\(method) \(target) \(body.prefix(60))")
                let error = try JSONParser.parse(Array(buffer: response.body))["error"]
                guard case .string(let code)? = error?["code"], case .string(let message)? = error?["message"] else {
                    Issue.record("no ACS error body for \(method) \(target)")
                    continue
                }
                #expect(response.headers[HTTPField.Name("x-ms-error-code")!] == code)
                #expect(!message.isEmpty && !message.contains("PSQL") && !message.contains("Swift"))
            }

            // A request signed with another key, and one with no signature at all.
            var (headers, _) = Self.signed(.get, "/rooms?api-version=2025-03-13")
            headers[.authorization] = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA"
            let forged = try await client.execute(uri: "/rooms?api-version=2025-03-13", method: .get, headers: headers)
            #expect(forged.status == .unauthorized)
            let anonymous = try await client.execute(uri: "/rooms?api-version=2025-03-13", method: .post)
            #expect(anonymous.status == .unauthorized)

            // A first-sent date in year 0000 is refused before it reaches PostgreSQL.
            var (yearZero, body) = Self.signed(.post, "/rooms?api-version=2025-03-13", body: "{}")
            yearZero[HTTPField.Name("Repeatability-Request-ID")!] = UUID().uuidString
            yearZero[HTTPField.Name("Repeatability-First-Sent")!] = "Sat, 01 Jan 0000 00:00:00 GMT"
            let ancient = try await client.execute(
                uri: "/rooms?api-version=2025-03-13", method: .post, headers: yearZero, body: body)
            #expect(ancient.status == .badRequest)

            #expect(try await Self.eventCount(database) == before, "a refused request wrote to the log")
        }
    }

    @Test func listingPagesWithAnAbsoluteNextLink() async throws {
        try await withServer { client, _ in
            var created: [String] = []
            for _ in 0..<5 {
                let response = try await Self.send(client, .post, "/rooms?api-version=2025-03-13", body: "{}")
                if case .string(let id)? = try JSONParser.parse(Array(buffer: response.body))["id"] {
                    created.append(id)
                }
            }
            var listed: [String] = []
            var target: String? = "/rooms?api-version=2025-03-13&maxpagesize=2"
            var pages = 0
            while let next = target {
                let page = try await Self.send(client, .get, next)
                #expect(page.status == .ok)
                let body = try JSONParser.parse(Array(buffer: page.body))
                if case .array(let rooms)? = body["value"] {
                    listed += rooms.compactMap { if case .string(let id)? = $0["id"] { id } else { nil } }
                }
                pages += 1
                if case .string(let link)? = body["nextLink"] {
                    #expect(link.hasPrefix("http://localhost/rooms?"))
                    target = String(link.dropFirst("http://localhost".count))
                } else {
                    target = nil
                }
            }
            #expect(pages == 3)
            #expect(listed == created, "rooms are listed once each, in creation order")
        }
    }
}

/// RFC 1123, as `x-ms-date` wants it.
enum HTTPDateFormatter {
    static func string(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

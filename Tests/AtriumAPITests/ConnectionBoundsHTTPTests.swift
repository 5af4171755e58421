import AtriumAPI
import AtriumStore
import AtriumTesting
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

/// What one connection can make the server hold, and the answers the HTTP layer gives before any
/// route runs: the server as `atrium serve` builds it, on loopback, spoken to over raw sockets.
/// Timeouts are shortened so that every test takes a few seconds.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"), .timeLimit(.minutes(1)))
struct ConnectionBoundsHTTPTests {
    /// Short enough for tests, long enough that loopback round trips (milliseconds) never reach them.
    static let fast = ConnectionBounds(
        idleTimeout: .milliseconds(800), headerTimeout: .milliseconds(800), lingerTime: .milliseconds(500))

    /// The server under test, and the connections a test opens to it: all closed when the test
    /// ends, so that shutting the server down never waits on one.
    struct Server: Sendable {
        let port: Int
        let opened = NIOLockedValueBox<[RawConnection]>([])

        func connect() async throws -> RawConnection {
            let connection = try await RawConnection.open(port: port)
            opened.withLockedValue { $0.append(connection) }
            return connection
        }
    }

    func withServer(_ bounds: ConnectionBounds = fast, _ body: @escaping @Sendable (Server) async throws -> Void)
        async throws
    {
        try await TestDatabase.with { database in
            let store = EventStore(client: database, logger: TestDatabase.logger)
            let router = AtriumRouter.build(
                AtriumAPIDependencies(store: store, authenticator: HMACAuthenticator(accessKey: RoomsHTTPTests.key)!))
            let (ports, port) = AsyncStream.makeStream(of: Int.self)
            var logger = Logger(label: "connection-bounds-test")
            logger.logLevel = .warning
            let app = Application(
                router: router,
                server: .pinnedHTTP1(bounds: bounds),
                configuration: .atrium(address: .hostname("127.0.0.1", port: 0), bounds: bounds, logger: logger),
                onServerRunning: { channel in port.yield(channel.localAddress?.port ?? 0) },
                logger: logger
            )
            let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await services.run() }
                var iterator = ports.makeAsyncIterator()
                let server = Server(port: try #require(await iterator.next()))
                let result = await Result { try await body(server) }
                for connection in server.opened.withLockedValue({ $0 }) { await connection.close() }
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                try result.get()
            }
        }
    }

    /// A request as bytes: the signed headers the SDKs send when `signed`, `Host: localhost` always.
    static func request(
        _ method: HTTPRequest.Method, _ target: String, signed: Bool = false, headers extra: [String] = [],
        body: String = ""
    ) -> String {
        var lines = ["\(method.rawValue) \(target) HTTP/1.1", "Host: localhost"]
        if signed {
            let (headers, _) = RoomsHTTPTests.signed(method, target, body: body)
            lines += headers.map { "\($0.name.rawName): \($0.value)" }
        }
        lines += extra
        if !body.isEmpty { lines.append("Content-Length: \(body.utf8.count)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// An ACS error: the status, `{"error":{"code","message"}}` and `x-ms-error-code` naming the same code.
    static func expectACSError(
        _ response: RawConnection.Response?, _ status: Int, _ code: String, _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let response else {
            Issue.record("no response: \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
            return
        }
        #expect(response.status == status, comment, sourceLocation: sourceLocation)
        #expect(response.errorCode == code, comment, sourceLocation: sourceLocation)
        #expect(response.headers["x-ms-error-code"] == code, comment, sourceLocation: sourceLocation)
        #expect(response.errorMessage?.isEmpty == false, comment, sourceLocation: sourceLocation)
        // Like every response, whoever answers it.
        #expect(
            response.headers["server"] == "Atrium/\(AtriumVersion.current)", comment, sourceLocation: sourceLocation)
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() async throws {
        // Two seconds: the test suite runs its tests side by side on two cores, and a round trip
        // there can take longer than `fast`'s 800 ms, which would close the busy connection.
        let bounds = ConnectionBounds(
            idleTimeout: .seconds(2), headerTimeout: Self.fast.headerTimeout, lingerTime: Self.fast.lingerTime)
        try await withServer(bounds) { server in
            // Requests closer together than the idle timeout keep the connection open.
            let busy = try await server.connect()
            for round in 1...3 {
                if round > 1 { try await Task.sleep(for: .milliseconds(300)) }
                try await busy.send(Self.request(.get, "/healthz"))
                #expect(await busy.wait(upTo: .seconds(2)) { responses, _ in responses.count == round })
            }
            #expect(busy.closedAt == nil, "closed while requests kept arriving")
            #expect(
                busy.responses().allSatisfy { $0.status == 200 && $0.headers["server"] == AtriumVersion.serverName })

            // Once idle, it is closed after the idle timeout and not long before.
            let answered = ContinuousClock.now
            #expect(await busy.closes(within: .seconds(8)))
            let idle = try #require(busy.closedAt) - answered
            #expect(idle > .milliseconds(1_500) && idle < .seconds(6), "closed after \(idle)")

            // A connection that never sends a byte is idle too.
            let silent = try await server.connect()
            let opened = ContinuousClock.now
            #expect(await silent.closes(within: .seconds(8)))
            #expect(silent.responses().isEmpty, "an idle connection is closed without an answer")
            #expect(try #require(silent.closedAt) - opened > .milliseconds(1_500))
        }
    }

    @Test func aHeadThatTricklesInIsAnswered408AndClosed() async throws {
        try await withServer { server in
            let slow = try await server.connect()
            let started = ContinuousClock.now
            // A byte every 50 ms: never idle, never done.
            let sender = Task {
                for byte in Array(
                    Self.request(.get, "/healthz", headers: ["X-Padding: \(String(repeating: "a", count: 200))"]).utf8)
                {
                    guard slow.closedAt == nil else { return }
                    slow.sendAndForget([byte])
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let response = await slow.finalResponse(within: .seconds(5))
            sender.cancel()
            Self.expectACSError(response, 408, "RequestTimeout")
            #expect(response?.headers["connection"] == "close")
            let answeredAfter = ContinuousClock.now - started
            #expect(answeredAfter > .milliseconds(600) && answeredAfter < .seconds(4), "\(answeredAfter)")
            #expect(await slow.closes(within: .seconds(2)))
        }
    }

    @Test func connectionsBeyondTheLimitWaitUntilOneCloses() async throws {
        var bounds = Self.fast
        bounds.maxConnections = 2
        bounds.idleTimeout = .seconds(10)
        try await withServer(bounds) { server in
            var held: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try await server.connect()
                try await connection.send(Self.request(.get, "/healthz"))
                #expect(await connection.finalResponse(within: .seconds(2))?.status == 200)
                held.append(connection)
            }
            // The third is not accepted (it waits in the listen backlog), so nobody answers it...
            let waiting = try await server.connect()
            try await waiting.send(Self.request(.get, "/healthz"))
            #expect(await waiting.finalResponse(within: .milliseconds(700)) == nil, "a third connection was served")
            // ...until one of the two closes.
            await held[0].close()
            #expect(await waiting.finalResponse(within: .seconds(2))?.status == 200)
            await held[1].close()
            await waiting.close()
        }
    }

    @Test func errorsOfTheHTTPLayerCarryTheACSBody() async throws {
        try await withServer { server in
            let manyHeaders = (0..<10_000).map { "X-Header-\($0): value" }
            let cases: [(String, [UInt8], Int, String)] = [
                (
                    "10,000 header fields", Array(Self.request(.get, "/healthz", headers: manyHeaders).utf8), 431,
                    "RequestHeaderFieldsTooLarge"
                ),
                (
                    "a 1 MB header field",
                    Array(
                        Self.request(.get, "/healthz", headers: ["X-Big: " + String(repeating: "b", count: 1 << 20)])
                            .utf8),
                    431, "RequestHeaderFieldsTooLarge"
                ),
                (
                    "a 1 MB path", Array(Self.request(.get, "/" + String(repeating: "p", count: 1 << 20)).utf8), 431,
                    "RequestHeaderFieldsTooLarge"
                ),
                ("no request line", Array("GARBAGE\r\n\r\n".utf8), 400, "BadRequest"),
                (
                    "a space in a field name", Array("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n".utf8),
                    400,
                    "BadRequest"
                ),
                (
                    "a Content-Length that is no number",
                    Array("POST /rooms HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n".utf8), 400, "BadRequest"
                ),
                ("a NUL in the target", Array("GET /heal\u{0}thz HTTP/1.1\r\nHost: x\r\n\r\n".utf8), 400, "BadRequest"),
                (
                    "HTTP/2.0 in the request line", Array("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n".utf8), 400,
                    "BadRequest"
                ),
                (
                    "a method the parser does not know", Array("FROBNICATE /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                    400, "BadRequest"
                ),
                (
                    "a TLS handshake", [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03], 400,
                    "BadRequest"
                ),
                (
                    "a chunk size that is no number",
                    Array("POST /rooms HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".utf8), 400,
                    "BadRequest"
                ),
            ]
            for (name, bytes, status, code) in cases {
                let connection = try await server.connect()
                connection.sendAndForget(bytes)
                let response = await connection.finalResponse(within: .seconds(3))
                Self.expectACSError(response, status, code, "\(name)")
                #expect(await connection.closes(within: .seconds(3)), "\(name): the connection stays open")
                await connection.close()
            }
        }
    }

    @Test func aRefusalOfAPipelinedRequestWaitsForTheAnswersBeforeIt() async throws {
        try await withServer { server in
            let refused = [
                ("GARBAGE\r\n\r\n", 400, "BadRequest"),
                (Self.request(.post, "/rooms", headers: ["Content-Length: \(20 << 20)"]), 413, "RequestEntityTooLarge"),
            ]
            for (request, status, code) in refused {
                let connection = try await server.connect()
                try await connection.send(Self.request(.get, "/healthz") + Self.request(.get, "/readyz") + request)
                #expect(
                    await connection.wait(upTo: .seconds(3)) { responses, closed in responses.count == 3 && closed })
                let responses = connection.responses()
                #expect(responses.prefix(2).map(\.status) == [200, 200], "\(code)")
                Self.expectACSError(responses.dropFirst(2).first, status, code)
                await connection.close()
            }
        }
    }

    @Test func aPathAnswers405WithAllowForAMethodItDoesNotTake() async throws {
        try await withServer { server in
            let cases: [(HTTPRequest.Method, String, Bool, String?)] = [
                (.head, "/healthz", false, "GET"),
                (.options, "/healthz", false, "GET"),
                (.head, "/client/rooms/123/call", false, "GET"),
                (.put, "/client/rooms/123/call/join", false, "POST"),
                (.head, "/rooms?api-version=2025-03-13", true, "GET, POST"),
                (.options, "/rooms/123?api-version=2025-03-13", true, "DELETE, GET, PATCH"),
                (
                    HTTPRequest.Method("PROPFIND")!, "/eventSubscriptions/x?api-version=2025-03-13", true,
                    "DELETE, GET, PATCH, PUT"
                ),
                // A path no route takes stays 404.
                (.options, "/no/such/route", true, nil),
            ]
            for (method, target, signed, allow) in cases {
                let connection = try await server.connect()
                try await connection.send(Self.request(method, target, signed: signed))
                let response = await connection.finalResponse(within: .seconds(3), bodyless: method == .head)
                let comment: Comment = "\(method.rawValue) \(target)"
                #expect(response?.status == (allow == nil ? 404 : 405), comment)
                #expect(response?.headers["allow"] == allow, comment)
                #expect(
                    response?.headers["x-ms-error-code"] == (allow == nil ? "NotFound" : "MethodNotAllowed"), comment)
                if method != .head {
                    #expect(response?.errorCode == response?.headers["x-ms-error-code"], comment)
                }
                await connection.close()
            }
        }
    }

    @Test func aBodyDeclaredTooLargeIsAnswered413BeforeItIsSent() async throws {
        try await withServer { server in
            for expect in [true, false] {
                let connection = try await server.connect()
                let started = ContinuousClock.now
                try await connection.send(
                    Self.request(
                        .post, "/rooms?api-version=2025-03-13", signed: true,
                        headers: ["Content-Length: \(20 << 20)"] + (expect ? ["Expect: 100-continue"] : [])))
                let response = await connection.finalResponse(within: .seconds(2))
                Self.expectACSError(response, 413, "RequestEntityTooLarge", "Expect: \(expect)")
                #expect(connection.responses().allSatisfy { $0.status != 100 }, "told to send 20 MB")
                #expect(ContinuousClock.now - started < .seconds(1))
                #expect(await connection.closes(within: .seconds(2)))
            }

            // An acceptable body is asked for at once, and the request then served.
            let connection = try await server.connect()
            let body = "{}"
            let request = Self.request(
                .post, "/rooms?api-version=2025-03-13", signed: true, headers: ["Expect: 100-continue"], body: body)
            try await connection.send(String(request.dropLast(body.utf8.count)))
            #expect(await connection.wait(upTo: .seconds(1)) { responses, _ in responses.first?.status == 100 })
            try await connection.send(body)
            #expect(await connection.finalResponse(within: .seconds(5))?.status == 201)
            await connection.close()
        }
    }

    @Test func anOversizedBearerTokenIsRefused401() async throws {
        try await withServer { server in
            let connection = try await server.connect()
            let token = String(repeating: "A", count: 100 * 1024)
            try await connection.send(
                Self.request(.get, "/client/rooms/123/call", headers: ["Authorization: Bearer \(token)"]))
            Self.expectACSError(await connection.finalResponse(within: .seconds(3)), 401, "Unauthorized")
            await connection.close()
        }
    }
}

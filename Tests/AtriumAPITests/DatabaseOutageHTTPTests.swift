import AtriumAPI
import AtriumDomain
import AtriumStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Testing

/// With no database to be had (a port nobody listens on: connections are refused, so PostgresNIO's
/// pool would queue every request forever), requests are answered 503 within the deadline.
struct DatabaseOutageHTTPTests {
    static let deadline = Duration.milliseconds(500)

    func withUnreachableDatabase(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void)
        async throws
    {
        var logger = Logger(label: "atrium-test")
        logger.logLevel = .critical  // the pool's connection failures are the point
        let configuration = PostgresClient.Configuration(
            host: "127.0.0.1", port: try await Self.closedPort(), username: "atrium", password: "x", database: "atrium",
            tls: .disable)
        let client = PostgresClient(configuration: DatabaseURL.tuned(configuration), backgroundLogger: logger)
        var dependencies = AtriumAPIDependencies(
            store: EventStore(client: client, logger: logger),
            authenticator: HMACAuthenticator(accessKey: RoomsHTTPTests.key)!)
        dependencies.databaseDeadline = Self.deadline
        // The port refuses connections: gone, not slow, so the first deadline holds.
        dependencies.databaseReachability = DatabaseReachability(configuration)
        let router = AtriumRouter.build(dependencies)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await Application(router: router).test(.live) { client in try await body(client) }
        }
    }

    @Test func commandsReadsAndReadinessAnswer503WithinTheDeadline() async throws {
        try await withUnreachableDatabase { client in
            let requests: [(HTTPRequest.Method, String, String)] = [
                (.post, "/rooms?api-version=2025-03-13", "{}"),
                (.get, "/rooms/99551234567890123?api-version=2025-03-13", ""),
                (.get, "/rooms?api-version=2025-03-13", ""),
            ]
            for (method, target, body) in requests {
                let started = ContinuousClock.now
                let response = try await RoomsHTTPTests.send(client, method, target, body: body)
                let elapsed = ContinuousClock.now - started
                #expect(response.status == .serviceUnavailable, "\(method) \(target)")
                #expect(elapsed < Self.deadline * 3, "\(method) \(target) took \(elapsed)")
                #expect(response.headers[.retryAfter] == "2")
                #expect(response.headers[HTTPField.Name("x-ms-error-code")!] == "ServiceUnavailable")
                let error = try JSONParser.parse(Array(buffer: response.body))["error"]
                #expect(error?["code"]?.serialized == #""ServiceUnavailable""#)
            }
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.headers[.retryAfter] == "2")
        }
    }

    /// Commands queued together for the append batcher, each on its own connection, are all withdrawn
    /// and answered at their deadline.
    @Test func manyCommandsAtOnceAreAllAnswered() async throws {
        try await withUnreachableDatabase { client in
            let port = try #require(client.port)
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let connection = TestClient(host: "localhost", port: port)
                        connection.connect()
                        let target = "/rooms?api-version=2025-03-13"
                        let (headers, body) = RoomsHTTPTests.signed(.post, target, body: "{}")
                        let outcome = await Result {
                            try await connection.execute(
                                .init(target, method: .post, authority: "localhost", headers: headers, body: body)
                            ).status
                        }
                        try? await connection.shutdown()
                        return try outcome.get()
                    }
                }
                for try await status in group { #expect(status == .serviceUnavailable) }
            }
            #expect(ContinuousClock.now - started < Self.deadline * 4)
        }
    }

    /// A loopback port with nothing listening on it.
    static func closedPort() async throws -> Int {
        let socket = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = socket.localAddress?.port ?? 1
        try await socket.close()
        return port
    }
}

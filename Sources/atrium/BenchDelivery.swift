import ArgumentParser
import AsyncHTTPClient
import AtriumAPI
import AtriumStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO

/// `atrium bench-delivery`: how fast and how soon subscribers get their events.
struct BenchDelivery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-delivery",
        abstract: "Benchmark event delivery to a local webhook receiver (Tools/bench-delivery sets up a server).",
        discussion: """
            Runs a receiver on loopback inside this process and three phases against a running server:
            1. latency: create-room commands at --rate per second for --duration seconds, one event per \
            request; prints delivered events/s and commit → receipt p50/p99;
            2. drain, unbatched: --backlog events queued while the subscription awaits validation, then \
            validated at once; prints events/s until the last arrives;
            3. drain, batched: the same with maxEventsPerBatch --batch.
            --beside hanging|closed adds, for the latency phase, a second subscriber to the same \
            events that answers the handshake and then hangs (never answers a delivery) or closes its \
            port: the healthy subscriber's figures should not change. --backlog 0 skips the drains.
            Everything stops by itself.
            """
    )

    @Option(help: "The Atrium server.") var url = "http://127.0.0.1:8080"
    @Option(help: "Base64 access key (default: $ATRIUM_ACCESS_KEY).") var accessKey: String?
    @Option(help: "Commands per second in the latency phase.") var rate = 1000
    @Option(name: .shortAndLong, help: "Seconds of the latency phase.") var duration = 10
    @Option(help: "Events queued for each drain phase.") var backlog = 20_000
    @Option(help: "maxEventsPerBatch of the batched drain.") var batch = 100
    @Option(help: "The server's PostgreSQL (to see the backlog build up).") var databaseURL: String?
    @Option(help: "A bad subscriber beside the measured one in the latency phase: hanging or closed.")
    var beside: MisbehavingSubscriber.Behaviour?

    func validate() throws {
        guard rate > 0, duration > 0 else { throw ValidationError("--rate and --duration must be positive.") }
        guard backlog >= 0 else { throw ValidationError("--backlog must be 0 (no drain) or more.") }
    }

    func run() async throws {
        guard let key = accessKey ?? ProcessInfo.processInfo.environment["ATRIUM_ACCESS_KEY"],
            let signer = HMACAuthenticator(accessKey: key)
        else { throw ValidationError("Give --access-key or ATRIUM_ACCESS_KEY (base64).") }
        guard let databaseURL = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("Give --database-url or DATABASE_URL.")
        }
        var logger = Logger.atrium()
        logger.logLevel = .warning
        let database = PostgresClient(
            configuration: DatabaseURL.tuned(try DatabaseURL.configuration(from: databaseURL), maximumConnections: 2),
            backgroundLogger: logger)
        let receiver = DeliveryReceiver()
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: receiver.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let outcome = await Result {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService(gracefulShutdownSignals: []) }
                group.addTask { await database.run() }
                defer { group.cancelAll() }
                var iterator = ports.makeAsyncIterator()
                let endpoint = "http://127.0.0.1:\(await iterator.next() ?? 0)/events"
                let phases = Phases(
                    atrium: url, signer: signer, http: http, receiver: receiver, endpoint: endpoint, database: database,
                    logger: logger)
                try await phases.latency(rate: rate, seconds: duration, beside: beside)
                if backlog > 0 {
                    try await phases.drain(events: backlog, maxEventsPerBatch: 1)
                    try await phases.drain(events: backlog, maxEventsPerBatch: batch)
                }
            }
        }
        try await http.shutdown()
        try outcome.get()
    }
}

/// The benchmark's phases, each with its own subscription (deleted afterwards).
private struct Phases {
    let atrium: String
    let signer: HMACAuthenticator
    let http: HTTPClient
    let receiver: DeliveryReceiver
    let endpoint: String
    let database: PostgresClient
    let logger: Logger

    func latency(rate: Int, seconds: Int, beside behaviour: MisbehavingSubscriber.Behaviour?) async throws {
        let bad = behaviour.map(MisbehavingSubscriber.init)
        let company = behaviour.map {
            " beside a \($0 == .hanging ? "hanging subscriber" : "subscriber whose port is closed")"
        }
        print("latency: \(rate) create-room commands/s for \(seconds) s, one event per delivery\(company ?? "") …")
        receiver.reset()
        receiver.acceptHandshake(true)
        if let bad {
            try await subscribe("bench-beside", endpoint: try await bad.start(), maxEventsPerBatch: 1)
            try await waitValidated("bench-beside")
        }
        try await subscribe("bench-latency", maxEventsPerBatch: 1)
        try await waitValidated("bench-latency")
        let sent = try await createRooms(count: rate * seconds, perSecond: rate)
        // Counted, not thrown: how many are missing a minute on is itself the figure.
        try? await waitForEvents(sent, timeout: .seconds(60))
        let figures = receiver.figures
        print(
            "  \(figures.events) of \(sent) events delivered, \(perSecond(figures.events, figures.seconds)) events/s; "
                + "commit → receipt p50 \(format(figures.p50)) ms, p99 \(format(figures.p99)) ms")
        if let bad {
            if bad.behaviour == .hanging { print("  the hanging subscriber was sent \(bad.deliveries) deliveries") }
            try await unsubscribe("bench-beside")
            await bad.stop()
        }
        try await unsubscribe("bench-latency")
    }

    func drain(events: Int, maxEventsPerBatch: Int) async throws {
        let name = "bench-drain-\(maxEventsPerBatch)"
        print("drain: \(events) queued events, maxEventsPerBatch \(maxEventsPerBatch) …")
        receiver.reset()
        receiver.acceptHandshake(false)  // nothing is delivered until validated: the backlog builds up
        try await subscribe(name, maxEventsPerBatch: maxEventsPerBatch)
        _ = try await createRooms(count: events, perSecond: nil)
        try await waitUntil(timeout: .seconds(120)) { try await queued(name) >= events }
        guard let validationURL = receiver.validationURLs.last(where: { $0.contains("/\(name)/") }) else {
            throw ValidationError("no validation URL was offered for \(name)")
        }
        let response = try await http.execute(HTTPClientRequest(url: validationURL), timeout: .seconds(10))
        guard response.status == .ok else { throw ValidationError("validation URL answered \(response.status)") }
        let start = ContinuousClock.now
        try await waitForEvents(events, timeout: .seconds(300))
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        let figures = receiver.figures
        print(
            "  \(figures.events) events in \(figures.requests) requests, \(format(elapsed)) s from validation "
                + "→ \(perSecond(figures.events, elapsed)) events/s")
        try await unsubscribe(name)
    }

    // MARK: Steps

    private func subscribe(_ name: String, endpoint: String? = nil, maxEventsPerBatch: Int) async throws {
        let endpoint = endpoint ?? self.endpoint
        let body = """
            {"properties":{"destination":{"endpointType":"WebHook","properties":{"endpointUrl":"\(endpoint)",\
            "maxEventsPerBatch":\(maxEventsPerBatch),"preferredBatchSizeInKilobytes":1024}},\
            "filter":{"includedEventTypes":["Atrium.Rooms.RoomCreated"]},"eventDeliverySchema":"EventGridSchema"}}
            """
        try await send(.PUT, "/eventSubscriptions/\(name)?api-version=2025-06-01", body: body, expect: [200, 201])
    }

    private func unsubscribe(_ name: String) async throws {
        try await send(.DELETE, "/eventSubscriptions/\(name)?api-version=2025-06-01", expect: [200, 204])
    }

    private func waitValidated(_ name: String) async throws {
        try await waitUntil(timeout: .seconds(30)) {
            let response = try await http.execute(
                try SignedRequest.make(
                    .GET, baseURL: atrium, target: "/eventSubscriptions/\(name)?api-version=2025-06-01", signer: signer),
                timeout: .seconds(10))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            return body.contains("\"provisioningState\":\"Succeeded\"")
        }
    }

    /// Rows waiting in the subscription's outbox (the backlog is complete when all are there).
    private func queued(_ name: String) async throws -> Int {
        let count = try await database.query(
            "SELECT count(*) FROM outbox WHERE subscription = \(name)", logger: logger
        ).decode(Int64.self).first { _ in true }
        return Int(count ?? 0)
    }

    /// Creates rooms, paced at `perSecond` when given (open loop), else as fast as 32 connections go.
    private func createRooms(count: Int, perSecond: Int?) async throws -> Int {
        let body = #"{"validFrom": null, "validUntil": null, "pstnDialOutEnabled": false}"#
        let workers = 32
        let start = ContinuousClock.now
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var created = 0
                    for index in stride(from: worker, to: count, by: workers) {
                        if let perSecond {
                            let due = start + .seconds(Double(index) / Double(perSecond))
                            if due > ContinuousClock.now { try await Task.sleep(until: due) }
                        }
                        let response = try await http.execute(
                            try SignedRequest.make(
                                .POST, baseURL: atrium, target: "/rooms?api-version=2025-03-13", body: body,
                                signer: signer), timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        if response.status == .created { created += 1 }
                    }
                    return created
                }
            }
            return try await group.reduce(0, +)
        }
    }

    private func send(_ method: SignedRequest.HTTPMethodName, _ target: String, body: String = "", expect: [UInt])
        async throws
    {
        let response = try await http.execute(
            try SignedRequest.make(method, baseURL: atrium, target: target, body: body, signer: signer),
            timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard expect.contains(response.status.code) else {
            throw ValidationError("\(method.rawValue) \(target) answered \(response.status.code): \(text)")
        }
    }

    private func waitForEvents(_ count: Int, timeout: Duration) async throws {
        try await waitUntil(timeout: timeout) { receiver.events >= count }
    }

    private func waitUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw ValidationError("timed out after \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func perSecond(_ events: Int, _ seconds: Double) -> String {
        seconds > 0 ? String(format: "%.0f", Double(events) / seconds) : "-"
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

extension MisbehavingSubscriber.Behaviour: ExpressibleByArgument {}

import ArgumentParser
import AsyncHTTPClient
import AtriumAPI
import AtriumDelivery
import AtriumStore
import AtriumTelephony
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOPosix
import PostgresNIO
import Prometheus
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the Atrium server (Rooms, Identity, Call Automation, event subscriptions) until SIGTERM or Ctrl-C.",
        discussion: """
            With no DATABASE_URL, a private PostgreSQL cluster is created under --data-dir on first \
            run, migrated, and stopped with the server. The access key comes from ATRIUM_ACCESS_KEY \
            (base64), else from <data-dir>/access-key, generated on first run.
            """
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(
        help: """
            Threads serving the HTTP and database connections (default: half the cores, at least \
            one; the rest are left to a PostgreSQL on the same machine).
            """)
    var eventLoops = max(1, System.coreCount / 2)
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard (1...256).contains(eventLoops) else { throw ValidationError("--event-loops must be 1...256.") }
    }

    func run() async throws {
        let logger = Logger.atrium()
        let dataDirectory = URL(fileURLWithPath: database.dataDir)
        let (key, keySource) = try AccessKey.resolve(dataDirectory: dataDirectory)
        guard let authenticator = HMACAuthenticator(accessKey: key) else {
            throw ValidationError("ATRIUM_ACCESS_KEY must be base64 text.")
        }
        let (configuration, embedded) = try await database.open(logger: logger)
        defer { embedded?.stop() }

        // Migrated before any service starts: the consumers and sweeps query the tables at once.
        let applied = try await Migrate.apply(from: Migration.locate(), configuration: configuration, logger: logger)
        if !applied.isEmpty {
            logger.info("database migrated", metadata: ["applied": "\(applied.joined(separator: ", "))"])
        }
        // One group for the HTTP server, the database pool and the webhook client: a command's
        // append is answered on the thread that serves its request. On two cores with PostgreSQL
        // beside it, one thread measured about 25% more commands/s with Tools/bench than two.
        let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops)
        let client = PostgresClient(
            configuration: DatabaseURL.tuned(configuration), eventLoopGroup: eventLoopGroup, backgroundLogger: logger)
        let store = EventStore(client: client, logger: logger)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var dependencies = AtriumAPIDependencies(store: store, authenticator: authenticator)
        dependencies.metricsExposition = { registry.emitToString() }
        let router = AtriumRouter.build(dependencies)
        // Policies: the room's changes reaching its live call.
        let roomCalls = RoomCalls(store: store)
        let policies: [any Service] = [
            LogConsumer(name: RoomCallPolicy.consumerName, store: store, handler: RoomCallPolicy(roomCalls: roomCalls)),
            RoomExpiryPolicy(roomCalls: roomCalls, client: client, logger: logger),
            // Telephony and media: phone legs dialled and hung up, media operations timed.
            LogConsumer(
                name: TelephonyPolicy.consumerName, store: store,
                handler: TelephonyPolicy(gateway: SimulatedCarrier()), pace: .milliseconds(15)),
            LogConsumer(
                name: MediaClockPolicy.consumerName, store: store, handler: MediaClockPolicy(store: store),
                pace: .milliseconds(15)),
            CallTimerService(store: store),
        ]
        let delivery = DeliverySettings()
        let http = HTTPClient(
            eventLoopGroupProvider: .shared(eventLoopGroup), configuration: delivery.httpClientConfiguration)
        let publishing = Publishing(
            store: store, http: http, topic: Self.topic, delivery: delivery,
            validationURL: {
                [base = ProcessInfo.processInfo.environment["ATRIUM_PUBLIC_URL"] ?? "http://\(host):\(port)"] in
                SubscriptionValidationURL.make(baseURL: base, name: $0, code: $1)
            },
            validate: { [subscriptions = SubscriptionCommands(store: store)] name, code, method in
                try await subscriptions.validate(name: name, code: code, method: method)
            }
        ).services
        let app = Application(
            router: router,
            server: .pinnedHTTP1(),
            configuration: .init(address: .hostname(host, port: port), serverName: "Atrium"),
            services: [client] + policies + publishing,
            onServerRunning: { channel in
                let address = channel.localAddress?.port.map { "http://\(host):\($0)" } ?? "http://\(host):\(port)"
                Self.announce(url: address, key: key, source: keySource)
            },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: logger
        )
        let outcome = await Result { try await app.runService() }
        try? await http.shutdown()
        try? await eventLoopGroup.shutdownGracefully()
        try outcome.get()
    }

    /// The `topic` / `source` of published events: Atrium's stand-in for an ACS resource id.
    static var topic: String {
        ProcessInfo.processInfo.environment["ATRIUM_TOPIC"] ?? "/atrium/communicationServices/atrium"
    }

    private static func announce(url: String, key: String, source: AccessKey.Source) {
        var lines = ["Atrium is listening on \(url)"]
        switch source {
        case .environment:
            lines.append("Access key: from ATRIUM_ACCESS_KEY")
        case .file(let file), .generated(let file):
            lines.append("Access key (kept in \(file.path)): \(key)")
        }
        let shownKey = if case .environment = source { "<your ATRIUM_ACCESS_KEY>" } else { key }
        lines += [
            "",
            "Try it with the Azure SDK for Python (pip install azure-communication-rooms):",
            "    from azure.core.credentials import AzureKeyCredential",
            "    from azure.communication.rooms import RoomsClient",
            "    rooms = RoomsClient(\"\(url)\", AzureKeyCredential(\"\(shownKey)\"))",
            "    print(rooms.create_room())",
            "",
        ]
        // Written straight to the file descriptor: stdout may be a pipe, and block-buffered output would sit unseen.
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

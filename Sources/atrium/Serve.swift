import ArgumentParser
import AsyncHTTPClient
import AtriumAPI
import AtriumApplication
import AtriumDelivery
import AtriumProjections
import AtriumStore
import AtriumTelephony
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
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
            (base64), else from <data-dir>/access-key, generated on first run. Plain HTTP unless \
            --tls-cert and --tls-key, or --tls-self-signed, are given.
            """
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(
        help: """
            Threads serving the HTTP and database connections (default: half the cores, at least \
            one; the rest are left to a PostgreSQL on the same machine).
            """)
    var eventLoops: Int?
    @Option(help: "Seconds after which a keep-alive connection with no request in progress is closed.")
    var idleTimeout = 60
    @Option(
        help: """
            Connections served at once; more wait to be accepted until one closes. Keep it under the \
            open-file limit (ulimit -n).
            """)
    var maxConnections = ConnectionBounds().maxConnections
    @Option(
        help: ArgumentHelp(
            """
            Seconds a stop (SIGTERM or Ctrl-C) may take, in any state, the database down included. \
            Requests in flight are answered, call feeds and consumers end; what is still running at \
            60% of it is cancelled, and at 90% the process stops its embedded PostgreSQL and exits. \
            Unfinished work is left for the next start or another node.
            """, valueName: "seconds"))
    var shutdownTimeout = 10
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var tls: TLSOptions
    @OptionGroup(title: "Telephony") var telephony: TelephonyOptions

    /// Threads: `--event-loops`, else half the cores (at least one).
    var threads: Int { eventLoops ?? min(256, max(1, System.coreCount / 2)) }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard (1...256).contains(eventLoops ?? 1) else { throw ValidationError("--event-loops must be 1...256.") }
        guard (1...86400).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1...86400.") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1.") }
        guard (1...3600).contains(shutdownTimeout) else {
            throw ValidationError("--shutdown-timeout must be 1...3600 seconds.")
        }
    }

    func run() async throws {
        let logger = Logger.atrium()
        let dataDirectory = URL(fileURLWithPath: database.dataDir)
        // What would stop the server once it is up is found before anything starts (the embedded
        // PostgreSQL above all), and told in one line.
        let tlsConfiguration: TLSOptions.Loaded?
        let publicURL: String
        do {
            if port != 0 { try await ListenCheck.check(host: host, port: port) }
            tlsConfiguration = try tls.load(dataDirectory: dataDirectory)
            publicURL = try Self.publicURL(host: host, port: port, tls: tlsConfiguration != nil)
        } catch let failure as ListenCheck.Failure {
            throw Self.refusal(failure.message)
        } catch let failure as TLSOptions.Failure {
            throw Self.refusal(failure.message)
        }
        let (key, keySource) = try AccessKey.resolve(dataDirectory: dataDirectory)
        guard let authenticator = HMACAuthenticator(accessKey: key) else {
            throw ValidationError("ATRIUM_ACCESS_KEY must be base64 text.")
        }
        let (configuration, embedded) = try await database.open(logger: logger)
        let deadline = ShutdownDeadline(limit: .seconds(shutdownTimeout), embedded: embedded, logger: logger)
        defer {
            embedded?.stop()
            deadline.disarm()
        }

        // Migrated before any service starts: the consumers and sweeps query the tables at once.
        let applied = try await Migrate.apply(DatabaseSchema.embedded, configuration: configuration, logger: logger)
        if !applied.isEmpty {
            logger.info("database migrated", metadata: ["applied": "\(applied.joined(separator: ", "))"])
        }
        // One group for the HTTP server, the database pool and the webhook client: a command's
        // append is answered on the thread that serves its request. On two cores with PostgreSQL
        // beside it, one thread measured about 25% more commands/s with Tools/bench than two.
        let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let client = PostgresClient(
            configuration: DatabaseURL.tuned(configuration), eventLoopGroup: eventLoopGroup, backgroundLogger: logger)
        let store = EventStore(client: client, logger: logger)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(DocumentedMetricsFactory(registry: registry))
        var dependencies = AtriumAPIDependencies(store: store, authenticator: authenticator)
        dependencies.metricsExposition = { registry.emitToString() }
        dependencies.databaseReachability = DatabaseReachability(configuration)
        dependencies.recordingsFolder = TelephonyOptions.recordingsFolder(in: dataDirectory)
        let router = AtriumRouter.build(dependencies)
        let delivery = DeliverySettings()
        // Webhooks, callbacks and prompt files are fetched with it.
        let http = HTTPClient(
            eventLoopGroupProvider: .shared(eventLoopGroup), configuration: delivery.httpClientConfiguration)
        // Phone legs: through a SIP trunk when one is configured, else the simulated carrier.
        let (gateway, trunkService) = try await Self.gateway(
            telephony, store: store, http: http, group: eventLoopGroup, logger: logger,
            dataDirectory: dataDirectory, publicURL: publicURL)
        // Policies: the room's changes reaching its live call.
        let roomCalls = RoomCalls(store: store)
        // The trunk first: it stops after the policies that hand it work.
        let policies: [any Service] =
            trunkService + [
                LogConsumer(
                    name: RoomCallPolicy.consumerName, store: store, handler: RoomCallPolicy(roomCalls: roomCalls)),
                RoomExpiryPolicy(
                    roomCalls: roomCalls, calls: CallReadModel(client: client, logger: logger), logger: logger),
                // Telephony and media: phone legs dialled and hung up, media operations timed.
                LogConsumer(
                    name: TelephonyPolicy.consumerName, store: store,
                    handler: TelephonyPolicy(gateway: gateway, store: store), pace: .milliseconds(15)),
                LogConsumer(
                    name: MediaClockPolicy.consumerName, store: store, handler: MediaClockPolicy(store: store),
                    pace: .milliseconds(15)),
                CallTimerService(store: store),
            ]
        let publishing = Publishing(
            store: store, http: http, topic: Self.topic, delivery: delivery,
            validationURL: { [publicURL] in SubscriptionValidationURL.make(baseURL: publicURL, name: $0, code: $1) }
        ).services
        let bounds = ConnectionBounds(idleTimeout: .seconds(idleTimeout), maxConnections: maxConnections)
        // TLS, when on, below the same bounded, event-loop-pinned HTTP/1.1.
        let server: HTTPServerBuilder =
            if let tlsConfiguration {
                try .tls(.pinnedHTTP1(bounds: bounds), tlsConfiguration: tlsConfiguration.configuration)
            } else {
                .pinnedHTTP1(bounds: bounds)
            }
        let scheme = tlsConfiguration == nil ? "http" : "https"
        let app = Application(
            router: router,
            server: server,
            configuration: .atrium(address: .hostname(host, port: port), bounds: bounds, logger: logger),
            // Each reported to the deadline while it runs: a stop held up says by whom.
            // Each left behind if it has not stopped 2 s after being told to: see `Abandonable`.
            services: ([client] + policies + publishing).map {
                deadline.tracking($0, as: "\(type(of: $0))", leftBehindAfter: .seconds(2))
            },
            onServerRunning: { [tlsConfiguration] channel in
                let url = "\(scheme)://\(Self.urlHost(host)):\(channel.localAddress?.port ?? port)"
                Self.announce(url: url, key: key, source: keySource, selfSigned: tlsConfiguration?.selfSigned)
            },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: logger
        )
        let outcome = await Result {
            try await Self.run(
                deadline.tracking(app, as: "the HTTP server"), stoppingWithin: shutdownTimeout, deadline, logger)
        }
        deadline.step("the webhook client")
        try? await http.shutdown()
        deadline.step("the event loops")
        try? await eventLoopGroup.shutdownGracefully()
        deadline.step("the embedded PostgreSQL")
        // A port taken between the check and the server's own bind.
        if case .failure(let error) = outcome, ListenCheck.isListenFailure(error) {
            throw Self.refusal(ListenCheck.message(error, host: host, port: port))
        }
        try outcome.get()
    }

    /// The simulated carrier, or a SIP trunk gateway (with the service that carries its legs).
    private static func gateway(
        _ options: TelephonyOptions, store: EventStore, http: HTTPClient, group: MultiThreadedEventLoopGroup,
        logger: Logger, dataDirectory: URL, publicURL: String
    ) async throws -> (any PSTNGateway, [any Service]) {
        guard let settings = try options.settings(dataDirectory: dataDirectory, publicURL: publicURL) else {
            return (SimulatedCarrier(), [])
        }
        let trunk: SIPTrunkGateway
        do {
            trunk = try await SIPTrunkGateway.start(
                settings, store: store, http: http, group: group, logger: logger,
                userAgent: "Atrium/\(AtriumVersion.current)")
        } catch {
            try? await http.shutdown()  // it must be shut down before it goes away
            throw Self.refusal("cannot serve SIP on \(options.sipListen) (--sip-listen): \(error)")
        }
        logger.info(
            "phone legs go through the SIP trunk",
            metadata: [
                "trunk": "\(settings.trunk)", "sip-port": "\(trunk.sipPort)", "rtp-ports": "\(options.rtpPorts)",
            ])
        return (trunk, [trunk])
    }

    /// Writes `atrium: <message>` to stderr; the error to throw to exit with status 1 and nothing more.
    private static func refusal(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("atrium: \(message)\n".utf8))
        return ExitCode.failure
    }

    /// The server's address as subscribers reach it (the validation handshake's link):
    /// ATRIUM_PUBLIC_URL, else the listening address; https when the server speaks TLS.
    private static func publicURL(host: String, port: Int, tls: Bool) throws(TLSOptions.Failure) -> String {
        guard let configured = ProcessInfo.processInfo.environment["ATRIUM_PUBLIC_URL"], !configured.isEmpty else {
            return "\(tls ? "https" : "http")://\(urlHost(host)):\(port)"
        }
        if tls, !configured.lowercased().hasPrefix("https://") {
            throw TLSOptions.Failure(message: "ATRIUM_PUBLIC_URL must be an https:// URL when the server speaks TLS")
        }
        return configured
    }

    /// `host` as a URL writes it: an IPv6 address in brackets.
    static func urlHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// Runs the application until SIGTERM or SIGINT, then stops it within `seconds`: gracefully,
    /// then by cancellation at 60% of the time, and at 90% by `deadline`, whatever is still running.
    private static func run(
        _ app: some Service, stoppingWithin seconds: Int, _ deadline: ShutdownDeadline, _ logger: Logger
    ) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [StopSignalled(app, onStop: deadline.arm)], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(seconds) * 0.6
        try await ServiceGroup(configuration: configuration).run()
    }

    /// The `topic` / `source` of published events: Atrium's stand-in for an ACS resource id.
    static var topic: String {
        ProcessInfo.processInfo.environment["ATRIUM_TOPIC"] ?? "/atrium/communicationServices/atrium"
    }

    private static func announce(
        url: String, key: String, source: AccessKey.Source,
        selfSigned: (certificate: URL, notValidAfter: Date, isNew: Bool)?
    ) {
        var lines = ["Atrium \(AtriumVersion.current) is listening on \(url)"]
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
        if let selfSigned {
            let path = selfSigned.certificate.path
            let until = ISO8601DateFormatter.string(
                from: selfSigned.notValidAfter, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            lines += [
                "TLS: a self-signed certificate for localhost, 127.0.0.1 and ::1, \(selfSigned.isNew ? "made" : "kept") in",
                "\(path) (valid until \(until)). No client trusts it until told to:",
                "    curl --cacert \(path) \(url)/readyz",
                "    REQUESTS_CA_BUNDLE=\(path) python …    (the Azure SDKs for Python; or connection_verify=\"\(path)\")",
                "    NODE_EXTRA_CA_CERTS=\(path) node …      (the Azure SDKs for JavaScript)",
                "",
            ]
        }
        // Written straight to the file descriptor: stdout may be a pipe, and block-buffered output would sit unseen.
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

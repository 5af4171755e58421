import ArgumentParser
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// Where the database is: `DATABASE_URL`, or an embedded cluster in the data folder.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Folder for Atrium's state: the embedded PostgreSQL cluster and the access key.")
    var dataDir: String = "atrium-data"

    var databaseURL: String? { ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Starts the embedded cluster when no DATABASE_URL is set; returns the client configuration and
    /// the cluster to stop afterwards.
    func open(logger: Logger) async throws -> (PostgresClient.Configuration, EmbeddedPostgres?) {
        if let databaseURL {
            return (try DatabaseURL.configuration(from: databaseURL), nil)
        }
        let embedded = EmbeddedPostgres(dataDirectory: URL(fileURLWithPath: dataDir), logger: logger)
        let configuration = try await embedded.start()
        return (configuration, embedded)
    }

    /// For commands run beside a server (`atrium outbox`): a cluster already running under the
    /// data folder is used and left running; one started here is returned, to be stopped after.
    func openBesideServer(logger: Logger) async throws -> (PostgresClient.Configuration, EmbeddedPostgres?) {
        guard databaseURL == nil else { return try await open(logger: logger) }
        let embedded = EmbeddedPostgres(dataDirectory: URL(fileURLWithPath: dataDir), logger: logger)
        let wasRunning = embedded.isRunning
        let configuration = try await embedded.start()
        return (configuration, wasRunning ? nil : embedded)
    }
}

extension Logger {
    static func atrium(_ label: String = "atrium") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}

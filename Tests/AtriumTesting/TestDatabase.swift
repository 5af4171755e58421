import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// A fresh, migrated database per test, on the PostgreSQL server named by `DATABASE_URL`
/// (`Tools/test` starts one). Dropped afterwards.
public enum TestDatabase {
    /// Whether integration tests can run; Swift Testing traits use it to skip with a reason otherwise.
    public static var isConfigured: Bool { ProcessInfo.processInfo.environment["DATABASE_URL"] != nil }

    public static let logger: Logger = {
        var logger = Logger(label: "atrium-test")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a client of a new database holding Atrium's schema (or `schema`).
    public static func with<T: Sendable>(
        maximumConnections: Int = 40, schema: DatabaseSchema = .embedded,
        _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw Unconfigured()
        }
        let admin = try DatabaseURL.configuration(from: url)
        let name = "atrium_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        _ = try await withClient(admin, maximumConnections: 2) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var configuration = admin
        configuration.database = name
        let result = await Result {
            try await withClient(configuration, maximumConnections: maximumConnections) { client in
                try await Migrator(client: client, logger: logger).migrate(schema)
                return try await body(client)
            }
        }
        // DROP DATABASE forces a checkpoint and holds a transaction id meanwhile (seconds under load);
        // transaction ids are cluster-wide, so it would hold back the log's read barrier in every
        // other test's database. Tools/test throws its scratch cluster away instead.
        if ProcessInfo.processInfo.environment["ATRIUM_TEST_KEEP_DATABASES"] == nil {
            _ = try? await withClient(admin, maximumConnections: 2) { client in
                try await client.query(
                    PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
            }
        }
        return try result.get()
    }

    /// Runs a client for the duration of `body`.
    public static func withClient<T: Sendable>(
        _ configuration: PostgresClient.Configuration, maximumConnections: Int,
        _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(
            configuration: DatabaseURL.tuned(configuration, maximumConnections: maximumConnections),
            backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    public struct Unconfigured: Error, CustomStringConvertible {
        public var description: String { "DATABASE_URL is not set: run the integration tests through Tools/test." }
    }
}

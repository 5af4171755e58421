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
        let name = uniqueName("atrium_test")
        // A copy of a database migrated once per schema: migrating each test's database (one
        // transaction of every table and function) held back, cluster-wide, the log's read barrier
        // of every other test running beside it, and took most of a small test's time.
        let template = try await templates.migrated(schema, admin: admin)
        _ = try await withClient(admin, maximumConnections: 2) { client in
            try await client.query(
                PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: logger)
        }
        var configuration = admin
        configuration.database = name
        let result = await Result {
            try await withClient(configuration, maximumConnections: maximumConnections) { client in
                try await body(client)
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

    private static let templates = Templates()

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    /// The migrated template databases, one per schema, named by its fingerprint: made once (by
    /// this process or an earlier one) and reused.
    private actor Templates {
        private var ready: [String: Task<String, any Error>] = [:]

        func migrated(_ schema: DatabaseSchema, admin: PostgresClient.Configuration) async throws -> String {
            let name = "atrium_template_\(schema.fingerprint.prefix(20))"
            if let task = ready[name], let made = try? await task.value { return made }
            let task = Task { try await Self.make(name, schema: schema, admin: admin) }
            ready[name] = task
            return try await task.value
        }

        /// Migrated under a name of its own, then renamed: a template that exists is complete.
        private static func make(
            _ name: String, schema: DatabaseSchema, admin: PostgresClient.Configuration
        ) async throws -> String {
            let exists = try await withClient(admin, maximumConnections: 2) { client in
                let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
                return try await rows.collect().count > 0
            }
            guard !exists else { return name }
            let building = uniqueName("atrium_template_building")
            _ = try await withClient(admin, maximumConnections: 2) { client in
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(building)"), logger: logger)
            }
            var configuration = admin
            configuration.database = building
            _ = try await withClient(configuration, maximumConnections: 2) { client in
                try await Migrator(client: client, logger: logger).migrate(schema)
            }
            try await withClient(admin, maximumConnections: 2) { client in
                do {
                    try await client.query(
                        PostgresQuery(unsafeSQL: "ALTER DATABASE \(building) RENAME TO \(name)"), logger: logger)
                } catch {
                    _ = try? await client.query(
                        PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(building)"), logger: logger)
                    // Another process made it meanwhile: use theirs. Otherwise the rename's error is the failure.
                    let rows = try await client.query(
                        "SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
                    guard try await rows.collect().count > 0 else { throw error }
                }
            }
            return name
        }
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

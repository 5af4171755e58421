import Foundation
import Logging
import PostgresNIO

/// Applies numbered migrations once each, in order, recording their checksums; then applies again
/// every function file whose text changed since it was last applied. All of it in one transaction:
/// a database is at one schema or the next, never between.
///
/// Several nodes may start at once: an advisory lock makes them take turns.
public struct Migrator: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    /// Arbitrary, fixed: the advisory lock key that serialises migrators.
    private static let lockKey: Int64 = 0x4154_5249_554D_0001

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Applies what is missing or changed; returns the names of the files it applied.
    @discardableResult
    public func migrate(_ schema: DatabaseSchema) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(schema, on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(_ schema: DatabaseSchema, on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_functions (
                name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        let plan = try await MigrationPlan(
            schema, recorded: recordedMigrations(on: connection),
            recordedFunctions: recordedFunctions(on: connection))
        guard !plan.isEmpty else { return [] }
        try await connection.withTransaction(logger: logger) { transaction in
            for migration in plan.rerecorded {
                try await transaction.query(
                    "UPDATE schema_migrations SET checksum = \(migration.checksum) WHERE version = \(Int32(migration.version))",
                    logger: logger)
            }
            for migration in plan.migrations {
                try await run(migration.sql, on: transaction)
                try await transaction.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(Int32(migration.version)), \(migration.name), \(migration.checksum))
                    """, logger: logger)
            }
            // SQL-language functions are checked against what exists when created; functions may
            // use one another, so, as pg_dump does, they are checked when first run instead, and
            // the files go in any order.
            try await transaction.query("SET LOCAL check_function_bodies = off", logger: logger)
            for function in plan.functions {
                try await run(function.sql, on: transaction)
                try await transaction.query(
                    """
                    INSERT INTO schema_functions (name, checksum) VALUES (\(function.name), \(function.checksum))
                    ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()
                    """, logger: logger)
            }
            if !plan.forgottenFunctions.isEmpty {
                try await transaction.query(
                    "DELETE FROM schema_functions WHERE name = ANY(\(plan.forgottenFunctions))", logger: logger)
            }
        }
        for name in plan.appliedNames { logger.info("applied migration", metadata: ["migration": "\(name)"]) }
        return plan.appliedNames
    }

    private func run(_ script: String, on transaction: PostgresConnection) async throws {
        for statement in SQLScript.statements(in: script) {
            try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }

    private func recordedMigrations(on connection: PostgresConnection) async throws -> [Int: (
        name: String, checksum: String
    )] {
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for try await (version, name, checksum) in try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations", logger: logger
        ).decode((Int32, String, String).self) {
            recorded[Int(version)] = (name, checksum)
        }
        return recorded
    }

    private func recordedFunctions(on connection: PostgresConnection) async throws -> [String: String] {
        var recorded: [String: String] = [:]
        for try await (name, checksum) in try await connection.query(
            "SELECT name, checksum FROM schema_functions", logger: logger
        ).decode((String, String).self) {
            recorded[name] = checksum
        }
        return recorded
    }
}

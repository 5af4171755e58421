import AtriumTesting
import Foundation
import PostgresNIO
import Testing

@testable import AtriumStore

/// A database migrated before functions had files of their own (every database until then)
/// upgrades in place, and ends with what a fresh install has.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct SchemaUpgradeTests {
    /// `Migrations/` as it was then, byte for byte (Tests/Fixtures/README.md).
    static func schemaBeforeFunctionFiles() throws -> DatabaseSchema {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/migrations-before-function-files.json")
        let files = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: fixture))
        return DatabaseSchema(files: files.map { ($0.key, $0.value) })
    }

    @Test func anOldDatabaseUpgradesInPlaceToAFreshInstallsSchema() async throws {
        let old = try Self.schemaBeforeFunctionFiles()
        #expect(old.functions.isEmpty && old.migrations.count == 13)
        let fresh = try await TestDatabase.with(maximumConnections: 2) { try await SchemaSnapshot(of: $0) }
        let upgraded = try await TestDatabase.with(maximumConnections: 2, schema: old) { client in
            let applied = try await Migrator(client: client, logger: TestDatabase.logger).migrate(.embedded)
            #expect(applied.contains("0015_functions_in_their_own_files.sql"))
            #expect(applied.contains("functions/project_inline.sql"))
            return try await SchemaSnapshot(of: client)
        }
        #expect(fresh.functions.count == DatabaseSchema.embedded.functions.count)
        for (aspect, freshRows, upgradedRows) in fresh.aspects(comparedWith: upgraded) {
            let onlyFresh = freshRows.filter { !upgradedRows.contains($0) }
            let onlyUpgraded = upgradedRows.filter { !freshRows.contains($0) }
            #expect(
                onlyFresh.isEmpty && onlyUpgraded.isEmpty,
                "\(aspect): fresh only \(onlyFresh), upgraded only \(onlyUpgraded)")
        }
    }

    @Test func theAcceptedOldChecksumsAreThoseOfTheOldFiles() throws {
        let old = try Self.schemaBeforeFunctionFiles()
        let current = DatabaseSchema.embedded
        for migration in old.migrations {
            let now = try #require(current.migrations.first { $0.version == migration.version })
            #expect(now.name == migration.name)
            if now.checksum == migration.checksum {
                #expect(Migration.checksumsBeforeFunctionFiles[migration.version] == nil)
            } else {
                #expect(Migration.checksumsBeforeFunctionFiles[migration.version] == migration.checksum)
            }
        }
    }
}

/// What a database's schema is made of, as comparable text: every function's definition, views,
/// tables' columns, indexes and constraints, and what the migrator recorded.
struct SchemaSnapshot: Sendable {
    var functions: [String]
    var views: [String]
    var columns: [String]
    var indexes: [String]
    var constraints: [String]
    var recorded: [String]

    static let schemas = "('public', 'atrium_rebuild')"

    init(of client: PostgresClient) async throws {
        functions = try await Self.rows(
            """
            SELECT p.oid::regprocedure::text || E'\\n' || pg_get_functiondef(p.oid)
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname IN \(Self.schemas) AND p.prokind IN ('f', 'p')
            """, on: client)
        views = try await Self.rows(
            "SELECT schemaname || '.' || viewname || ': ' || definition FROM pg_views WHERE schemaname IN \(Self.schemas)",
            on: client)
        columns = try await Self.rows(
            """
            SELECT concat_ws(' ', table_schema || '.' || table_name, ordinal_position, column_name, data_type,
                             is_nullable, column_default, is_identity)
              FROM information_schema.columns WHERE table_schema IN \(Self.schemas)
            """, on: client)
        indexes = try await Self.rows(
            "SELECT indexdef FROM pg_indexes WHERE schemaname IN \(Self.schemas)", on: client)
        constraints = try await Self.rows(
            """
            SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
              FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
             WHERE n.nspname IN \(Self.schemas)
            """, on: client)
        recorded = try await Self.rows(
            """
            SELECT version || ' ' || name || ' ' || checksum FROM schema_migrations
            UNION ALL SELECT name || ' ' || checksum FROM schema_functions
            """, on: client)
    }

    func aspects(comparedWith other: SchemaSnapshot) -> [(String, [String], [String])] {
        [
            ("functions", functions, other.functions), ("views", views, other.views),
            ("columns", columns, other.columns), ("indexes", indexes, other.indexes),
            ("constraints", constraints, other.constraints), ("recorded", recorded, other.recorded),
        ]
    }

    private static func rows(_ sql: String, on client: PostgresClient) async throws -> [String] {
        var rows: [String] = []
        for try await row in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestDatabase.logger)
            .decode(String.self)
        {
            rows.append(row)
        }
        return rows.sorted()
    }
}

import AtriumTesting
import Foundation
import PostgresNIO
import Testing

@testable import AtriumStore

@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct MigratorTests {
    @Test func migratingTwiceAppliesNothingTheSecondTime() async throws {
        try await TestDatabase.with { client in
            let applied = try await Migrator(client: client, logger: TestDatabase.logger).migrate(.embedded)
            #expect(applied.isEmpty)
        }
    }

    @Test func aChangedFunctionFileIsAppliedAgainAndOnlyIt() async throws {
        try await TestDatabase.with { client in
            var schema = DatabaseSchema.embedded
            let index = try #require(schema.functions.firstIndex { $0.name == "functions/stream_category.sql" })
            schema.functions[index].sql = schema.functions[index].sql.replacingOccurrences(
                of: "split_part(p_stream_id, '-', 1)", with: "'changed'::text")
            let migrator = Migrator(client: client, logger: TestDatabase.logger)
            #expect(try await migrator.migrate(schema) == ["functions/stream_category.sql"])
            let category = try await client.query("SELECT stream_category('room-1')", logger: TestDatabase.logger)
                .decode(String.self).first { _ in true }
            #expect(category == "changed")
            #expect(try await migrator.migrate(.embedded) == ["functions/stream_category.sql"])
            #expect(try await migrator.migrate(.embedded).isEmpty)
        }
    }

    @Test func anEditedAppliedMigrationIsRefusedWithAClearMessage() async throws {
        try await TestDatabase.with { client in
            var schema = DatabaseSchema.embedded
            schema.migrations[1].sql += "\n-- an edit after the fact\n"
            do {
                try await Migrator(client: client, logger: TestDatabase.logger).migrate(schema)
                Issue.record("an edited migration was accepted")
            } catch let error as MigrationError {
                #expect("\(error)".contains(schema.migrations[1].name))
                #expect("\(error)".contains("edited after it was applied"))
            }
        }
    }

    @Test func scriptsSplitOnTopLevelSemicolonsOnly() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'a;b');
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END; $$;
            CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;y' $body$;
            /* block; comment */ SELECT "odd;name" FROM a
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[1].hasSuffix("END; $$"))
    }
}

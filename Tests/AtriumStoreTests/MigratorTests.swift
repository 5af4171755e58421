import AtriumTesting
import Foundation
import PostgresNIO
import Testing

@testable import AtriumStore

@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct MigratorTests {
    @Test func migratingTwiceAppliesNothingTheSecondTime() async throws {
        try await TestDatabase.with { client in
            let applied = try await Migrator(client: client, logger: TestDatabase.logger)
                .migrate(Migration.load(from: Migration.locate()))
            #expect(applied.isEmpty)
        }
    }

    @Test func anEditedAppliedMigrationIsRefusedWithAClearMessage() async throws {
        try await TestDatabase.with { client in
            var migrations = try Migration.load(from: Migration.locate())
            migrations[1].sql += "\n-- an edit after the fact\n"
            do {
                try await Migrator(client: client, logger: TestDatabase.logger).migrate(migrations)
                Issue.record("an edited migration was accepted")
            } catch let error as MigrationError {
                #expect("\(error)".contains(migrations[1].name))
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

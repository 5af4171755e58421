import ArgumentParser
import AtriumStore
import Foundation
import Logging
import PostgresNIO

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the database migrations (the server also does this at start-up).",
        discussion: """
            Numbered migrations are applied once and recorded with a checksum: an edited, already-applied \
            one is refused. Function files (functions/*.sql) are applied again whenever their text changes. \
            The migrations are those built into this binary, unless --migrations names a folder.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Folder laid out like the repository's Migrations/ (default: the ones built into this binary).")
    var migrations: String?

    func run() async throws {
        let logger = Logger.atrium()
        let (configuration, embedded) = try await database.open(logger: logger)
        defer { embedded?.stop() }
        let schema = try migrations.map { try DatabaseSchema.load(from: URL(fileURLWithPath: $0)) } ?? .embedded
        let applied = try await Self.apply(schema, configuration: configuration, logger: logger)
        print(applied.isEmpty ? "The database is up to date." : "Applied: \(applied.joined(separator: ", "))")
    }

    /// Applies `schema` with a short-lived client of its own (the server does
    /// this before any of its services touches the database).
    static func apply(
        _ schema: DatabaseSchema, configuration: PostgresClient.Configuration, logger: Logger
    ) async throws -> [String] {
        let client = PostgresClient(
            configuration: DatabaseURL.tuned(configuration, maximumConnections: 2), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await Migrator(client: client, logger: logger).migrate(schema)
        }
    }
}

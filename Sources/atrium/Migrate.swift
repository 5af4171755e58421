import ArgumentParser
import AtriumStore
import Foundation
import Logging
import PostgresNIO

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the database migrations in Migrations/ (the server also does this at start-up).",
        discussion: "Applied migrations are recorded with a checksum; an edited, already-applied migration is refused."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Folder of numbered .sql migrations (default: the repository's Migrations/).")
    var migrations: String?

    func run() async throws {
        let logger = Logger.atrium()
        let (configuration, embedded) = try await database.open(logger: logger)
        defer { embedded?.stop() }
        let folder = try migrations.map { URL(fileURLWithPath: $0) } ?? Migration.locate()
        let applied = try await Self.apply(from: folder, configuration: configuration, logger: logger)
        print(applied.isEmpty ? "The database is up to date." : "Applied: \(applied.joined(separator: ", "))")
    }

    /// Applies the migrations in `folder` with a short-lived client of its own (the server does
    /// this before any of its services touches the database).
    static func apply(
        from folder: URL, configuration: PostgresClient.Configuration, logger: Logger
    ) async throws -> [String] {
        let client = PostgresClient(
            configuration: DatabaseURL.tuned(configuration, maximumConnections: 2), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await Migrator(client: client, logger: logger).migrate(Migration.load(from: folder))
        }
    }
}

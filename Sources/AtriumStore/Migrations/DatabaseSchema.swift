import Foundation

/// Everything the migrator applies: the numbered migrations, in order, and the function files.
///
/// The binary carries its own (`embedded`, generated from `Migrations/` at build time by the
/// EmbedMigrations plugin), so a copy of `atrium` runs anywhere; `load(from:)` reads a folder laid
/// out the same way.
public struct DatabaseSchema: Sendable {
    public var migrations: [Migration]
    public var functions: [FunctionFile]

    /// Sorts files given by their path in `Migrations/`: `NNNN_*.sql` at the top are migrations,
    /// `functions/*.sql` function files; anything else is ignored.
    public init(files: [(path: String, text: String)]) {
        migrations = files.compactMap { $0.path.contains("/") ? nil : Migration(name: $0.path, sql: $0.text) }
            .sorted { $0.version < $1.version }
        functions = files.filter { $0.path.hasPrefix("functions/") && $0.path.hasSuffix(".sql") }
            .map { FunctionFile(name: $0.path, sql: $0.text) }
            .sorted { $0.name < $1.name }
    }

    /// One checksum over every file's name and text: equal fingerprints, equal schemas.
    public var fingerprint: String {
        Checksum.sha256(
            (migrations.map { "\($0.name) \($0.checksum)" } + functions.map { "\($0.name) \($0.checksum)" })
                .joined(separator: "\n"))
    }

    /// The schema this binary was built with.
    public static let embedded = DatabaseSchema(files: EmbeddedMigrations.files.map { ($0.key, $0.value) })

    /// The schema in a folder laid out like `Migrations/`.
    public static func load(from directory: URL) throws -> DatabaseSchema {
        var files: [(path: String, text: String)] = []
        for folder in ["", "functions/"] {
            let url = directory.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where name.hasSuffix(".sql") {
                files.append((folder + name, try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)))
            }
        }
        return DatabaseSchema(files: files)
    }
}

import Crypto
import Foundation

/// One numbered schema change, `NNNN_description.sql` in `Migrations/`.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String

    /// SHA-256 of the file, recorded when applied: an applied migration must never change.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The migrations in a folder, in order. Files not named `NNNN_*.sql` are ignored.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        return try files.compactMap { file -> Migration? in
            let name = file.lastPathComponent
            guard name.hasSuffix(".sql"), let prefix = name.split(separator: "_").first, let version = Int(prefix)
            else {
                return nil
            }
            return Migration(version: version, name: name, sql: try String(contentsOf: file, encoding: .utf8))
        }
        .sorted { $0.version < $1.version }
    }

    /// The migrations of this checkout: `$ATRIUM_MIGRATIONS`, else the first `Migrations/` folder
    /// found walking up from the executable (`.build/debug/atrium` lives inside the repository), then
    /// from the working directory.
    public static func locate() throws -> URL {
        if let configured = ProcessInfo.processInfo.environment["ATRIUM_MIGRATIONS"] {
            return URL(fileURLWithPath: configured)
        }
        let starts = [
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ]
        for start in starts {
            var directory = start.standardizedFileURL
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent("Migrations")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_event_log.sql").path) {
                    return candidate
                }
                directory.deleteLastPathComponent()
            }
        }
        throw MigrationError.notFound
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case notFound
    case changedAfterApplied(name: String, recorded: String, current: String)
    case unknownApplied(version: Int, name: String)

    public var description: String {
        switch self {
        case .notFound:
            "Cannot find the Migrations folder: set ATRIUM_MIGRATIONS to its path."
        case .changedAfterApplied(let name, let recorded, let current):
            """
            Migration \(name) was edited after it was applied to this database \
            (recorded checksum \(recorded.prefix(12))…, file now \(current.prefix(12))…). \
            Applied migrations must not change: restore the file and put the change in a new migration.
            """
        case .unknownApplied(let version, let name):
            "The database has migration \(version) (\(name)) which this build does not know: is this build older than the database?"
        }
    }
}

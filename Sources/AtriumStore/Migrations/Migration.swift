import Foundation

/// One numbered schema change, `NNNN_description.sql` in `Migrations/`: what must happen once
/// (tables, columns, indexes, data moves). Functions live in `FunctionFile`s.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String

    /// SHA-256 of the file, recorded when applied: an applied migration must never change.
    public var checksum: String { Checksum.sha256(sql) }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The migration a file named `NNNN_*.sql` holds; nil for any other name.
    init?(name: String, sql: String) {
        guard name.hasSuffix(".sql"), let prefix = name.split(separator: "_").first, let version = Int(prefix) else {
            return nil
        }
        self.init(version: version, name: name, sql: sql)
    }

    /// Whether a checksum recorded for this migration is its own, or that of its text before the
    /// functions moved out (`checksumsBeforeFunctionFiles`).
    func accepts(recorded: String) -> Bool {
        recorded == checksum || Self.checksumsBeforeFunctionFiles[version] == recorded
    }
}

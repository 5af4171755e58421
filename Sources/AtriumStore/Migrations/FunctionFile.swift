/// One SQL function, `functions/<name>.sql` in `Migrations/`: a `CREATE OR REPLACE` with its
/// current text, applied again whenever that text changes.
public struct FunctionFile: Sendable {
    /// The file's path in `Migrations/`, `functions/<name>.sql`.
    public var name: String
    public var sql: String

    /// SHA-256 of the file, recorded when applied: a different one means apply it again.
    public var checksum: String { Checksum.sha256(sql) }

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

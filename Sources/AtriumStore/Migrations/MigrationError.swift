/// Why the migrator refuses a database.
public enum MigrationError: Error, CustomStringConvertible {
    case changedAfterApplied(name: String, recorded: String, current: String)
    case unknownApplied(version: Int, name: String)

    public var description: String {
        switch self {
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

/// Why a rebuild did not happen.
public enum RebuildError: Error, CustomStringConvertible, Equatable {
    /// Another rebuild or verify holds the rebuild lock (one at a time across the cluster).
    case alreadyRunning
    /// The database lacks the rebuild functions (Migrations/functions/rebuild_*.sql).
    case notMigrated
    /// Writers or long readers kept the live tables busy through every attempt to swap.
    case liveTablesStayedBusy(attempts: Int)

    public var description: String {
        switch self {
        case .alreadyRunning:
            "another rebuild or verify is running on this database; try again when it has finished"
        case .notMigrated:
            "the database lacks the rebuild functions: run `atrium migrate` (or start the server once) first"
        case .liveTablesStayedBusy(let attempts):
            "the live tables stayed busy through \(attempts) attempts to swap; nothing was changed, try again"
        }
    }
}

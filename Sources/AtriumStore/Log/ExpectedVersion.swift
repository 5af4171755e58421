/// What a writer believes about a stream before appending: the optimistic-concurrency check.
public enum ExpectedVersion: Equatable, Sendable {
    /// The stream must not exist yet.
    case noStream
    /// The stream must hold exactly this many events.
    case exact(Int64)
    /// No check.
    case any

    /// The encoding the append statements take (see `AppendBatchBindings`).
    var sqlValue: Int64? {
        switch self {
        case .noStream: -1
        case .exact(let version): version
        case .any: nil
        }
    }

    /// The expectation matching a stream that currently holds `version` events.
    public static func at(_ version: Int64) -> ExpectedVersion { version == 0 ? .noStream : .exact(version) }
}

import Foundation

/// The moment of a stream's history whose state is asked for.
public enum AuditMoment: Equatable, Sendable {
    /// After every event.
    case latest
    /// After the first `n` events (0: before the first).
    case version(Int64)
    /// After the events recorded at or before this instant.
    case time(Date)
}

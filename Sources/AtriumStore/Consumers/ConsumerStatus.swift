import Foundation

/// Where a consumer of the log stands.
public struct ConsumerStatus: Sendable, Equatable {
    public var name: String
    /// The last event it has dealt with (it continues after it).
    public var position: LogPosition
    /// Events in the log after its position: what it has still to read.
    public var lag: Int
    /// When its checkpoint last moved.
    public var updatedAt: Date
}

/// A place in the whole log: the committing transaction, then the position within it.
///
/// Readers of the whole log page by this pair, never by `globalPosition` alone, because positions
/// become visible in commit order, not in the order they were handed out.
public struct LogPosition: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var transactionId: Int64
    public var globalPosition: Int64

    public init(transactionId: Int64, globalPosition: Int64) {
        self.transactionId = transactionId
        self.globalPosition = globalPosition
    }

    /// Before the first event.
    public static let start = LogPosition(transactionId: 0, globalPosition: 0)

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.transactionId, lhs.globalPosition) < (rhs.transactionId, rhs.globalPosition)
    }

    public var description: String { "\(transactionId)/\(globalPosition)" }
}

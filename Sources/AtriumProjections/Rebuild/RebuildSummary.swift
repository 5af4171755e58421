/// What a rebuild did.
public struct RebuildSummary: Sendable {
    public var projections: [RebuildableProjection]
    /// Log events read, of every stream, including those appended while it ran.
    public var eventsReplayed: Int
    /// Of those, the events the rebuilt projections applied.
    public var eventsApplied: Int
    /// From the start to the swap's commit (or to the end of the comparison, for a verify).
    public var duration: Duration
    /// Events applied in the last transaction: with writers held off (swap), or inside the compared
    /// snapshot (verify).
    public var eventsAtTheEnd: Int
    /// How long writers of the live tables waited for the swap, at most (zero for a verify, which
    /// holds nothing).
    public var writersHeldOff: Duration
    /// Attempts at the swap: it gives way when it cannot lock the live tables at once.
    public var swapAttempts: Int

    public var eventsPerSecond: Double {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) + Double(attoseconds) / 1e18
        return total > 0 ? Double(eventsReplayed) / total : 0
    }
}

/// What `verify` found: the summary of the rebuild it made, and where it differs from the live tables.
public struct VerifyReport: Sendable {
    public var summary: RebuildSummary
    /// Empty when the live tables equal a fresh rebuild.
    public var differences: [ProjectionDifference]
}

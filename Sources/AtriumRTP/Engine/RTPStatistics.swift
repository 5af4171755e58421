/// What a leg has sent and received, and how evenly it sent.
public struct RTPStatistics: Sendable, Hashable {
    public var packetsSent = 0
    /// RTP packets accepted from the remote (audio and telephone-events).
    public var packetsReceived = 0
    /// Audio that arrived after its time had been played, or twice.
    public var packetsLate = 0
    public var packetsDuplicate = 0
    /// Datagrams that are not RTP (short, wrong version, lengths beyond their end).
    public var packetsMalformed = 0
    /// RTP of a payload type that was not negotiated.
    public var packetsOtherPayloadType = 0
    /// Packets from an address that is not the remote's (before the leg follows a moved source).
    public var packetsFromOtherSources = 0
    /// The 99th percentile of |interval between two sent packets − 20 ms|, in milliseconds.
    public var sendIntervalJitterP99Milliseconds: Double = 0
    /// The largest such deviation seen.
    public var sendIntervalJitterMaximumMilliseconds: Double = 0

    public init() {}
}

/// Deviations of send intervals from 20 ms, counted in 10 µs buckets up to 50 ms (beyond: the last),
/// so percentiles cost no allocation per packet.
struct SendIntervalHistogram: Sendable {
    static let bucketNanoseconds: Int64 = 10_000
    private var buckets = [UInt32](repeating: 0, count: 5_000)
    private(set) var count = 0
    private(set) var maximumNanoseconds: Int64 = 0

    mutating func record(deviationNanoseconds: Int64) {
        let deviation = abs(deviationNanoseconds)
        buckets[min(buckets.count - 1, Int(deviation / Self.bucketNanoseconds))] += 1
        count += 1
        maximumNanoseconds = max(maximumNanoseconds, deviation)
    }

    mutating func merge(_ other: SendIntervalHistogram) {
        for index in buckets.indices { buckets[index] += other.buckets[index] }
        count += other.count
        maximumNanoseconds = max(maximumNanoseconds, other.maximumNanoseconds)
    }

    /// Removes an earlier snapshot's counts (to measure a window); the maximum stays the overall one.
    mutating func subtract(_ earlier: SendIntervalHistogram) {
        for index in buckets.indices { buckets[index] -= earlier.buckets[index] }
        count -= earlier.count
    }

    /// The upper edge of the bucket holding the given quantile, in milliseconds.
    func quantileMilliseconds(_ quantile: Double) -> Double {
        guard count > 0 else { return 0 }
        let wanted = Int((Double(count) * quantile).rounded(.up))
        var seen = 0
        for (index, bucket) in buckets.enumerated() {
            seen += Int(bucket)
            if seen >= wanted { return Double(Int64(index + 1) * Self.bucketNanoseconds) / 1_000_000 }
        }
        return Double(maximumNanoseconds) / 1_000_000
    }
}

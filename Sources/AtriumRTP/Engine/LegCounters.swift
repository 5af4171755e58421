import Synchronization

/// A leg's statistics, written on its event loop and read from anywhere.
final class LegCounters: Sendable {
    private let state = Mutex((statistics: RTPStatistics(), histogram: SendIntervalHistogram()))

    func update(_ change: (inout RTPStatistics) -> Void) {
        state.withLock { change(&$0.statistics) }
    }

    func recordSend(deviationNanoseconds: Int64?) {
        state.withLock {
            $0.statistics.packetsSent += 1
            if let deviationNanoseconds { $0.histogram.record(deviationNanoseconds: deviationNanoseconds) }
        }
    }

    var histogram: SendIntervalHistogram { state.withLock { $0.histogram } }

    var snapshot: RTPStatistics {
        state.withLock {
            var statistics = $0.statistics
            statistics.sendIntervalJitterP99Milliseconds = $0.histogram.quantileMilliseconds(0.99)
            statistics.sendIntervalJitterMaximumMilliseconds = Double($0.histogram.maximumNanoseconds) / 1_000_000
            return statistics
        }
    }
}

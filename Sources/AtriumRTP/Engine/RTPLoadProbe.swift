import Foundation
import Logging
import NIOCore

/// A measurement of the engine's capacity on one machine: legs opened in pairs on loopback, each pair
/// connected to each other and each leg playing a tone (so every tick decodes, mixes, encodes and
/// sends), for a while; then the send clock's jitter over all packets and the CPU time they cost.
public enum RTPLoadProbe {
    /// What one run measured.
    public struct Report: Sendable, CustomStringConvertible {
        public var legs: Int
        public var eventLoops: Int
        public var seconds: Double
        public var packetsSent: Int
        public var packetsReceived: Int
        /// Over all packets of all legs: the 99th percentile of |send interval − 20 ms|.
        public var sendJitterP99Milliseconds: Double
        public var sendJitterMaximumMilliseconds: Double
        /// The process's user + system CPU time during the run, divided by legs and seconds: the
        /// fraction of one core one leg needs.
        public var cpuPerLeg: Double

        public var description: String {
            let perLeg = String(format: "%.3f", cpuPerLeg * 100)
            let legsPerCore = cpuPerLeg > 0 ? String(format: "%.0f", 1 / cpuPerLeg) : "-"
            return "\(legs) legs on \(eventLoops) event loop(s), \(String(format: "%.1f", seconds)) s: "
                + "\(packetsSent) packets sent, \(packetsReceived) received, send jitter p99 "
                + "\(String(format: "%.3f", sendJitterP99Milliseconds)) ms (max "
                + "\(String(format: "%.3f", sendJitterMaximumMilliseconds)) ms), CPU \(perLeg)% of a core per leg "
                + "(≈ \(legsPerCore) legs per core)"
        }
    }

    /// Runs `legs` legs (rounded up to pairs) on `group` for `seconds` after a one-second warm-up.
    public static func measure(legs: Int, seconds: Double, group: any EventLoopGroup) async throws -> Report {
        let engine = RTPEngine(
            host: "127.0.0.1", portRange: 0...0, group: group, logger: Logger(label: "AtriumRTP.RTPLoadProbe"))
        let pairs = (legs + 1) / 2
        var opened: [RTPLeg] = []
        for pair in 0..<pairs {
            let first = try await engine.openLeg(conference: "probe-\(pair)-a")
            let second = try await engine.openLeg(conference: "probe-\(pair)-b")
            try first.connect(
                to: RTPRemote(host: "127.0.0.1", port: second.localPort, codec: .pcmu, telephoneEventPayloadType: 101))
            try second.connect(
                to: RTPRemote(host: "127.0.0.1", port: first.localPort, codec: .pcmu, telephoneEventPayloadType: 101))
            opened += [first, second]
        }
        let tone = AudioPrompt(
            samples: (0..<Int((seconds + 2) * 8_000)).map {
                Int16(8_000 * sin(2 * Double.pi * 440 * Double($0) / 8_000))
            })
        let playing = opened
        let players = Task {
            await withTaskGroup(of: Void.self) { players in
                for leg in playing { players.addTask { try? await leg.play(tone) {} } }
            }
        }
        try await Task.sleep(for: .seconds(1))
        let sentBefore = opened.reduce(into: SendIntervalHistogram()) { $0.merge($1.sendIntervalHistogram) }
        let before = ProcessCPUTime.now()
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let cpu = ProcessCPUTime.now() - before
        let elapsed = ContinuousClock.now - started
        var histogram = opened.reduce(into: SendIntervalHistogram()) { $0.merge($1.sendIntervalHistogram) }
        histogram.subtract(sentBefore)
        let statistics = opened.map(\.statistics)
        players.cancel()
        await engine.shutdown()
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Report(
            legs: opened.count, eventLoops: group.makeIterator().reduce(0) { count, _ in count + 1 }, seconds: wall,
            packetsSent: statistics.reduce(0) { $0 + $1.packetsSent },
            packetsReceived: statistics.reduce(0) { $0 + $1.packetsReceived },
            sendJitterP99Milliseconds: histogram.quantileMilliseconds(0.99),
            sendJitterMaximumMilliseconds: Double(histogram.maximumNanoseconds) / 1_000_000,
            cpuPerLeg: cpu / wall / Double(opened.count))
    }
}

/// The process's CPU time (user + system, all threads) in seconds.
enum ProcessCPUTime {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
    }
}

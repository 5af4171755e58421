import ArgumentParser
import AtriumRTP
import Foundation
import NIOPosix

/// `atrium bench-legs`: how many phone legs the RTP engine carries on this machine with their
/// packets still sent on time. Legs are opened in pairs on loopback, each playing a tone to its
/// peer (every tick decodes, mixes, encodes and sends), at more and more legs until the send
/// clock's jitter passes its bound or more than 0.1% of the packets are lost; each step is bounded
/// in time.
struct BenchLegs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-legs",
        abstract: "Measure how many phone legs' RTP the engine sends on time (loopback; bounded in time).")

    @Option(help: "Leg counts to try, in order (comma-separated); stops at the first over the bound.")
    var legs = "50,100,200,300,400,600,800"
    @Option(help: "Seconds measured at each count (after a one-second warm-up).")
    var seconds = 5.0
    @Option(help: "The bound on the send interval's jitter at the 99th percentile, in milliseconds.")
    var jitterBound = 2.0
    @Option(help: "Event loops the engine runs on.")
    var eventLoops = 1

    func run() async throws {
        let counts = legs.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ (2...4_000).contains($0) }) else {
            throw ValidationError("--legs must be counts between 2 and 4000, e.g. 50,100,200.")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops)
        let outcome = await Result { try await measure(counts, on: group) }
        try? await group.shutdownGracefully()
        try outcome.get()
    }

    private func measure(_ counts: [Int], on group: MultiThreadedEventLoopGroup) async throws {
        print("legs  jitter p99 (ms)  max (ms)  lost  CPU per leg (% of a core)  RSS per leg (KiB)")
        var carried: RTPLoadProbe.Report?
        for count in counts {
            let rssBefore = Self.residentKiB()
            let report = try await RTPLoadProbe.measure(legs: count, seconds: seconds, group: group)
            let rssPerLeg = Double(max(0, Self.residentKiB() - rssBefore)) / Double(report.legs)
            let lost = max(0, report.packetsSent - report.packetsReceived)
            print(
                String(
                    format: "%4d  %15.3f  %8.3f  %4d  %25.2f  %17.1f", report.legs, report.sendJitterP99Milliseconds,
                    report.sendJitterMaximumMilliseconds, lost, report.cpuPerLeg * 100, rssPerLeg))
            guard report.sendJitterP99Milliseconds < jitterBound, Double(lost) <= Double(report.packetsSent) * 0.001
            else { break }
            carried = report
        }
        guard let carried else {
            print("No count kept the jitter under \(jitterBound) ms.")
            return
        }
        let perCore = carried.cpuPerLeg > 0 ? 1 / carried.cpuPerLeg : 0
        print(
            String(
                format:
                    "Carried %d legs (send jitter p99 under %.1f ms, at most 0.1%% lost) on %d event loop(s); at %.2f%% of a core a leg, "
                    + "about %.0f legs per core (the goal: 250, what Asterisk carries for G.711).",
                carried.legs, jitterBound, eventLoops, carried.cpuPerLeg * 100, perCore))
    }

    /// The process's resident memory (VmRSS), in KiB; 0 where /proc is missing.
    private static func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

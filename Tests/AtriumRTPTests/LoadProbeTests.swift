import AtriumRTP
import Foundation
import NIOPosix
import Testing

/// The capacity figures: `RTP_PROBE_LEGS=50,100,200 swift test --skip-build --filter RTPLoadProbe`
/// (one event loop, i.e. one core for the media; 10 s each; build with `-c release` for real figures).
/// Without the variable, a short run of 10 legs checks only that the probe works: timing figures
/// taken while the other tests run in parallel mean nothing.
@Suite("RTPLoadProbe", .timeLimit(.minutes(5)))
struct LoadProbeTests {
    @Test("legs in pairs on loopback: send jitter and CPU per leg")
    func probe() async throws {
        let requested = ProcessInfo.processInfo.environment["RTP_PROBE_LEGS"]
        let counts = requested.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [10]
        let seconds = requested == nil ? 1.0 : 10.0
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        for legs in counts {
            let report = try await RTPLoadProbe.measure(legs: legs, seconds: seconds, group: group)
            print("RTPLoadProbe: \(report)")
            // Only that media flowed both ways: on a machine shared with builds a debug run loses ticks.
            #expect(report.packetsSent >= legs * Int(seconds * 25))
            #expect(report.packetsReceived >= report.packetsSent / 2)
        }
        try await group.shutdownGracefully()
    }
}

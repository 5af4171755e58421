import AtriumRTP
import Logging
import NIOCore
import NIOPosix

/// An engine on loopback with its own event loop, shut down after the test.
struct EngineFixture {
    let group: MultiThreadedEventLoopGroup
    let engine: RTPEngine

    init(threads: Int = 1) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        engine = RTPEngine(host: "127.0.0.1", portRange: 0...0, group: group, logger: Logger(label: "test.rtp"))
    }

    func close() async {
        await engine.shutdown()
        try? await group.shutdownGracefully()
    }

    /// Two legs, in their own conferences, connected to each other.
    func connectedPair(codec: G711 = .pcmu, events: UInt8? = 101) async throws -> (RTPLeg, RTPLeg) {
        let first = try await engine.openLeg(conference: "pair-a")
        let second = try await engine.openLeg(conference: "pair-b")
        try first.connect(
            to: RTPRemote(host: "127.0.0.1", port: second.localPort, codec: codec, telephoneEventPayloadType: events))
        try second.connect(
            to: RTPRemote(host: "127.0.0.1", port: first.localPort, codec: codec, telephoneEventPayloadType: events))
        return (first, second)
    }
}

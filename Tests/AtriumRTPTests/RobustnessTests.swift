import AtriumRTP
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite("Bad and unexpected packets", .timeLimit(.minutes(1)))
struct RobustnessTests {
    private func packet(payloadType: UInt8, sequence: UInt16, payload: [UInt8] = Array(repeating: 0xFF, count: 160))
        -> [UInt8]
    {
        var buffer = ByteBuffer()
        RTPPacket(
            payloadType: payloadType, sequenceNumber: sequence, timestamp: UInt32(sequence) * 160, ssrc: 42,
            payload: payload
        )
        .write(to: &buffer)
        return Array(buffer.readableBytesView)
    }

    @Test("malformed datagrams and other payload types are counted and dropped; the leg goes on")
    func malformed() async throws {
        let fixture = EngineFixture()
        let peer = try await UDPPeer(group: fixture.group)
        try await withTimeout(10) {
            let leg = try await fixture.engine.openLeg(conference: "bad")
            try leg.connect(
                to: RTPRemote(host: "127.0.0.1", port: peer.port, codec: .pcmu, telephoneEventPayloadType: 101))
            let garbage: [[UInt8]] = [
                [], [0x80], Array(repeating: 0xFF, count: 40), [0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
                [0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0xFF, 0xFF],
                [0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 255],
            ]
            for datagram in garbage { try await peer.send(datagram, toPort: leg.localPort) }
            try await peer.send(packet(payloadType: 8, sequence: 1), toPort: leg.localPort)
            try await peer.send(packet(payloadType: 101, sequence: 2, payload: [1]), toPort: leg.localPort)
            try await peer.send(packet(payloadType: 0, sequence: 3), toPort: leg.localPort)
            try await Task.sleep(for: .milliseconds(200))
            let statistics = leg.statistics
            #expect(statistics.packetsMalformed == garbage.count)
            #expect(statistics.packetsOtherPayloadType == 1)
            #expect(statistics.packetsReceived == 2)
            #expect(statistics.packetsSent > 0)
        }
        await peer.close()
        await fixture.close()
    }

    @Test("symmetric RTP: a new source is followed after three consistent packets, single strays are dropped")
    func followsSource() async throws {
        let fixture = EngineFixture()
        let signalled = try await UDPPeer(group: fixture.group)
        let moved = try await UDPPeer(group: fixture.group)
        try await withTimeout(10) {
            let leg = try await fixture.engine.openLeg(conference: "nat")
            try leg.connect(
                to: RTPRemote(host: "127.0.0.1", port: signalled.port, codec: .pcmu, telephoneEventPayloadType: nil))
            try await moved.send(packet(payloadType: 0, sequence: 1), toPort: leg.localPort)
            try await signalled.send(packet(payloadType: 0, sequence: 2), toPort: leg.localPort)
            try await moved.send(packet(payloadType: 0, sequence: 3), toPort: leg.localPort)
            try await Task.sleep(for: .milliseconds(100))
            #expect(leg.statistics.packetsFromOtherSources == 2)
            #expect(moved.received.isEmpty)
            for sequence in UInt16(4)...6 {
                try await moved.send(packet(payloadType: 0, sequence: sequence), toPort: leg.localPort)
            }
            try await Task.sleep(for: .milliseconds(50))
            let signalledCount = signalled.received.count
            try await Task.sleep(for: .milliseconds(200))
            #expect(moved.received.count >= 5)
            #expect(signalled.received.count <= signalledCount + 1)
            #expect(leg.statistics.packetsFromOtherSources == 3)
        }
        await signalled.close()
        await moved.close()
        await fixture.close()
    }

    @Test("legs bind even ports of the range and give them back when closed")
    func ports() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let engine = RTPEngine(
            host: "127.0.0.1", portRange: 31_901...31_906, group: group, logger: .init(label: "test"))
        try await withTimeout(10) {
            let legs = [
                try await engine.openLeg(conference: "p"), try await engine.openLeg(conference: "p"),
                try await engine.openLeg(conference: "p"),
            ]
            #expect(legs.allSatisfy { $0.localPort % 2 == 0 && (31_901...31_906).contains($0.localPort) })
            #expect(Set(legs.map(\.localPort)).count == 3)
            await #expect(throws: RTPError.noFreePort(31_901...31_906)) { try await engine.openLeg(conference: "p") }
            await legs[1].close()
            let again = try await engine.openLeg(conference: "p")
            #expect(again.localPort == legs[1].localPort)
        }
        await engine.shutdown()
        await #expect(throws: RTPError.shutDown) { try await engine.openLeg(conference: "p") }
        try await group.shutdownGracefully()
    }
}

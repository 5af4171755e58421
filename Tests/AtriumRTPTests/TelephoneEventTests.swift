import AtriumRTP
import Foundation
import NIOCore
import Synchronization
import Testing

@Suite("RFC 4733 telephone-events", .timeLimit(.minutes(1)))
struct TelephoneEventTests {
    @Test("SIPp's real pcaps of '1' then '#' are received as exactly one '1' then one '#'")
    func sippPcaps() async throws {
        let files = ["/usr/share/sip-tester/dtmf_2833_1.pcap", "/usr/share/sip-tester/dtmf_2833_pound.pcap"]
        try #require(
            files.allSatisfy { FileManager.default.fileExists(atPath: $0) },
            "SIPp's pcaps are missing: apt-get install sip-tester")
        let packets = try files.map { try PcapReader.udpPayloads(Data(contentsOf: URL(fileURLWithPath: $0))) }
        #expect(packets.map(\.count) == [10, 10])
        let fixture = EngineFixture()
        let peer = try await UDPPeer(group: fixture.group)
        let digits = try await withTimeout(10) {
            let leg = try await fixture.engine.openLeg(conference: "dtmf")
            try leg.connect(
                to: RTPRemote(host: "127.0.0.1", port: peer.port, codec: .pcma, telephoneEventPayloadType: 101))
            for file in packets {
                for packet in file {
                    try await peer.send(packet, toPort: leg.localPort)
                    // The pcap's own pacing (20 ms, the end packets back to back) shortened: order is what counts.
                    try await Task.sleep(for: .milliseconds(2))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(200))
            let statistics = leg.statistics
            #expect(statistics.packetsReceived == 20)
            await leg.close()
            var received: [Character] = []
            for await digit in leg.digits { received.append(digit) }
            return received
        }
        #expect(digits == ["1", "#"])
        await peer.close()
        await fixture.close()
    }

    @Test("digits sent are RFC 4733: 5 tone packets then 3 end packets per digit, one timestamp, marker first")
    func sentPackets() async throws {
        let fixture = EngineFixture()
        let peer = try await UDPPeer(group: fixture.group)
        try await withTimeout(10) {
            let leg = try await fixture.engine.openLeg(conference: "send")
            try leg.connect(
                to: RTPRemote(host: "127.0.0.1", port: peer.port, codec: .pcmu, telephoneEventPayloadType: 96))
            let sent = Mutex<[Character]>([])
            try await leg.sendDigits(["4", "#"]) { digit in sent.withLock { $0.append(digit) } }
            #expect(sent.withLock { $0 } == ["4", "#"])
            await leg.close()
        }
        let packets = try peer.received.map { try RTPPacket(parsing: ByteBuffer(bytes: $0)) }
        let events = packets.filter { $0.payloadType == 96 }
        #expect(events.count == 16)
        for (index, digit) in [UInt8(4), 11].enumerated() {
            let tone = Array(events[(index * 8)..<(index * 8 + 8)])
            let payloads = tone.compactMap { TelephoneEvent(payload: $0.payload) }
            #expect(payloads.allSatisfy { $0.event == digit })
            #expect(Set(tone.map(\.timestamp)).count == 1)
            #expect(tone.map(\.marker) == [true] + Array(repeating: false, count: 7))
            #expect(payloads.map(\.duration) == [160, 320, 480, 640, 800, 800, 800, 800])
            #expect(payloads.map(\.isEnd) == Array(repeating: false, count: 5) + Array(repeating: true, count: 3))
        }
        #expect(events[0].timestamp != events[8].timestamp)
        // Audio around the digits, muted (no audio packet) while they are sent; sequence numbers consecutive.
        let sequence = packets.map(\.sequenceNumber)
        #expect(zip(sequence, sequence.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
        let firstEvent = try #require(packets.firstIndex { $0.payloadType == 96 })
        let lastEvent = try #require(packets.lastIndex { $0.payloadType == 96 })
        #expect(packets[firstEvent...lastEvent].allSatisfy { $0.payloadType == 96 })
        await peer.close()
        await fixture.close()
    }

    @Test("digits sent by one leg are received by another")
    func loopback() async throws {
        let fixture = EngineFixture()
        let digits = try await withTimeout(10) {
            let (sender, receiver) = try await fixture.connectedPair()
            try await sender.sendDigits(Array("159#*0"))
            try await Task.sleep(for: .milliseconds(200))
            await receiver.close()
            var received: [Character] = []
            for await digit in receiver.digits { received.append(digit) }
            return received
        }
        #expect(digits == Array("159#*0"))
        await fixture.close()
    }

    @Test("digits need a negotiated telephone-event and a connected leg; invalid digits are refused")
    func refusals() async throws {
        let fixture = EngineFixture()
        try await withTimeout(10) {
            let (leg, _) = try await fixture.connectedPair(events: nil)
            await #expect(throws: RTPError.telephoneEventsNotNegotiated) { try await leg.sendDigits(["1"]) }
            await #expect(throws: RTPError.invalidDigit("x")) { try await leg.sendDigits(["x"]) }
            let unconnected = try await fixture.engine.openLeg(conference: "alone")
            await #expect(throws: RTPError.notConnected) { try await unconnected.sendDigits(["1"]) }
        }
        await fixture.close()
    }
}

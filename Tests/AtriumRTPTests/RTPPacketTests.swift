import NIOCore
import Testing

@testable import AtriumRTP

@Suite("RTP packets")
struct RTPPacketTests {
    @Test("a packet written parses back to itself")
    func roundTrip() throws {
        let packet = RTPPacket(
            marker: true, payloadType: 8, sequenceNumber: 65_535, timestamp: 4_294_967_200, ssrc: 0xDEAD_BEEF,
            payload: Array(0..<160))
        var buffer = ByteBuffer()
        packet.write(to: &buffer)
        #expect(buffer.readableBytes == 172)
        #expect(try RTPPacket(parsing: buffer) == packet)
    }

    @Test("contributing sources, an extension and padding are skipped")
    func skipsOptionalParts() throws {
        var bytes: [UInt8] = [0xB1, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0, 0, 0, 7]  // P, X, CC=1
        bytes += [1, 2, 3, 4]  // one CSRC
        bytes += [0xBE, 0xDE, 0x00, 0x01, 9, 9, 9, 9]  // extension of one word
        bytes += [0xAA, 0xBB, 0, 0, 3]  // payload, then 3 bytes of padding (the last byte counts them)
        let packet = try RTPPacket(parsing: ByteBuffer(bytes: bytes))
        #expect(packet.payload == [0xAA, 0xBB])
        #expect(packet.timestamp == 160)
        #expect(packet.ssrc == 7)
    }

    @Test(
        "malformed datagrams are refused, never read beyond their end",
        arguments: [
            ([0x80, 0x00, 0x00], RTPPacket.Malformed.shorterThanHeader(3)),
            ([0x40, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], .version(1)),
            ([0x8F, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], .contributingSourcesBeyondEnd(count: 15)),
            ([0x90, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0xFF, 0xFF], .extensionBeyondEnd(words: 65_535)),
            ([0x90, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE], .extensionBeyondEnd(words: 0)),
            ([0xA0, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 200], .paddingBeyondEnd(200)),
            ([0xA0, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], .paddingBeyondEnd(0)),
        ] as [([UInt8], RTPPacket.Malformed)])
    func malformed(bytes: [UInt8], error: RTPPacket.Malformed) {
        #expect(throws: error) { try RTPPacket(parsing: ByteBuffer(bytes: bytes)) }
    }

    @Test("telephone-event payloads and their digits")
    func telephoneEvent() throws {
        let event = try #require(TelephoneEvent(payload: [0x0B, 0x8A, 0x08, 0xC0]))
        #expect(event == TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 2_240))
        #expect(event.digit == "#")
        #expect(event.payload == [0x0B, 0x8A, 0x08, 0xC0])
        #expect(TelephoneEvent.code(of: "*") == 10)
        #expect(TelephoneEvent.code(of: "d") == 15)
        #expect(TelephoneEvent.code(of: "x") == nil)
        #expect(TelephoneEvent(payload: [1, 2]) == nil)
    }
}

import Foundation
import Testing

@testable import AtriumSIP

@Suite("SDP offer and answer")
struct SessionDescriptionTests {
    @Test("the offer lists PCMU, PCMA and telephone-event 101 in 20 ms packets")
    func offer() {
        let offer = SessionDescription.offer(address: "192.0.2.10", port: 30_000, sessionId: 42)
        #expect(
            offer.text
                == "v=0\r\no=- 42 1 IN IP4 192.0.2.10\r\ns=Atrium\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
                + "m=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n")
        #expect(offer.telephoneEventPayloadType == 101)
        #expect(offer.codec == .pcmu)
        #expect(offer.packetTime == 20)
    }

    @Test("an answer gives the far end's address, port, chosen codec, its telephone-event type and direction")
    func readsAnswer() throws {
        let answer = try SessionDescription.parse(
            "v=0\no=carrier 99 2 IN IP4 203.0.113.5\ns=-\nc=IN IP4 203.0.113.5\nt=0 0\nb=AS:64\n"
                + "m=audio 40000 RTP/AVP 8 96\nc=IN IP4 203.0.113.7\na=rtpmap:8 PCMA/8000\n"
                + "a=rtpmap:96 telephone-event/8000\na=fmtp:96 0-15\na=recvonly\n")
        #expect(answer.remoteAddress == "203.0.113.7")
        #expect(answer.audioPort == 40_000)
        #expect(answer.codec == .pcma)
        #expect(answer.telephoneEventPayloadType == 96)
        #expect(answer.direction == .recvonly)
        #expect(answer.otherLines == ["b=AS:64"])
        #expect(try SessionDescription.parse(answer.text) == answer)
    }

    @Test("a session-level c= and direction apply when the media section has none; a rejected stream is no audio")
    func sessionLevelDefaults() throws {
        let answer = try SessionDescription.parse(
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\na=inactive\r\n"
                + "m=audio 5004 RTP/AVP 0\r\n")
        #expect(answer.remoteAddress == "10.0.0.1")
        #expect(answer.direction == .inactive)
        #expect(answer.telephoneEventPayloadType == nil)
        let rejected = try SessionDescription.parse(
            "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n")
        #expect(rejected.audio == nil && rejected.codec == nil)
    }

    @Test("a re-offer changes the direction and bumps the version")
    func reoffers() {
        let offer = SessionDescription.offer(address: "127.0.0.1", port: 4000, sessionId: 7)
        let hold = offer.reoffer(direction: .sendonly)
        #expect(hold.direction == .sendonly)
        #expect(hold.origin.sessionVersion == 2)
        #expect(hold.text.components(separatedBy: "a=sendonly").count == 2)
        #expect(!hold.text.contains("a=sendrecv"))
        #expect(hold.reoffer(direction: .sendrecv).origin.sessionVersion == 3)
    }

    @Test("text that is not SDP is refused", arguments: ["", "hello", "v=1\r\n", "v=0\r\ns=-\r\n", "v=0\r\no=x\r\n"])
    func refuses(text: String) {
        #expect(throws: SessionDescriptionError.self) { try SessionDescription.parse(text) }
    }
}

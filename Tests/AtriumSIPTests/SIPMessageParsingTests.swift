import Testing

@testable import AtriumSIP

@Suite("SIP messages: parsing and serializing")
struct SIPMessageParsingTests {
    static let compactInvite =
        "INVITE sip:+14255550120@trunk.example.com:5070 SIP/2.0\r\n"
        + "v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1;received=10.0.0.9\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKfirst;rport=5060,\r\n"
        + " SIP/2.0/TCP 10.0.0.2:5062;branch=z9hG4bKsecond\r\n"
        + "f: \"Atrium, Inc\" <sip:atrium@example.com>;tag=abc\r\n"
        + "t: <sip:+14255550120@trunk.example.com>\r\n"
        + "i: call-1@example.com\r\n"
        + "CSeq:   7   INVITE\r\n"
        + "m: <sip:atrium@10.0.0.1:5060>\r\n"
        + "Subject: a folded\r\n"
        + "\tvalue\r\n"
        + "c: application/sdp\r\n"
        + "l: 4\r\n"
        + "\r\n"
        + "v=0\r\nignored after Content-Length"

    @Test("compact forms, folded lines and several Via (in one header and across headers) are read")
    func parsesCompactAndFolded() throws {
        let message = try SIPMessage(parsing: Array(Self.compactInvite.utf8))
        #expect(message.method == "INVITE")
        #expect(message.requestURI == "sip:+14255550120@trunk.example.com:5070")
        #expect(message.callId == "call-1@example.com")
        #expect(message.cseq == SIPCSeq(7, "INVITE"))
        #expect(message["Subject"] == "a folded value")
        #expect(message["Content-Type"] == "application/sdp")
        #expect(message["contact"] == "<sip:atrium@10.0.0.1:5060>")
        #expect(message.body == "v=0\r")
        let vias = message.values("Via").compactMap(SIPVia.init(parsing:))
        #expect(vias.map(\.branch) == ["z9hG4bKproxy1", "z9hG4bKfirst", "z9hG4bKsecond"])
        #expect(vias[2].transport == "TCP" && vias[2].host == "10.0.0.2" && vias[2].port == 5062)
        #expect(vias[1].parameters["rport"] == "5060")
        let from = try #require(message["From"].flatMap(SIPNameAddress.init(parsing:)))
        #expect(from.uri == "sip:atrium@example.com" && from.tag == "abc")
    }

    @Test("serialize then parse gives the same message, with Content-Length from the body")
    func roundTrips() throws {
        var message = SIPMessage(.response(status: 183, reason: "Session Progress"))
        message.add("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx;rport")
        message.add("From", "<sip:a@b>;tag=1")
        message.add("To", "<sip:c@d>;tag=2")
        message.add("Call-ID", "id")
        message.add("CSeq", "1 INVITE")
        message.add("Content-Length", "999")
        message.body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"
        let text = message.serialized
        #expect(text.hasPrefix("SIP/2.0 183 Session Progress\r\n"))
        #expect(text.contains("Content-Length: \(message.body.utf8.count)\r\n\r\nv=0"))
        #expect(!text.contains("999"))
        var reparsed = try SIPMessage(parsing: Array(text.utf8))
        reparsed.remove("Content-Length")
        message.remove("Content-Length")
        #expect(reparsed == message)
    }

    @Test(
        "malformed messages are refused with a reason, never a crash",
        arguments: [
            "INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n",  // no blank line
            "NOT A SIP LINE\r\n\r\n",
            "SIP/2.0 999 Odd\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n",
            "INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a>;tag=1\r\nTo: <sip:b>\r\n"
                + "Call-ID: 1\r\nCSeq: one INVITE\r\n\r\n",  // bad CSeq
            "INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a>;tag=1\r\nTo: <sip:b>\r\n"
                + "Call-ID: 1\r\nCSeq: 1 INVITE\r\nContent-Length: 50\r\n\r\nshort",  // body shorter than said
            "INVITE sip:x SIP/2.0\r\nno colon here\r\n\r\n",
        ])
    func refusesMalformed(text: String) {
        #expect(throws: SIPParseError.self) { try SIPMessage(parsing: Array(text.utf8)) }
    }

    @Test("a datagram past 64 KiB is refused")
    func refusesOversized() {
        let text = "OPTIONS sip:x SIP/2.0\r\n\r\n" + String(repeating: "x", count: 70_000)
        #expect(throws: SIPParseError.self) { try SIPMessage(parsing: Array(text.utf8)) }
    }

    @Test("a response copies Via, From, Call-ID, CSeq and adds our tag to a To without one")
    func buildsResponse() throws {
        let request = try SIPMessage(parsing: Array(Self.compactInvite.utf8))
        let response = SIPMessage.response(
            to: request, status: 481, reason: "Call/Transaction Does Not Exist", toTag: "ours")
        #expect(response.values("Via").count == 3)
        #expect(response["To"] == "<sip:+14255550120@trunk.example.com>;tag=ours")
        #expect(response.cseq == SIPCSeq(7, "INVITE"))
        #expect(response["From"] == request["From"])
    }

    @Test("quoted commas stay inside one list element")
    func splitsLists() {
        #expect(
            SIPHeaderValue.splitList("\"a, b\" <sip:x>, <sip:y;lr>,sip:z") == [
                "\"a, b\" <sip:x>", "<sip:y;lr>", "sip:z",
            ])
    }
}

@Suite("SIP over TCP: framing by Content-Length")
struct SIPStreamFramerTests {
    static func message(_ body: String) -> String {
        "BYE sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a>;tag=1\r\nTo: <sip:b>;tag=2\r\n"
            + "Call-ID: 1\r\nCSeq: 2 BYE\r\nl: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test("two messages in one read and one message across reads are cut where they end")
    func cutsFrames() throws {
        var framer = SIPStreamFramer()
        let first = Self.message("hello")
        let second = Self.message("")
        framer.append(Array(("\r\n" + first + second).utf8))
        framer.append(Array(first.utf8.prefix(10)))
        #expect(try framer.nextFrame().map { String(decoding: $0, as: UTF8.self) } == first)
        #expect(try framer.nextFrame().map { String(decoding: $0, as: UTF8.self) } == second)
        #expect(try framer.nextFrame() == nil)
        framer.append(Array(first.utf8.dropFirst(10)))
        let frame = try #require(try framer.nextFrame())
        #expect(try SIPMessage(parsing: frame).body == "hello")
    }

    @Test("a stream that never ends its head, or announces a huge body, is an error, not a growing buffer")
    func boundsTheBuffer() throws {
        var endless = SIPStreamFramer()
        endless.append(Array(repeating: UInt8(ascii: "a"), count: 70_000))
        #expect(throws: SIPParseError.self) { try endless.nextFrame() }
        var huge = SIPStreamFramer()
        huge.append(Array("BYE sip:x SIP/2.0\r\nContent-Length: 1000000\r\n\r\n".utf8))
        #expect(throws: SIPParseError.self) { try huge.nextFrame() }
    }
}

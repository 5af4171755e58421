import Testing

@testable import AtriumSIP

@Suite("Trunk URIs")
struct SIPTrunkTests {
    @Test(
        "host, port and transport are read, with 5060 and UDP by default",
        arguments: [
            ("sip:trunk.example.com", SIPTrunk(host: "trunk.example.com", port: 5060, transport: .udp)),
            ("sip:10.0.0.5:5080", SIPTrunk(host: "10.0.0.5", port: 5080, transport: .udp)),
            ("sip:10.0.0.5:5080;transport=tcp", SIPTrunk(host: "10.0.0.5", port: 5080, transport: .tcp)),
            ("SIP:sbc.example;transport=UDP", SIPTrunk(host: "sbc.example", port: 5060, transport: .udp)),
            ("sip:[2001:db8::1]:5070;transport=tcp", SIPTrunk(host: "2001:db8::1", port: 5070, transport: .tcp)),
        ])
    func parses(uri: String, trunk: SIPTrunk) throws {
        #expect(try SIPTrunk(uri: uri) == trunk)
    }

    @Test(
        "anything else is refused with a reason",
        arguments: [
            "trunk.example.com", "sips:trunk.example.com", "sip:", "sip:host:0", "sip:host:70000", "sip:host:abc",
            "sip:host;transport=tls", "sip:host;lr", "sip:user@host", "sip:ho st", "sip:[::1",
        ])
    func refuses(uri: String) {
        #expect(throws: SIPTrunk.InvalidURI.self) { try SIPTrunk(uri: uri) }
    }
}

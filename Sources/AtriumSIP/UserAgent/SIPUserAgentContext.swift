import Logging
import NIOCore

/// What every call of one user agent shares: its configuration, its sockets, and how it names itself.
struct SIPUserAgentContext: Sendable {
    let configuration: SIPUserAgentConfiguration
    let transport: SIPTransport
    let trunkAddress: SocketAddress
    let timers: SIPTimers
    let logger: Logger
    /// Removes a finished call from the user agent once its retransmissions can no longer arrive.
    let forget: @Sendable (String) async -> Void

    var trunk: SIPTrunk { configuration.trunk }
    var localHost: String { configuration.advertisedHost ?? configuration.listenHost }
    var isReliable: Bool { transport.kind == .tcp }

    /// `;transport=tcp` on URIs we write, so that the far end's requests come back over TCP.
    var uriTransportParameter: String { isReliable ? ";transport=tcp" : "" }

    var contact: String {
        "<sip:atrium@\(SIPURI.bracketed(localHost)):\(transport.localPort)\(uriTransportParameter)>"
    }

    func via(branch: String) -> String {
        let name = isReliable ? "TCP" : "UDP"
        return "SIP/2.0/\(name) \(SIPURI.bracketed(localHost)):\(transport.localPort);branch=\(branch);rport"
    }

    /// Where a request for this URI goes: the trunk when it names the trunk, else the URI's own host and port.
    func address(ofURI uri: String) -> SocketAddress {
        guard let target = SIPURI.hostPort(ofURI: uri) else { return trunkAddress }
        let port = target.port ?? 5060
        if target.host == trunk.host && port == trunk.port { return trunkAddress }
        if let address = try? SocketAddress(ipAddress: target.host, port: port) { return address }
        // A name: resolved here, rarely (the trunk was resolved once at start).
        return (try? SocketAddress.makeAddressResolvingHost(target.host, port: port)) ?? trunkAddress
    }

    static func randomToken() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36) + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    static func newBranch() -> String { "z9hG4bK" + randomToken() }
}

/// RFC 3261's timer values: T1 (round-trip estimate, 500 ms), T2 (cap of non-INVITE retransmission, 4 s),
/// and 64×T1, the life of a client transaction (Timers B and F, 32 s).
struct SIPTimers: Sendable {
    var t1: Duration
    var t2: Duration

    init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4)) {
        self.t1 = t1
        self.t2 = t2
    }

    var transactionTimeout: Duration { t1 * 64 }
}

import NIOCore

/// A message received, with the way back to its sender.
struct SIPInbound: Sendable {
    var message: SIPMessage
    var peer: SIPPeer
}

/// Where a message came from, which is where a response to it goes (RFC 3261 §18.2.2: over the connection it
/// came on, or to the datagram's source address, which is what `rport` asks for).
enum SIPPeer: Sendable {
    case datagram(SocketAddress)
    case stream(any Channel)

    var description: String {
        switch self {
        case .datagram(let address): return "udp:\(address)"
        case .stream(let channel): return "tcp:\(channel.remoteAddress.map { "\($0)" } ?? "?")"
        }
    }
}

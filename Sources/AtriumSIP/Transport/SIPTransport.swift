import Logging
import NIOCore
import NIOPosix

/// The SIP sockets: one UDP socket, or for TCP a listening socket and the connections this side opened
/// (one per destination, reused for every request to it). Every message received, whatever its socket,
/// arrives in order on `inbound`.
final class SIPTransport: Sendable {
    let kind: SIPTrunk.Transport
    /// The bound port, written in Via and Contact.
    let localPort: Int
    let inbound: AsyncStream<SIPInbound>
    private let inboundContinuation: AsyncStream<SIPInbound>.Continuation
    private let listener: any Channel
    private let connections: SIPConnectionPool?
    private let logger: Logger

    private init(
        kind: SIPTrunk.Transport, listener: any Channel, connections: SIPConnectionPool?,
        inbound: (AsyncStream<SIPInbound>, AsyncStream<SIPInbound>.Continuation), logger: Logger
    ) {
        self.kind = kind
        self.listener = listener
        self.localPort = listener.localAddress?.port ?? 0
        self.connections = connections
        (self.inbound, self.inboundContinuation) = inbound
        self.logger = logger
    }

    static func start(
        _ kind: SIPTrunk.Transport, host: String, port: Int, group: any EventLoopGroup, logger: Logger
    ) async throws -> SIPTransport {
        // Bounded like a socket's receive buffer: under a flood, new messages are dropped (a peer retransmits).
        let inbound = AsyncStream<SIPInbound>.makeStream(bufferingPolicy: .bufferingOldest(4_096))
        let continuation = inbound.1
        switch kind {
        case .udp:
            let channel = try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            SIPDatagramHandler(inbound: continuation, logger: logger))
                    }
                }
                .bind(host: host, port: port).get()
            return SIPTransport(kind: .udp, listener: channel, connections: nil, inbound: inbound, logger: logger)
        case .tcp:
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            SIPStreamHandler(inbound: continuation, logger: logger))
                    }
                }
                .bind(host: host, port: port).get()
            let pool = SIPConnectionPool(loop: group.next(), inbound: continuation, logger: logger)
            return SIPTransport(kind: .tcp, listener: channel, connections: pool, inbound: inbound, logger: logger)
        }
    }

    /// Sends a request to the next hop: a datagram, or over the connection to that address (opened if needed).
    /// Requests leave in the order of the calls; the future tells whether this one could be written.
    func send(_ message: SIPMessage, to address: SocketAddress) -> EventLoopFuture<Void> {
        let bytes = ByteBuffer(string: message.serialized)
        if let connections { return connections.send(bytes, to: address) }
        return listener.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: bytes))
    }

    /// Sends a response back the way its request came. A failure is logged: the peer retransmits.
    func reply(_ message: SIPMessage, to peer: SIPPeer) {
        let bytes = ByteBuffer(string: message.serialized)
        let logger = self.logger
        let written: EventLoopFuture<Void>
        switch peer {
        case .datagram(let address):
            written = listener.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: bytes))
        case .stream(let channel):
            written = channel.writeAndFlush(bytes)
        }
        written.whenFailure { error in
            logger.debug(
                "could not send a SIP response", metadata: ["to": "\(peer.description)", "reason": "\(error)"])
        }
    }

    func close() async {
        try? await connections?.closeAll().get()
        try? await listener.close()
        inboundContinuation.finish()
    }
}

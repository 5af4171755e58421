import NIOCore
import NIOPosix
import Synchronization

/// A plain UDP socket on loopback standing for a far end: it records what arrives and sends raw bytes.
final class UDPPeer: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let received = Mutex<[[UInt8]]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            received.withLock { $0.append(Array(envelope.data.readableBytesView)) }
        }
    }

    let channel: any Channel
    private let collector: Collector

    init(group: any EventLoopGroup) async throws {
        let collector = Collector()
        self.collector = collector
        channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in channel.pipeline.addHandler(collector) }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    var port: Int { channel.localAddress?.port ?? 0 }

    var received: [[UInt8]] { collector.received.withLock { $0 } }

    func send(_ bytes: [UInt8], toPort port: Int) async throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await channel.writeAndFlush(
            AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)))
    }

    func close() async {
        try? await channel.close()
    }
}

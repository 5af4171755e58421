import NIOCore

/// Hands each datagram of a leg's socket to the leg.
final class RTPInboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let media: NIOLoopBound<LegMedia>

    init(media: NIOLoopBound<LegMedia>) {
        self.media = media
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        media.value.receive(unwrapInboundIn(data))
    }

    /// A UDP socket's errors (an ICMP unreachable, a refused send) concern one packet: the leg goes on.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        media.value.logger.debug("RTP socket error", metadata: ["error": "\(error)"])
    }
}

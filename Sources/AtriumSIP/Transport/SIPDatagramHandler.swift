import Logging
import NIOCore

/// Reads one SIP message per UDP datagram; a datagram that does not parse is dropped with one log line.
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let inbound: AsyncStream<SIPInbound>.Continuation
    private let logger: Logger

    init(inbound: AsyncStream<SIPInbound>.Continuation, logger: Logger) {
        self.inbound = inbound
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        // Lone CRLFs are keep-alives (RFC 5626 §3.5.1), not messages.
        guard bytes.contains(where: { $0 != 0x0D && $0 != 0x0A }) else { return }
        do {
            inbound.yield(SIPInbound(message: try SIPMessage(parsing: bytes), peer: .datagram(envelope.remoteAddress)))
        } catch {
            logger.notice(
                "dropped a malformed SIP datagram",
                metadata: ["from": "\(envelope.remoteAddress)", "reason": "\(error)", "bytes": "\(bytes.count)"])
        }
    }
}

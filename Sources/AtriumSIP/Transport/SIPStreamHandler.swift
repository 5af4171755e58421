import Logging
import NIOCore

/// Reads SIP messages from a TCP connection, framed by Content-Length.
///
/// A framed message that does not parse is dropped with one log line; a stream that cannot be framed
/// (a head or body past 64 KiB, a Content-Length that is not a number) closes the connection.
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let inbound: AsyncStream<SIPInbound>.Continuation
    private let logger: Logger
    private var framer = SIPStreamFramer()

    init(inbound: AsyncStream<SIPInbound>.Continuation, logger: Logger) {
        self.inbound = inbound
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        framer.append(unwrapInboundIn(data).readableBytesView)
        do {
            while let frame = try framer.nextFrame() {
                do {
                    inbound.yield(SIPInbound(message: try SIPMessage(parsing: frame), peer: .stream(context.channel)))
                } catch {
                    logger.notice(
                        "dropped a malformed SIP message",
                        metadata: ["from": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "reason": "\(error)"])
                }
            }
        } catch {
            logger.notice(
                "closing a SIP connection that cannot be framed",
                metadata: ["from": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "reason": "\(error)"])
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("SIP connection error", metadata: ["reason": "\(error)"])
        context.close(promise: nil)
    }
}

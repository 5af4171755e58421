import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Stands between the HTTP/1 parser and the router, bounding what one connection can make the
/// server hold: an idle keep-alive connection (or a body that stopped arriving) is closed; a head
/// that trickles in is answered 408; a body declared larger than the server reads is answered 413
/// before a byte of it is read (the answer a client waiting on `Expect: 100-continue` needs; an
/// acceptable one is told 100 Continue at once); and what the parser refuses is answered with the
/// ACS error body instead of a bare 400. Every answer it gives itself closes the connection.
///
/// The parser passes on a head only once it is complete, so the bytes of a head in progress show
/// only as a read that yields no request part (a head begun in the read that ended the request
/// before it is timed from its next read).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private struct Deadline {
        enum Expiry {
            /// Nothing is happening: close without a word.
            case idle
            /// A head is late: answer 408.
            case head
        }

        var time: NIODeadline
        var expiry: Expiry
    }

    private let bounds: ConnectionBounds
    /// Requests passed on whose response has not ended.
    private var unanswered = 0
    /// A request passed on whose body has not ended.
    private var isReadingBody = false
    /// When the first byte of a head not yet complete arrived.
    private var headStartedAt: NIODeadline?
    /// The last read, or the end of the last response.
    private var lastActivity = NIODeadline.now()
    /// Request parts passed on during the read in progress.
    private var partsThisRead = 0
    /// A refusal of a pipelined request, waiting for the responses before it to end.
    private var pendingRefusal: HTTPLayerRefusal?
    /// Set once this handler has answered: what is read afterwards is dropped until the connection closes.
    private var isRefusing = false
    /// One check at a time, at the earliest deadline; it reschedules itself if activity moved the deadline.
    private var check: (deadline: NIODeadline, task: Scheduled<Void>)?

    init(bounds: ConnectionBounds) {
        self.bounds = bounds
    }

    func handlerAdded(context: ChannelHandlerContext) {
        lastActivity = .now()
        scheduleCheck(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelCheck()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelCheck()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isRefusing, pendingRefusal == nil else { return }
        partsThisRead += 1
        switch unwrapInboundIn(data) {
        case .head(let head):
            headStartedAt = nil
            if let declared = head.headerFields[.contentLength].flatMap(Int.init(_:)),
                declared > RequestLimits.maxBodyBytes
            {
                refuse(.bodyTooLarge, context: context)
                return
            }
            // Only between responses: a 100 written while another response is under way would split it.
            if unanswered == 0, head.headerFields[.expect]?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
            unanswered += 1
            isReadingBody = true
        case .body:
            break
        case .end:
            isReadingBody = false
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !isRefusing {
            let now = NIODeadline.now()
            lastActivity = now
            if partsThisRead == 0, !isReadingBody, headStartedAt == nil {
                headStartedAt = now
            }
            partsThisRead = 0
            scheduleCheck(context)
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Once refused, the parser repeats its error for every later read.
        guard !isRefusing, pendingRefusal == nil else { return }
        // A failing socket has nobody to answer; a body that breaks framing fails the route reading it.
        if error is IOError || error is ChannelError || isReadingBody {
            context.fireErrorCaught(error)
            return
        }
        refuse(HTTPLayerRefusal(error), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        guard case .end = unwrapOutboundIn(data) else { return }
        unanswered -= 1
        guard unanswered == 0 else { return }
        lastActivity = .now()
        if let refusal = pendingRefusal {
            pendingRefusal = nil
            refuse(refusal, context: context)
        } else {
            scheduleCheck(context)
        }
    }

    /// Answers with the ACS error body and closes: at once, or after the responses to the requests
    /// before it (pipelined) have ended.
    private func refuse(_ refusal: HTTPLayerRefusal, context: ChannelHandlerContext) {
        guard unanswered == 0 else {
            pendingRefusal = refusal
            return
        }
        isRefusing = true
        cancelCheck()
        let body = ByteBuffer(string: ACSErrorBody.body(code: refusal.code, message: refusal.message).serialized)
        var head = HTTPResponse(status: refusal.status)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.contentLength] = String(body.readableBytes)
        head.headerFields[.xMsErrorCode] = refusal.code
        head.headerFields[.connection] = "close"
        head.headerFields[.server] = AtriumVersion.serverName
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        // A lingering close: the end of output tells the client the answer is complete, and the
        // input still arriving is dropped rather than left unread, which would reset the connection.
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(mode: .output, promise: nil) }
        channel.eventLoop.scheduleTask(in: TimeAmount(bounds.lingerTime)) { channel.close(promise: nil) }
    }

    /// The next deadline of the connection, if it has one now.
    private func deadline() -> Deadline? {
        if isRefusing || pendingRefusal != nil { return nil }
        if isReadingBody { return Deadline(time: lastActivity + TimeAmount(bounds.idleTimeout), expiry: .idle) }
        // A response under way may stream for long (a call feed): the route bounds it.
        if unanswered > 0 { return nil }
        if let headStartedAt {
            return Deadline(time: headStartedAt + TimeAmount(bounds.headerTimeout), expiry: .head)
        }
        return Deadline(time: lastActivity + TimeAmount(bounds.idleTimeout), expiry: .idle)
    }

    private func scheduleCheck(_ context: ChannelHandlerContext) {
        guard let next = deadline() else { return }
        if let check {
            // A later deadline is found when the earlier check fires.
            guard next.time < check.deadline else { return }
            check.task.cancel()
        }
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: next.time) {
            self.check = nil
            self.deadlineReached(context)
        }
        check = (next.time, task)
    }

    private func deadlineReached(_ context: ChannelHandlerContext) {
        guard let reached = deadline() else { return }
        guard reached.time <= .now() else {
            scheduleCheck(context)
            return
        }
        switch reached.expiry {
        case .idle: context.close(promise: nil)
        case .head: refuse(.headTimedOut(after: bounds.headerTimeout), context: context)
        }
    }

    private func cancelCheck() {
        check?.task.cancel()
        check = nil
    }
}

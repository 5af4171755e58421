import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A subscriber that goes bad once validated, for `bench-delivery --beside`: it answers the Event
/// Grid handshake, then either hangs (reads every delivery and never answers) or closes its port
/// (every delivery is refused).
final class MisbehavingSubscriber: Sendable {
    enum Behaviour: String, Sendable, CaseIterable {
        case hanging, closed
    }

    let behaviour: Behaviour
    private let state = Mutex((server: (any Channel)?.none, channels: [any Channel](), deliveries: 0))

    init(_ behaviour: Behaviour) { self.behaviour = behaviour }

    /// Deliveries received (each left unanswered) while hanging.
    var deliveries: Int { state.withLock { $0.deliveries } }

    /// Starts listening on loopback; returns the endpoint URL.
    func start() async throws -> String {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawRequestHandler(subscriber: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        state.withLock { $0.server = server }
        return "http://127.0.0.1:\(server.localAddress?.port ?? 0)/events"
    }

    /// Closes the port and every connection.
    func stop() async {
        let (server, channels) = state.withLock { state in
            defer {
                state.server = nil
                state.channels = []
            }
            return (state.server, state.channels)
        }
        try? await server?.close()
        for channel in channels { try? await channel.close() }
    }

    fileprivate func accepted(_ channel: any Channel) {
        state.withLock { $0.channels.append(channel) }
    }

    fileprivate func validated() {
        guard behaviour == .closed else { return }
        Task { await stop() }
    }

    fileprivate func delivered() {
        state.withLock { $0.deliveries += 1 }
    }
}

/// Just enough HTTP/1.1 for the handshake: a request is its head and Content-Length bytes of body.
private final class RawRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let subscriber: MisbehavingSubscriber
    var received = ""

    init(subscriber: MisbehavingSubscriber) { self.subscriber = subscriber }

    func channelActive(context: ChannelHandlerContext) {
        subscriber.accepted(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        while let request = nextRequest() {
            guard request.head.lowercased().contains("aeg-event-type: subscriptionvalidation") else {
                subscriber.delivered()  // and never answered
                continue
            }
            let code = DeliveryReceiver.values(of: "validationCode", in: request.body).first ?? ""
            let body = "{\"validationResponse\":\"\(code)\"}"
            let response =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n\(body)"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
            context.close(promise: nil)
            subscriber.validated()
            return
        }
    }

    /// Takes one complete request off `received`, if one is there.
    private func nextRequest() -> (head: String, body: String)? {
        guard let end = received.range(of: "\r\n\r\n") else { return nil }
        let head = String(received[..<end.lowerBound])
        let length =
            head.split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let bodyBytes = Array(received[end.upperBound...].utf8)
        guard bodyBytes.count >= length else { return nil }
        let body = String(decoding: bodyBytes.prefix(length), as: UTF8.self)
        received = String(decoding: bodyBytes.dropFirst(length), as: UTF8.self)
        return (head, body)
    }
}

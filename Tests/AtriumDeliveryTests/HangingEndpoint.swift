import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A subscriber that hangs: it accepts connections on loopback, reads whatever comes and never
/// answers. It notes when each connection opened and closed (the client gives up on its attempt by
/// closing it), so a test can see how many attempts were open at once and how long each lasted.
final class HangingEndpoint: Sendable {
    struct Connection: Sendable {
        var openedAt: Date
        var closedAt: Date?
    }

    private let state = Mutex((connections: [Connection](), channels: [any Channel]()))

    /// In the order they opened.
    var connections: [Connection] { state.withLock { $0.connections } }

    /// Runs the endpoint for the duration of `body`, passing its URL.
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Listener(endpoint: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = server.localAddress?.port ?? 0
        let result = await Result { try await body("http://127.0.0.1:\(port)/hook") }
        try? await server.close()
        for channel in state.withLock({ $0.channels }) { try? await channel.close() }
        return try result.get()
    }

    fileprivate func opened(_ channel: any Channel) -> Int {
        state.withLock {
            $0.connections.append(Connection(openedAt: Date()))
            $0.channels.append(channel)
            return $0.connections.count - 1
        }
    }

    fileprivate func closed(_ index: Int) {
        state.withLock { $0.connections[index].closedAt = Date() }
    }
}

/// Notes a connection's opening and closing, and drops what it reads.
private final class Listener: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let endpoint: HangingEndpoint
    var index = -1

    init(endpoint: HangingEndpoint) { self.endpoint = endpoint }

    func channelActive(context: ChannelHandlerContext) {
        index = endpoint.opened(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if index >= 0 { endpoint.closed(index) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

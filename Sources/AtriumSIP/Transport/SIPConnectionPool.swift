import Logging
import NIOCore
import NIOPosix

/// The TCP connections this side opened, one per destination, reused by every request to it (RFC 3261
/// §18.1.1); a closed one is opened again on the next send.
///
/// Its state lives on one event loop, so sends keep their order (a BYE never overtakes the ACK before it)
/// without the caller waiting for the connection.
final class SIPConnectionPool: Sendable {
    private let loop: any EventLoop
    private let channels: NIOLoopBoundBox<[SocketAddress: EventLoopFuture<any Channel>]>
    private let inbound: AsyncStream<SIPInbound>.Continuation
    private let logger: Logger

    init(loop: any EventLoop, inbound: AsyncStream<SIPInbound>.Continuation, logger: Logger) {
        self.loop = loop
        self.channels = .makeBoxSendingValue([:], eventLoop: loop)
        self.inbound = inbound
        self.logger = logger
    }

    func send(_ bytes: ByteBuffer, to address: SocketAddress) -> EventLoopFuture<Void> {
        loop.flatSubmit {
            self.connection(to: address).flatMap { $0.writeAndFlush(bytes) }
        }
    }

    func closeAll() -> EventLoopFuture<Void> {
        loop.flatSubmit {
            let all = self.channels.value.values.map { future in
                future.flatMap { $0.close() }.recover { _ in }
            }
            self.channels.value = [:]
            return EventLoopFuture.andAllComplete(all, on: self.loop)
        }
    }

    private func connection(to address: SocketAddress) -> EventLoopFuture<any Channel> {
        if let existing = channels.value[address] { return existing }
        let inbound = self.inbound
        let logger = self.logger
        let connecting = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPStreamHandler(inbound: inbound, logger: logger))
                }
            }
            .connect(to: address)
        channels.value[address] = connecting
        connecting.whenComplete { result in
            switch result {
            case .success(let channel):
                logger.debug("SIP connection opened", metadata: ["to": "\(address)"])
                channel.closeFuture.hop(to: self.loop).whenComplete { _ in self.forget(address, connecting) }
            case .failure(let error):
                logger.notice("SIP connection failed", metadata: ["to": "\(address)", "reason": "\(error)"])
                self.forget(address, connecting)
            }
        }
        return connecting
    }

    /// Drops a connection from the pool unless a newer one replaced it meanwhile.
    private func forget(_ address: SocketAddress, _ connection: EventLoopFuture<any Channel>) {
        if channels.value[address] === connection { channels.value[address] = nil }
    }
}

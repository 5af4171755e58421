import NIOCore
import NIOPosix

@testable import AtriumSIP

/// A scripted SIP peer on a UDP socket of loopback: the test reads what it received and sends what it wants.
final class UDPPeer: Sendable {
    let channel: any Channel
    let inbox: Inbox
    var port: Int { channel.localAddress?.port ?? 0 }

    /// What the peer received, in order; raw datagrams too (to count retransmissions).
    actor Inbox {
        private(set) var messages: [(message: SIPMessage, from: SocketAddress)] = []
        private var read = 0

        func append(_ message: SIPMessage, from address: SocketAddress) {
            messages.append((message, address))
        }

        /// The next message not yet read, waiting for it up to `timeout`.
        func next(upTo timeout: Duration = .seconds(5)) async -> (message: SIPMessage, from: SocketAddress)? {
            let deadline = ContinuousClock.now + timeout
            while read >= messages.count && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
            guard read < messages.count else { return nil }
            read += 1
            return messages[read - 1]
        }

        /// The next message (skipping others) for which `predicate` holds.
        func next(
            upTo timeout: Duration = .seconds(5), where predicate: @Sendable (SIPMessage) -> Bool
        ) async -> (message: SIPMessage, from: SocketAddress)? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                guard let received = await next(upTo: deadline - ContinuousClock.now) else { return nil }
                if predicate(received.message) { return received }
            }
            return nil
        }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let inbox: Inbox
        init(inbox: Inbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let message = try? SIPMessage(parsing: Array(envelope.data.readableBytesView)) else { return }
            let inbox = self.inbox
            Task { await inbox.append(message, from: envelope.remoteAddress) }
        }
    }

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
    }

    static func start() async throws -> UDPPeer {
        let inbox = Inbox()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(inbox: inbox))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return UDPPeer(channel: channel, inbox: inbox)
    }

    func send(_ message: SIPMessage, to address: SocketAddress) async throws {
        try await sendRaw(message.serialized, to: address)
    }

    func sendRaw(_ text: String, to address: SocketAddress) async throws {
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(string: text)))
    }

    func close() async {
        try? await channel.close()
    }
}

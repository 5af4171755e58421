import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP connection to a server on loopback that sends exactly the bytes it is given (a slow
/// head, a malformed request, a body never sent) and records what comes back and when the server
/// closed it: what an HTTP client library would not let a test do.
final class RawConnection: Sendable {
    /// One response read off the wire.
    struct Response: Sendable {
        var status: Int
        /// Field names lowercased.
        var headers: [String: String]
        var body: [UInt8]

        /// The ACS error body's `error.code`, if the body is one.
        var errorCode: String? {
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            return (object?["error"] as? [String: Any])?["code"] as? String
        }

        /// The ACS error body's `error.message`, if the body is one.
        var errorMessage: String? {
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            return (object?["error"] as? [String: Any])?["message"] as? String
        }
    }

    private struct Received {
        var bytes: [UInt8] = []
        var closedAt: ContinuousClock.Instant?
    }

    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<Received>

        init(_ received: NIOLockedValueBox<Received>) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLockedValue { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.withLockedValue { $0.closedAt = .now }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // A reset: recorded as the close it is.
            context.close(promise: nil)
        }
    }

    private let channel: any Channel
    private let received: NIOLockedValueBox<Received>

    private init(channel: any Channel, received: NIOLockedValueBox<Received>) {
        self.channel = channel
        self.received = received
    }

    static func open(port: Int) async throws -> RawConnection {
        let received = NIOLockedValueBox(Received())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Recorder(received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Sends without waiting for the write: for a peer that may close before taking it all.
    func sendAndForget(_ bytes: [UInt8]) {
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    func close() async {
        try? await channel.close()
    }

    /// When the server closed the connection, if it has.
    var closedAt: ContinuousClock.Instant? { received.withLockedValue { $0.closedAt } }

    /// Every complete response received so far, interim (1xx) ones included. `bodyless` for
    /// responses to HEAD, whose `Content-Length` describes a body that is not sent.
    func responses(bodyless: Bool = false) -> [Response] {
        Self.parse(received.withLockedValue { $0.bytes }, bodyless: bodyless)
    }

    /// Waits (polling, bounded) until `condition` holds; whether it did.
    func wait(
        upTo timeout: Duration, bodyless: Bool = false, until condition: ([Response], Bool) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if condition(responses(bodyless: bodyless), closedAt != nil) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The first final (non-1xx) response, waiting for it up to `timeout`.
    func finalResponse(within timeout: Duration, bodyless: Bool = false) async -> Response? {
        _ = await wait(upTo: timeout, bodyless: bodyless) { responses, _ in responses.contains { $0.status >= 200 } }
        return responses(bodyless: bodyless).first { $0.status >= 200 }
    }

    /// Whether the server closes the connection within `timeout`.
    func closes(within timeout: Duration) async -> Bool {
        await wait(upTo: timeout) { _, closed in closed }
    }

    private static func parse(_ bytes: [UInt8], bodyless: Bool) -> [Response] {
        var responses: [Response] = []
        var rest = bytes[...]
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while let headEnd = rest.firstRange(of: separator) {
            let lines = String(decoding: rest[rest.startIndex..<headEnd.lowerBound], as: UTF8.self)
                .components(separatedBy: "\r\n")
            let statusParts = lines[0].split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else { break }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            let length = (status < 200 || bodyless) ? 0 : Int(headers["content-length"] ?? "0") ?? 0
            guard rest[headEnd.upperBound...].count >= length else { break }
            let bodyEnd = headEnd.upperBound + length
            responses.append(
                Response(status: status, headers: headers, body: Array(rest[headEnd.upperBound..<bodyEnd])))
            rest = rest[bodyEnd...]
        }
        return responses
    }
}

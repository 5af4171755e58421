import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP endpoint on loopback that records what it receives and answers as told: the
/// subscriber side of the delivery tests.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var method: String
        var headers: HTTPFields
        var body: String
        var at: Date
    }

    /// What to answer to a delivery (the handshake is always answered).
    enum Behaviour: Sendable {
        case accept
        case status(Int, retryAfter: Int?)
    }

    private let state = Mutex((received: [Received](), behaviour: Behaviour.accept))

    var received: [Received] { state.withLock { $0.received } }
    var deliveries: [Received] {
        received.filter { $0.method == "POST" && $0.headers[HTTPField.Name("aeg-event-type")!] == "Notification" }
    }

    func answer(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour } }

    /// Runs the receiver for the duration of `body`, passing its URL.
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.on("/hook", method: .post) { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 16 << 20)
            let text = String(buffer: bytes)
            let behaviour = self.state.withLock { state in
                state.received.append(Received(method: "POST", headers: request.headers, body: text, at: Date()))
                return state.behaviour
            }
            if request.headers[HTTPField.Name("aeg-event-type")!] == "SubscriptionValidation" {
                let code = Self.validationCode(in: text) ?? ""
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: "{\"validationResponse\":\"\(code)\"}")))
            }
            switch behaviour {
            case .accept:
                return Response(status: .ok)
            case .status(let code, let retryAfter):
                var headers = HTTPFields()
                if let retryAfter { headers[.retryAfter] = String(retryAfter) }
                return Response(status: .init(code: code), headers: headers)
            }
        }
        router.on("/hook", method: .options) { request, context -> Response in
            self.state.withLock {
                $0.received.append(Received(method: "OPTIONS", headers: request.headers, body: "", at: Date()))
            }
            let origin = request.headers[HTTPField.Name("WebHook-Request-Origin")!] ?? "*"
            return Response(status: .ok, headers: [HTTPField.Name("WebHook-Allowed-Origin")!: origin])
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            defer { group.cancelAll() }
            var ports = stream.makeAsyncIterator()
            let port = await ports.next() ?? 0
            return try await body("http://127.0.0.1:\(port)/hook")
        }
    }

    private static func validationCode(in body: String) -> String? {
        guard let range = body.range(of: "\"validationCode\":\"") else { return nil }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }
}

import ArgumentParser
import AtriumDomain
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `atrium listen`: a webhook receiver for trying Atrium out. It prints every request that arrives
/// (events, callbacks, handshakes) and answers as a healthy subscriber would: 200, and the
/// validation handshakes of both envelopes, so a subscription pointed at it becomes active.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Print the webhook requests Atrium sends (events, Call Automation callbacks).",
        discussion: """
            Point a subscription's endpointUrl, or a call connection's callback URI, at
            http://127.0.0.1:<port>/ and watch what arrives. The validation handshakes (Event Grid's
            SubscriptionValidation event and the CloudEvents OPTIONS request) are answered, so the
            subscription becomes active at once.
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 9000

    func run() async throws {
        var logger = Logger(label: "atrium.listen")
        logger.logLevel = .warning
        let app = Application(
            responder: CallbackResponder { (request: Request, _: BasicRequestContext) in try await Self.answer(request)
            },
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { [host, port] _ in
                Self.emit("Listening on http://\(host):\(port)/ — every request is printed here (Ctrl-C to stop)\n")
            },
            logger: logger)
        try await app.runService()
    }

    private static func answer(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 << 20)
        let text = String(buffer: body)
        var lines = ["\(Timestamp.format(Date()))  \(request.method) \(request.uri)"]
        for field in request.headers
        where Self.shownHeaders.contains(field.name.canonicalName) || field.name.canonicalName.hasPrefix("aeg-") {
            lines.append("  \(field.name.canonicalName): \(field.value)")
        }
        let json = try? JSONParser.parse(Array(text.utf8))
        if let json {
            lines.append(PrettyJSON.format(json))
        } else if !text.isEmpty {
            lines.append(text)
        }
        emit(lines.joined(separator: "\n") + "\n\n")

        // CloudEvents webhook validation: the sender asks in an OPTIONS request whether it may send.
        if request.method == .options, let origin = request.headers[.init("WebHook-Request-Origin")!] {
            return Response(status: .ok, headers: [.init("WebHook-Allowed-Origin")!: origin])
        }
        // Event Grid's handshake: echo the validation code.
        if request.headers[.init("aeg-event-type")!] == "SubscriptionValidation",
            case .array(let events)? = json, case .string(let code)? = events.first?["data"]?["validationCode"]
        {
            let answer = JSONValue.object([("validationResponse", .string(code))]).serialized
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        return Response(status: .ok)
    }

    private static let shownHeaders: Set<String> = [
        "content-type", "webhook-id", "webhook-timestamp", "webhook-signature", "webhook-request-origin",
    ]

    /// Written at once, whatever buffers stdout: the reader watches the requests arrive.
    private static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

import ArgumentParser
import AsyncHTTPClient
import AtriumAPI
import AtriumDomain
import Foundation
import NIOCore

/// `atrium request`: one REST call signed with the access key as the Azure SDKs sign it
/// (HMAC-SHA256 over the method, path, date, host and body hash), for trying the API by hand.
struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Send one HMAC-signed request to Atrium and print the answer.",
        discussion: """
            Examples:
              atrium request POST '/rooms?api-version=2025-03-13' '{}'
              atrium request GET '/rooms?api-version=2025-03-13'
              atrium request PUT '/eventSubscriptions/demo?api-version=2025-06-01' @subscription.json

            The key is ATRIUM_ACCESS_KEY, else the one serve keeps in <data-dir>/access-key. The answer's
            body is printed (JSON indented); the exit status is 1 when the status is not 2xx.
            """)

    @Argument(help: "GET, POST, PUT, PATCH or DELETE.")
    var method: SignedRequest.HTTPMethodName

    @Argument(help: "The path and query, api-version included, e.g. '/rooms?api-version=2025-03-13'.")
    var path: String

    @Argument(help: "The JSON body: the text itself, @FILE to read it from a file, or - for standard input.")
    var body: String?

    @Option(help: "Where Atrium listens (or set ATRIUM_URL).")
    var url = ProcessInfo.processInfo.environment["ATRIUM_URL"] ?? "http://127.0.0.1:8080"

    @Option(help: "The server's data folder, where its access key is kept.")
    var dataDir = "atrium-data"

    @Flag(name: [.short, .long], help: "Print the status line and the headers before the body.")
    var include = false

    func validate() throws {
        guard path.hasPrefix("/") else {
            throw ValidationError("The path must start with /, e.g. /rooms?api-version=2025-03-13.")
        }
    }

    func run() async throws {
        guard let key = AccessKey.existing(dataDirectory: URL(fileURLWithPath: dataDir)) else {
            throw CommandFailure(
                "No access key: set ATRIUM_ACCESS_KEY, or run from the folder holding \(dataDir)/access-key (or pass --data-dir)."
            )
        }
        guard let signer = HMACAuthenticator(accessKey: key) else {
            throw ValidationError("The access key must be base64 text.")
        }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let request = try SignedRequest.make(method, baseURL: base, target: path, body: try bodyText(), signer: signer)
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        } catch {
            throw CommandFailure(
                "Cannot reach Atrium at \(base) (\(error)): is `atrium serve` running there? (--url or ATRIUM_URL)")
        }
        let answer = try await response.body.collect(upTo: 64 << 20)
        if include {
            var head = "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\n"
            for (name, value) in response.headers { head += "\(name): \(value)\n" }
            FileHandle.standardOutput.write(Data((head + "\n").utf8))
        }
        let text = String(buffer: answer)
        if let json = try? JSONParser.parse(Array(text.utf8)) {
            print(PrettyJSON.format(json))
        } else if !text.isEmpty {
            print(text)
        }
        guard (200..<300).contains(response.status.code) else { throw ExitCode(1) }
    }

    private func bodyText() throws -> String {
        switch body {
        case nil: return ""
        case "-"?: return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        case let text? where text.hasPrefix("@"):
            return try String(contentsOfFile: String(text.dropFirst()), encoding: .utf8)
        case let text?: return text
        }
    }
}

extension SignedRequest.HTTPMethodName: ExpressibleByArgument {
    init?(argument: String) {
        self.init(rawValue: argument.uppercased())
    }
}

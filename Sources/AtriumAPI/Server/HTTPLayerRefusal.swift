import HTTPTypes
import NIOHTTP1

/// A request refused before any route sees it, as the ACS error it is answered with.
struct HTTPLayerRefusal: Sendable, Equatable {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    /// A request whose head did not arrive in time.
    static func headTimedOut(after timeout: Duration) -> Self {
        Self(
            status: .requestTimeout, code: "RequestTimeout",
            message: "The request line and header fields did not arrive within \(timeout.components.seconds) seconds.")
    }

    /// A body declared larger than the server reads.
    static let bodyTooLarge = Self(
        status: .contentTooLarge, code: "RequestEntityTooLarge",
        message: "The request body is larger than \(RequestLimits.maxBodyBytes) bytes.")

    /// What the HTTP/1 parser, or the conversion of its head to HTTP types, refused. Only an
    /// oversized head has a status of its own: the parser's other errors are too coarse to tell an
    /// unknown method or an unsupported version (501, 505) from a garbled request line (a TLS
    /// handshake, bare line feeds), which are 400.
    init(_ error: any Error) {
        if case .headerOverflow? = error as? HTTPParserError {
            // Also a request line too long: the parser counts it with the header fields (as Node.js
            // does, answering 431 for both).
            self.init(
                status: .requestHeaderFieldsTooLarge, code: "RequestHeaderFieldsTooLarge",
                message: "The request line and header fields are too large or too many.")
        } else {
            self.init(
                status: .badRequest, code: "BadRequest",
                message: "The request is not well-formed HTTP/1.1, or its method is not one the server knows.")
        }
    }

    private init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

import AtriumDomain
import HTTPTypes

/// A failure of the request itself (authentication, api-version, syntax, size), as opposed to a
/// broken business rule (`DomainError`). Both reach the wire through `ACSErrorMiddleware`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var target: String?
    public var details: [DomainError.Detail]

    public init(
        _ status: HTTPResponse.Status, code: String, _ message: String, target: String? = nil,
        details: [DomainError.Detail] = []
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details
    }

    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "Unauthorized", message)
    }

    public static func badRequest(_ message: String, target: String? = nil) -> APIError {
        APIError(
            .badRequest, code: "BadRequest", message, target: target,
            details: target.map { [DomainError.Detail(code: "BadArgument", message: message, target: $0)] } ?? [])
    }
}

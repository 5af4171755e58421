import HTTPTypes
import Hummingbird

/// 503 `ServiceUnavailable`: the database cannot be reached now. ACS answers its own outages this
/// way, and the Azure SDKs retry it after `Retry-After`.
enum ServiceUnavailable {
    /// Long enough for a restarting PostgreSQL, short enough that clients come back soon after.
    static let retryAfterSeconds = 2

    static func response(_ message: String = "The database cannot be reached; try again later.") -> Response {
        var response = ACSErrorBody.response(status: .serviceUnavailable, code: "ServiceUnavailable", message: message)
        response.headers[.retryAfter] = "\(retryAfterSeconds)"
        return response
    }
}

import Hummingbird

/// The api-versions of Atrium's own APIs (event subscriptions, audit), versioned together and
/// checked like the ACS ones.
enum AtriumAPIVersion: String, CaseIterable, Sendable {
    case v2025_06_01 = "2025-06-01"

    /// The request's `api-version`. Unknown or missing is a 400, worded as for the other APIs.
    init(of request: Request) throws {
        guard let text = request.uri.queryParameters["api-version"].map(String.init), !text.isEmpty else {
            throw APIError(
                .badRequest, code: "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.", target: "api-version")
        }
        guard let version = AtriumAPIVersion(rawValue: text) else {
            let supported = AtriumAPIVersion.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(
                .badRequest, code: "UnsupportedApiVersion",
                "The api-version '\(text)' is not supported. Supported versions: \(supported).", target: "api-version")
        }
        self = version
    }
}

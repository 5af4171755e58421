import Hummingbird

/// An API's set of api-versions, read from the request's `api-version` query parameter.
protocol APIVersionParameter: RawRepresentable<String>, CaseIterable {}

extension APIVersionParameter {
    /// The request's `api-version`. Unknown or missing is a 400, worded alike for every API.
    init(of request: Request) throws {
        guard let text = request.uri.queryParameters["api-version"].map(String.init), !text.isEmpty else {
            throw APIError(
                .badRequest, code: "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.", target: "api-version")
        }
        guard let version = Self(rawValue: text) else {
            let supported = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(
                .badRequest, code: "UnsupportedApiVersion",
                "The api-version '\(text)' is not supported. Supported versions: \(supported).", target: "api-version")
        }
        self = version
    }
}

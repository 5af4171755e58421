import Hummingbird

/// The Identity api-versions Atrium speaks: those of azure-communication-identity 1.5.0's
/// `ApiVersion` (it sends 2023-10-01 by default) and 2023-08-01 of the REST specs. The operations
/// used here are the same in all of them.
enum IdentityAPIVersion: String, CaseIterable, Sendable {
    case v2021_03_07 = "2021-03-07"
    case v2022_06_01 = "2022-06-01"
    case v2022_10_01 = "2022-10-01"
    case v2023_08_01 = "2023-08-01"
    case v2023_10_01 = "2023-10-01"

    /// The request's `api-version`. Unknown or missing is a 400.
    init(of request: Request) throws {
        guard let text = request.uri.queryParameters["api-version"].map(String.init), !text.isEmpty else {
            throw APIError(
                .badRequest, code: "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.", target: "api-version")
        }
        guard let version = IdentityAPIVersion(rawValue: text) else {
            let supported = IdentityAPIVersion.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(
                .badRequest, code: "UnsupportedApiVersion",
                "The api-version '\(text)' is not supported. Supported versions: \(supported).", target: "api-version")
        }
        self = version
    }
}

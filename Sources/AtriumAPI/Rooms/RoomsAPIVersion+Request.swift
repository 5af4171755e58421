import AtriumDomain
import Hummingbird

extension RoomsAPIVersion {
    /// The request's `api-version`. Unknown or missing is a 400.
    ///
    /// The Rooms SDK's pager rewrites a nextLink's api-version with the *name* of its enum case
    /// (`ApiVersion.V2025_03_13`); that spelling is read as the version it names.
    init(of request: Request) throws {
        guard let text = request.uri.queryParameters["api-version"].map(String.init), !text.isEmpty else {
            throw APIError(
                .badRequest, code: "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.", target: "api-version")
        }
        let normalized =
            text.hasPrefix("ApiVersion.V")
            ? String(text.dropFirst("ApiVersion.V".count)).replacingOccurrences(of: "_", with: "-") : text
        guard let version = RoomsAPIVersion(rawValue: normalized) else {
            let supported = RoomsAPIVersion.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(
                .badRequest, code: "UnsupportedApiVersion",
                "The api-version '\(text)' is not supported. Supported versions: \(supported).", target: "api-version")
        }
        self = version
    }
}

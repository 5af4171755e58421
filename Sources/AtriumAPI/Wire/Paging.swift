import AtriumDomain
import Hummingbird

/// Paged listings: `maxpagesize` in, an absolute `nextLink` out (the SDKs join it as a URL).
struct Paging {
    static let defaultPageSize = 100
    static let maximumPageSize = 1000

    var pageSize: Int
    var cursor: Int64
    /// The query parameter that carries the cursor: ACS's opaque `continuationToken`, or a name
    /// that says what it is (the audit's `after`, a stream version).
    var cursorParameter: String

    init(_ request: Request, cursorParameter: String = "continuationToken") throws {
        self.cursorParameter = cursorParameter
        let query = request.uri.queryParameters
        if let size = query["maxpagesize"] {
            guard let value = Int(size), (1...Self.maximumPageSize).contains(value) else {
                throw APIError.badRequest(
                    "maxpagesize must be between 1 and \(Self.maximumPageSize).", target: "maxpagesize")
            }
            pageSize = value
        } else {
            pageSize = Self.defaultPageSize
        }
        if let token = query[Substring(cursorParameter)] {
            guard let value = Int64(token), value >= 0 else {
                throw APIError.badRequest(
                    "The \(cursorParameter) query parameter is not valid.", target: cursorParameter)
            }
            cursor = value
        } else {
            cursor = 0
        }
    }

    /// The absolute link to the page after `next`, keeping the request's api-version.
    func nextLink(for request: Request, next: Int64?, apiVersion: String) -> JSONValue? {
        guard let next else { return nil }
        let host = request.head.authority ?? "localhost"
        return .string(
            "http://\(host)\(request.uri.path)?api-version=\(apiVersion)&maxpagesize=\(pageSize)&\(cursorParameter)=\(next)"
        )
    }
}

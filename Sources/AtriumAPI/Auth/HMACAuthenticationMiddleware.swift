import Foundation
import HTTPTypes
import Hummingbird

/// Health probes, metrics and the API description. Made once (a generic type cannot hold a stored
/// static): building the set cost on every request.
private let publicPaths: Set<String> = ["/healthz", "/readyz", "/openapi.json", "/metrics"]

/// Reads the body (bounded: larger is 413) and checks the HMAC signature before any route runs.
/// Health probes, metrics, the API description and event subscriptions' validation URLs are public.
struct HMACAuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: HMACAuthenticator
    let clock: @Sendable () -> Date

    /// `GET /eventSubscriptions/{name}/validate`: the subscriber's endpoint (or its owner) follows
    /// the link a handshake sent it, holding the code but not the access key.
    static func isSubscriptionValidation(_ request: Request) -> Bool {
        guard request.method == .get else { return false }
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count == 4 && segments[0].isEmpty && segments[1] == "eventSubscriptions"
            && !segments[2].isEmpty && segments[3] == "validate"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The client calling API authenticates users by their bearer tokens, not the access key.
        guard !publicPaths.contains(request.uri.path), !request.uri.path.hasPrefix("/client/"),
            !Self.isSubscriptionValidation(request)
        else {
            return try await next(request, context)
        }
        var request = request
        let body = try await request.collectBody(upTo: RequestLimits.maxBodyBytes)
        // Only what the signature covers: the headers it names, and the authority as `host`.
        var headers: [String: String] = [:]
        let authorization = request.headers[.authorization]
        let parsed = authorization.flatMap(HMACAuthorization.init)
        if let authorization {
            headers["authorization"] = authorization
            for name in parsed?.signedHeaders ?? [] {
                if name != "host", let field = HTTPField.Name(name), let value = request.headers[field] {
                    headers[name] = value
                }
            }
        }
        headers["host"] = request.head.authority
        try authenticator.verify(
            .init(
                method: request.method.rawValue, target: request.head.path ?? request.uri.string, headers: headers,
                body: Array(buffer: body)),
            authorization: parsed, now: clock())
        return try await next(request, context)
    }
}

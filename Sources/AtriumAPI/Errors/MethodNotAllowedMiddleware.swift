import HTTPTypes
import Hummingbird

/// Answers 405 with `Allow` where the router would say 404 to a path that exists, taken with
/// another method (HEAD, OPTIONS, or one no route uses). Added after every route, it wraps the
/// not-found responder only: a request reaches it when no route matched its method and path.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Answers `GET` on every path of the router with the methods it takes there, so a request's
    /// path is matched (parameters and all) exactly as the router matches it.
    private let allowedMethods: RouterResponder<Context>

    init(routes: [Router<Context>.RouteDescription]) {
        var methodsByPath: [String: (path: RouterPath, methods: Set<String>)] = [:]
        for route in routes {
            methodsByPath[route.path.description, default: (route.path, [])].methods.insert(route.method.rawValue)
        }
        let lookup = Router(context: Context.self)
        for (path, methods) in methodsByPath.values {
            let allow = methods.sorted().joined(separator: ", ")
            lookup.get(path) { _, _ in Response(status: .ok, headers: [.allow: allow]) }
        }
        allowedMethods = lookup.buildResponder()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let probe = Request(
                head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: request.uri.path),
                body: .init(buffer: .init()))
            let answer = try await allowedMethods.respond(to: probe, context: context)
            guard answer.status == .ok, let allow = answer.headers[.allow] else { throw error }
            var response = ACSErrorBody.response(
                status: .methodNotAllowed, code: "MethodNotAllowed",
                message: "\(request.uri.path) does not take \(request.method.rawValue); it takes \(allow).")
            response.headers[.allow] = allow
            return response
        }
    }
}

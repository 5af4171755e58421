import Foundation
import Hummingbird

/// Refuses a request whose path parameters or query values carry U+0000 (`%00`), naming the
/// parameter, before any route reads them (see `StorableText`). JSON bodies are checked where they
/// are parsed (`JSONBody`).
struct StorableTextMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The cheap look first: no `%00` in the URI, nothing decodes to U+0000.
        if request.uri.string.contains("%00") {
            for (name, value) in context.parameters {
                try StorableText.require(value.removingPercentEncoding ?? String(value), named: String(name))
            }
            for (name, value) in request.uri.queryParameters {
                try StorableText.require(value, named: String(name))
            }
            try StorableText.require(request.uri.path.removingPercentEncoding ?? request.uri.path, named: "path")
        }
        return try await next(request, context)
    }
}

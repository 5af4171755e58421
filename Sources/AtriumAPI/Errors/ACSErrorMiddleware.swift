import AtriumDomain
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Turns every failure into the ACS error body and `x-ms-error-code` header: the one place where
/// errors meet the wire. Unexpected errors are logged and answered without internals.
public struct ACSErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let response = try await answer(request, context: context, next: next)
        // No route serves HEAD, so its answers are errors; the encoder refuses a body after a HEAD.
        return request.method == .head ? response.createHeadResponse() : response
    }

    func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as DomainError {
            return ACSErrorBody.response(
                status: Self.status(for: error.code), code: error.code.rawValue, message: error.message,
                target: error.target, details: error.details)
        } catch let error as APIError {
            return ACSErrorBody.response(
                status: error.status, code: error.code, message: error.message, target: error.target,
                details: error.details)
        } catch is NIOTooManyBytesError {
            return ACSErrorBody.response(
                status: .contentTooLarge, code: "RequestEntityTooLarge",
                message: "The request body is larger than \(RequestLimits.maxBodyBytes) bytes.")
        } catch let error as HTTPParserError {
            // A body that breaks HTTP framing mid-read (a bad chunk size); a bad head is answered
            // by `ConnectionGuard` before any route runs.
            let refusal = HTTPLayerRefusal(error)
            return ACSErrorBody.response(status: refusal.status, code: refusal.code, message: refusal.message)
        } catch let error as HTTPError where error.status == .notFound {
            return ACSErrorBody.response(
                status: .notFound, code: "NotFound", message: "The resource \(request.uri.path) does not exist.")
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            return ACSErrorBody.response(
                status: error.status, code: error.status.reasonPhrase.replacingOccurrences(of: " ", with: ""),
                message: error.status.reasonPhrase + ".")
        } catch {
            context.logger.error(
                "request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return ACSErrorBody.response(
                status: .internalServerError, code: "InternalServerError",
                message: "The server could not complete the request. It has been logged; try again.")
        }
    }

    /// The status of each domain error category.
    static func status(for code: DomainError.Code) -> HTTPResponse.Status {
        switch code {
        case .badRequest: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        }
    }
}

/// `{"error":{"code","message","target"?,"details"?}}`.
enum ACSErrorBody {
    static func response(
        status: HTTPResponse.Status, code: String, message: String, target: String? = nil,
        details: [DomainError.Detail] = []
    ) -> Response {
        var response = JSONResponse.make(
            status: status, body: body(code: code, message: message, target: target, details: details))
        response.headers[.xMsErrorCode] = code
        return response
    }

    /// The body alone, for the connection handler that answers before any route runs.
    static func body(code: String, message: String, target: String? = nil, details: [DomainError.Detail] = [])
        -> JSONValue
    {
        var error: [(key: String, value: JSONValue)] = [("code", .string(code)), ("message", .string(message))]
        if let target { error.append(("target", .string(target))) }
        if !details.isEmpty {
            error.append(
                (
                    "details",
                    .array(
                        details.map { detail in
                            var fields: [(key: String, value: JSONValue)] = [
                                ("code", .string(detail.code)), ("message", .string(detail.message)),
                            ]
                            if let target = detail.target { fields.append(("target", .string(target))) }
                            return .object(fields)
                        })
                )
            )
        }
        return .object([("error", .object(error))])
    }
}

import AtriumDomain
import AtriumProjections
import Foundation
import Hummingbird

/// Atrium's audit API: a stream's events, and its aggregate's state as of a time or version, both
/// read from the event log alone.
struct AuditRoutes: Sendable {
    let trail: AuditTrail

    func register(on router: Router<AtriumRequestContext>) {
        router.get("/audit/streams/:streamId/events", use: events)
        router.get("/audit/streams/:streamId/state", use: state)
    }

    /// The stream's timeline, a page at a time; `after` is the stream version the page follows.
    @Sendable func events(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let apiVersion = try AtriumAPIVersion(of: request)
        let stream = try Self.stream(context)
        let paging = try Paging(request, cursorParameter: "after")
        let page = try await trail.timeline(of: stream, after: paging.cursor, limit: paging.pageSize)
        if page.items.isEmpty, try await !trail.exists(stream) { throw Self.notFound(stream) }
        let body = AuditRepresentation.page(
            page.items,
            nextLink: paging.nextLink(for: request, next: page.nextCursor, apiVersion: apiVersion.rawValue))
        return JSONResponse.make(status: .ok, body: body)
    }

    /// The aggregate as of `at` (an ISO 8601 time) or `version`, or now when neither is given.
    @Sendable func state(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try AtriumAPIVersion(of: request)
        let stream = try Self.stream(context)
        let moment = try Self.moment(request)
        guard let state = try await trail.state(of: stream, at: moment) else { throw Self.notFound(stream) }
        return JSONResponse.make(status: .ok, body: AuditRepresentation.state(state))
    }

    // MARK: Request parts

    /// Identity streams hold a raw id (`identity-8:acs:…`), which clients may percent-encode.
    static func stream(_ context: AtriumRequestContext) throws -> StreamName {
        let text = context.parameters.get("streamId") ?? ""
        guard let stream = StreamName(streamId: text.removingPercentEncoding ?? text) else {
            let kinds = StreamName.Category.allCases.map { "\($0.prefix){id}" }.joined(separator: ", ")
            throw DomainError.badArgument(
                "'\(text)' is not a stream the audit reads: give \(kinds).", target: "streamId")
        }
        return stream
    }

    static func moment(_ request: Request) throws -> AuditMoment {
        let query = request.uri.queryParameters
        let at = query["at"].map(String.init)
        let version = query["version"].map(String.init)
        switch (at, version) {
        case (.some, .some):
            throw APIError.badRequest("Give the moment either as 'at' or as 'version', not both.", target: "at")
        case (let at?, nil):
            guard let instant = Self.instant(at) else {
                throw APIError.badRequest(
                    "'at' must be an ISO 8601 time with its offset, e.g. 2026-11-25T10:00:00Z.", target: "at")
            }
            return .time(instant)
        case (nil, let version?):
            guard let number = Int64(version), number >= 0 else {
                throw APIError.badRequest("'version' must be a whole number of at least 0.", target: "version")
            }
            return .version(number)
        case (nil, nil):
            return .latest
        }
    }

    /// An unencoded `+` in a query string arrives as a space: `…T10:00:00+01:00` is still meant.
    private static func instant(_ text: String) -> Date? {
        Timestamp.parse(text) ?? Timestamp.parse(text.replacingOccurrences(of: " ", with: "+"))
    }

    static func notFound(_ stream: StreamName) -> DomainError {
        DomainError(.notFound, "The log holds no events of stream \(stream).", target: "streamId")
    }
}

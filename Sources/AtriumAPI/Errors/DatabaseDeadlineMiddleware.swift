import AtriumStore
import Hummingbird

/// Answers 503 `ServiceUnavailable` (with `Retry-After`) when a request cannot reach the
/// database, within `deadline` instead of whenever PostgreSQL comes back.
///
/// PostgresNIO's pool queues a request for a connection for as long as none can be made, so
/// without a deadline every request that needs the database hangs through an outage. Past the
/// deadline the handler is cancelled: a wait for a connection, or in the append queue, ends at
/// once and nothing is written. Work already handed to PostgreSQL is waited for, so a command that
/// committed is never answered 503.
///
/// Waits take milliseconds while the database is up (p99 under 20 ms with `Tools/bench` at 32
/// connections, appends included): one second (`deadline`) is 50 times that, and still an answer
/// "within a second or two" when the database is down. But a request still waiting then is given
/// up only if the database's address refuses connections or does not answer (`reachability`): a
/// database that is there but slow (a machine starved of CPU: the test suite, running every test
/// at once on two cores, sees 5 s connects) is waited for up to `slowDeadline`, as it is when
/// there is no `reachability` to ask.
struct DatabaseDeadlineMiddleware: RouterMiddleware {
    typealias Context = AtriumRequestContext

    var deadline: Duration
    var slowDeadline: Duration
    var reachability: DatabaseReachability?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let isReachable: @Sendable () async -> Bool = { [reachability] in
            await reachability?.isReachable() ?? false
        }
        let (outcome, expired) = await Deadline.run(
            reachability == nil ? slowDeadline : deadline, extendedTo: slowDeadline, while: isReachable
        ) { try await next(request, context) }
        do {
            return try outcome.get()
        } catch let error where DatabaseUnavailable.describes(error) {
            return ServiceUnavailable.response()
        } catch let error as APIError where error.status == .serviceUnavailable {
            // A route's own 503 (the token check's identity lookup) gets the Retry-After too.
            return ServiceUnavailable.response(error.message)
        } catch let error where expired && DatabaseUnavailable.isCancellation(error) {
            // Debug only: through an outage every request would log it.
            context.logger.debug(
                "no database connection within the deadline; answered 503",
                metadata: ["deadline": "\(deadline)", "path": "\(request.uri.path)"])
            return ServiceUnavailable.response()
        }
    }
}

import AsyncHTTPClient
import NIOCore

/// How hard the delivery workers try and how they keep endpoints apart.
///
/// An endpoint (a subscription, or a callback URI) gets a bounded share of a node's attempts, each
/// attempt its own deadline; so a slow, hanging or unreachable endpoint never holds what another
/// one needs. The defaults are Event Grid's where it has one.
public struct DeliverySettings: Sendable {
    /// One attempt, from sending the request to the end of the answer (Event Grid: 30 s).
    public var attemptTimeout: Duration = .seconds(30)
    /// Opening a connection: an endpoint that cannot be reached fails this fast, not after the whole
    /// attempt's time.
    public var connectTimeout: Duration = .seconds(5)
    /// Requests open to one endpoint at once, on one node. A failing endpoint gets one at a time
    /// (a probe) until it answers again.
    public var maxAttemptsPerEndpoint = 64
    /// Requests open at once on one node, all endpoints together.
    public var maxAttemptsInFlight = 512
    /// Rows claimed by one statement.
    public var claimSize = 128
    /// After the 1st, 2nd, … failed attempt (and after an endpoint's 1st, 2nd, … failed round);
    /// past the end, every 12 hours.
    public var retryDelays: [Duration] = RetrySchedule.eventGridDelays
    /// How often due rows are looked for when no notification came (retries come due unannounced).
    public var pollInterval: Duration = .milliseconds(250)

    public init() {}

    /// How long a claimed row is left alone: longer than an attempt can last, so that it is never
    /// in flight twice; a node that dies mid-attempt leaves it to come due after this.
    var lease: Duration { attemptTimeout + .seconds(30) }

    /// The webhook client these settings call for: connections kept alive, no redirects, and a
    /// refused connection failed at once (the outbox retries, on its own schedule). Connections
    /// per host are not what bounds an endpoint (the workers do): subscriptions that share a host
    /// must not queue behind each other's hanging requests.
    public var httpClientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(maxAttemptsInFlight, maxAttemptsPerEndpoint))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = TimeAmount(connectTimeout)
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}

/// How a `SIPUserAgent` reaches its trunk and presents itself.
public struct SIPUserAgentConfiguration: Sendable {
    /// Where every call goes.
    public var trunk: SIPTrunk
    /// Answers to the trunk's digest challenges; without them a challenge fails the call.
    public var credentials: SIPCredentials?
    /// The local address the SIP socket binds, e.g. "127.0.0.1".
    public var listenHost: String
    /// The local port; 0 lets the system choose (read it back from `SIPUserAgent.localPort`).
    public var listenPort: Int
    /// The host written in Via and Contact when it differs from `listenHost` (behind NAT, or bound to 0.0.0.0).
    public var advertisedHost: String?
    /// The User-Agent header, e.g. "Atrium/1.0".
    public var userAgent: String

    public init(
        trunk: SIPTrunk, credentials: SIPCredentials? = nil, listenHost: String = "127.0.0.1",
        listenPort: Int = 0, advertisedHost: String? = nil, userAgent: String = "Atrium"
    ) {
        self.trunk = trunk
        self.credentials = credentials
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.advertisedHost = advertisedHost
        self.userAgent = userAgent
    }
}

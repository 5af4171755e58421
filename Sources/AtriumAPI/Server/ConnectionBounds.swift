/// How long a connection may hold the server without a request in progress, how large a request
/// head may be, and how many connections are served at once.
public struct ConnectionBounds: Sendable {
    /// A keep-alive connection with no request in progress (or a body that has stopped arriving)
    /// is closed after this long.
    public var idleTimeout: Duration
    /// A request whose head (request line and header fields) has not arrived this long after its
    /// first byte is answered 408 and its connection closed.
    public var headerTimeout: Duration
    /// Connections beyond this many wait in the listen backlog until one closes. Keep it under the
    /// process's open-file limit (`ulimit -n`), which the database and webhook connections share.
    public var maxConnections: Int
    /// The request line and header fields together; larger heads are answered 431. Room for an
    /// oversized bearer token to reach authentication (401), not for megabytes.
    public var maxHeadBytes: Int
    /// More header fields than this are answered 431.
    public var maxHeaderFields: Int
    /// How long a refused connection's remaining input is read and dropped before the connection
    /// closes: closing with unread input resets it, and the client would lose the error response.
    public var lingerTime: Duration

    public init(
        idleTimeout: Duration = .seconds(60), headerTimeout: Duration = .seconds(10), maxConnections: Int = 4096,
        maxHeadBytes: Int = 128 * 1024, maxHeaderFields: Int = 1000, lingerTime: Duration = .seconds(2)
    ) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.maxConnections = maxConnections
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderFields = maxHeaderFields
        self.lingerTime = lingerTime
    }
}

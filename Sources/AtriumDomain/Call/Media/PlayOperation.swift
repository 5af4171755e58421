/// A play a call connection asked for: what, to whom, for how long.
public struct PlayOperation: Codable, Equatable, Sendable {
    public var operationId: String
    public var connectionId: String
    public var operationContext: String?
    public var sources: [PlaySource]
    /// The participants who hear it; empty for everyone.
    public var playTo: [String]
    /// Plays until canceled.
    public var loop: Bool

    public init(
        operationId: String, connectionId: String, operationContext: String?, sources: [PlaySource],
        playTo: [String], loop: Bool
    ) {
        self.operationId = operationId
        self.connectionId = connectionId
        self.operationContext = operationContext
        self.sources = sources
        self.playTo = playTo
        self.loop = loop
    }

    /// The sources one after the other (nil for a loop, which only a cancel ends).
    public var duration: Duration? {
        loop ? nil : sources.reduce(Duration.zero) { $0 + $1.duration }
    }
}

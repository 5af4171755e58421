import AtriumDomain
import Foundation

/// Who issues a command, why, and when: becomes every resulting event's metadata.
public struct CommandContext: Sendable {
    public var actor: String
    public var correlationId: UUID
    public var causationId: UUID?
    public var requestId: String?
    /// The instant the command is decided at; deciders never read a clock.
    public var now: Date

    public init(
        actor: String, correlationId: UUID = .random(), causationId: UUID? = nil, requestId: String? = nil, now: Date
    ) {
        self.actor = actor
        self.correlationId = correlationId
        self.causationId = causationId
        self.requestId = requestId
        self.now = now
    }
}

/// A request that must take effect at most once (ACS `Repeatability-Request-ID` / `-First-Sent`).
public struct Repeatability: Sendable {
    public var requestId: String
    public var firstSent: Date
    /// `METHOD path`: an id reused for a different operation is refused rather than answered wrongly.
    public var operation: String

    public init(requestId: String, firstSent: Date, operation: String) {
        self.requestId = requestId
        self.firstSent = firstSent
        self.operation = operation
    }
}

/// The response a command produced, as it will be sent (and, for repeatable requests, stored).
public struct CommandResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: String

    public init(status: Int, headers: [String: String] = [:], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

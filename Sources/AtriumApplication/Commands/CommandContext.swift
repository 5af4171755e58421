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

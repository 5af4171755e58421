import AtriumDomain
import Foundation

/// Why an event is in the log, recorded beside every event: what makes the audit trail answer
/// "who did what, and why".
public struct EventMetadata: Codable, Equatable, Sendable {
    /// Who acted: a user's raw id, `application:<key name>`, or `policy:<name>` for a process manager.
    public var actor: String
    /// The command that produced the event.
    public var command: String
    /// Shared by everything that follows from one original request.
    public var correlationId: UUID
    /// The event (or request) that directly caused this one.
    public var causationId: UUID?
    /// The HTTP request that carried the command, when there was one.
    public var requestId: String?

    public init(actor: String, command: String, correlationId: UUID, causationId: UUID? = nil, requestId: String? = nil)
    {
        self.actor = actor
        self.command = command
        self.correlationId = correlationId
        self.causationId = causationId
        self.requestId = requestId
    }
}

extension EventMetadata {
    /// The metadata as stored: the same text `EventJSON.encode` gives, written directly because it
    /// is encoded on every append.
    public var jsonText: String {
        var writer = JSONObjectWriter()
        writer.string("actor", actor)
        writer.uuid("causationId", causationId)
        writer.string("command", command)
        writer.uuid("correlationId", correlationId)
        writer.string("requestId", requestId)
        return writer.json
    }
}

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
    /// The metadata as stored: the same text `EventJSON.encode` gives (sorted keys, nulls left
    /// out), written directly because it is encoded on every append.
    public var jsonText: String {
        var text = "{\"actor\":" + Self.quoted(actor)
        if let causationId { text += ",\"causationId\":\"" + causationId.uuidString + "\"" }
        text += ",\"command\":" + Self.quoted(command)
        text += ",\"correlationId\":\"" + correlationId.uuidString + "\""
        if let requestId { text += ",\"requestId\":" + Self.quoted(requestId) }
        return text + "}"
    }

    private static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

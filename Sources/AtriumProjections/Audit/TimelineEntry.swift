import AtriumDomain
import AtriumStore
import Foundation

/// One event of a stream's history as the audit tells it: when, who, what, and why.
public struct TimelineEntry: Sendable {
    public var streamId: String
    public var version: Int64
    /// The event's place in the whole log.
    public var globalPosition: Int64
    public var eventId: UUID
    public var eventType: String
    /// The schema version the event was written with (its `data` is shown in the current one).
    public var schemaVersion: Int
    public var recordedAt: Date
    /// Actor, command, correlation, causation and request, as recorded.
    public var metadata: EventMetadata
    /// What happened, in one line.
    public var description: String
    /// The event's data upcast to the current schema, secrets redacted; as stored when it cannot be read.
    public var data: JSONValue
    /// The event the causation id names, when that is an event in the log.
    public var cause: EventReference?
}

/// Where an event is in the log: enough to find it and say what it was.
public struct EventReference: Equatable, Sendable {
    public var eventId: UUID
    public var streamId: String
    public var version: Int64
    public var eventType: String

    public init(eventId: UUID, streamId: String, version: Int64, eventType: String) {
        self.eventId = eventId
        self.streamId = streamId
        self.version = version
        self.eventType = eventType
    }
}

import AtriumDomain
import Foundation

/// An event as the log holds it.
public struct RecordedEvent: Sendable {
    public var position: LogPosition
    public var streamId: String
    public var streamVersion: Int64
    public var eventId: UUID
    public var eventType: String
    public var schemaVersion: Int
    public var data: Data
    public var metadata: EventMetadata
    public var recordedAt: Date

    /// The domain event, upcast to its current shape.
    public func decode<E: EventCodable>(as type: E.Type = E.self) throws -> E {
        try E(eventType: eventType, schemaVersion: schemaVersion, data: data)
    }
}

import AtriumDomain
import Foundation

/// An event ready to be appended: its identity, encoded data and metadata.
public struct NewEvent: Sendable {
    public var eventId: UUID
    public var eventType: String
    public var schemaVersion: Int
    public var data: Data
    public var metadata: EventMetadata

    public init(
        eventId: UUID = .random(), eventType: String, schemaVersion: Int = 1, data: Data, metadata: EventMetadata
    ) {
        self.eventId = eventId
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
    }

    public init(_ event: some EventCodable, metadata: EventMetadata, eventId: UUID = .random()) throws {
        self.init(
            eventId: eventId, eventType: event.eventType, schemaVersion: event.schemaVersion,
            data: try event.encodedData(),
            metadata: metadata)
    }
}

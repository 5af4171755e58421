import Foundation

/// An event as subscribers receive it, before it is put in an Event Grid or CloudEvents envelope.
///
/// Derived from one event of the log: `id` is fixed by the log event it comes from, so every
/// delivery and redelivery of it carries the same id (the subscriber's dedup key).
public struct PublishedEvent: Equatable, Sendable {
    /// `Microsoft.Communication.CallStarted`, `Atrium.Rooms.RoomCreated`, …
    public var eventType: String
    public var id: UUID
    /// `call/{serverCallId}/participant/{rawId}`, `room/{roomId}`, …
    public var subject: String
    public var eventTime: Date
    public var data: JSONValue
    public var dataVersion: String

    public init(
        eventType: String, id: UUID, subject: String, eventTime: Date, data: JSONValue, dataVersion: String = "1.0"
    ) {
        self.eventType = eventType
        self.id = id
        self.subject = subject
        self.eventTime = eventTime
        self.data = data
        self.dataVersion = dataVersion
    }

    /// The value at a dotted Event Grid filter key: `data.room.id`, `subject`, `eventType`, `id`,
    /// `dataVersion`; nil when absent.
    public func value(atKey key: String) -> JSONValue? {
        switch key.lowercased() {
        case "id": return .string(id.uuidString.lowercased())
        case "subject": return .string(subject)
        case "eventtype", "type": return .string(eventType)
        case "dataversion": return .string(dataVersion)
        default: break
        }
        var parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.first?.lowercased() == "data" else { return nil }
        parts.removeFirst()
        var current = data
        for part in parts {
            guard let next = current[part] else { return nil }
            current = next
        }
        return current
    }
}

import AtriumStore
import Foundation

extension NewEvent {
    /// An event with no meaning, for tests of the log itself.
    public static func probe(id: UUID = UUID(), type: String = "Probe") -> NewEvent {
        NewEvent(
            eventId: id, eventType: type, data: Data("{}".utf8),
            metadata: EventMetadata(actor: "test", command: "Probe", correlationId: UUID()))
    }
}

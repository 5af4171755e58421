import AtriumDomain
import AtriumStore
import Foundation

extension NewEvent {
    /// A room created `at`, valid for an hour: what the fan-out publishes, without the Rooms API.
    static func roomCreated(id: String, at now: Date, metadata: EventMetadata) -> NewEvent {
        let time = JSONValue.string(Timestamp.format(now))
        let data: JSONValue = [
            "roomId": .string(id), "createdAt": time, "validFrom": time,
            "validUntil": .string(Timestamp.format(now.addingTimeInterval(3600))), "pstnDialOutEnabled": false,
        ]
        return NewEvent(eventType: "RoomCreated", data: Data(data.serialized.utf8), metadata: metadata)
    }
}

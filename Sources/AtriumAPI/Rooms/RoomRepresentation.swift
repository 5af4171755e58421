import AtriumDomain
import AtriumProjections
import Foundation

/// RoomModel and participant bodies exactly as ACS returns them.
enum RoomRepresentation {
    static func model(id: String, createdAt: Date, validFrom: Date, validUntil: Date, pstnDialOutEnabled: Bool)
        -> JSONValue
    {
        [
            "id": .string(id),
            "createdAt": .string(Timestamp.format(createdAt)),
            "validFrom": .string(Timestamp.format(validFrom)),
            "validUntil": .string(Timestamp.format(validUntil)),
            "pstnDialOutEnabled": .bool(pstnDialOutEnabled),
        ]
    }

    static func model(_ room: Room) -> JSONValue {
        model(
            id: room.id?.value ?? "", createdAt: room.createdAt, validFrom: room.validity.validFrom,
            validUntil: room.validity.validUntil, pstnDialOutEnabled: room.pstnDialOutEnabled)
    }

    static func model(_ row: RoomRow) -> JSONValue {
        model(
            id: row.roomId, createdAt: row.createdAt, validFrom: row.validFrom, validUntil: row.validUntil,
            pstnDialOutEnabled: row.pstnDialOutEnabled)
    }

    static func participant(_ row: RoomParticipantRow) -> JSONValue {
        ["rawId": .string(row.rawId), "role": .string(row.role)]
    }

    static func page(_ items: [JSONValue], nextLink: JSONValue?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("value", .array(items))]
        if let nextLink { members.append(("nextLink", nextLink)) }
        return .object(members)
    }
}

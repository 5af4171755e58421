import Foundation

/// How room events are written to and read from the log: a type name, a schema version and JSON data.
extension RoomEvent: EventCodable {
    public var eventType: String {
        switch self {
        case .created: "RoomCreated"
        case .updated: "RoomUpdated"
        case .participantAdded: "RoomParticipantAdded"
        case .participantRoleChanged: "RoomParticipantRoleChanged"
        case .participantRemoved: "RoomParticipantRemoved"
        case .deleted: "RoomDeleted"
        }
    }

    public var schemaVersion: Int { 1 }

    public func encodedData() throws -> Data {
        switch self {
        case .created(let e): try EventJSON.encode(e)
        case .updated(let e): try EventJSON.encode(e)
        case .participantAdded(let e): try EventJSON.encode(e)
        case .participantRoleChanged(let e): try EventJSON.encode(e)
        case .participantRemoved(let e): try EventJSON.encode(e)
        case .deleted(let e): try EventJSON.encode(e)
        }
    }

    public init(eventType: String, schemaVersion: Int, data: Data) throws {
        switch eventType {
        case "RoomCreated": self = .created(try EventJSON.decode(data))
        case "RoomUpdated": self = .updated(try EventJSON.decode(data))
        case "RoomParticipantAdded": self = .participantAdded(try EventJSON.decode(data))
        case "RoomParticipantRoleChanged": self = .participantRoleChanged(try EventJSON.decode(data))
        case "RoomParticipantRemoved": self = .participantRemoved(try EventJSON.decode(data))
        case "RoomDeleted": self = .deleted(try EventJSON.decode(data))
        default: throw EventDecodingError.unknownType(eventType)
        }
    }
}

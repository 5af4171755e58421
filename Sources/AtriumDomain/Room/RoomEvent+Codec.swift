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
        case .callStarted: "RoomCallStarted"
        }
    }

    public var schemaVersion: Int { 1 }

    /// The same bytes `EventJSON.encode` gives (sorted keys), written directly: every append does this.
    public func encodedData() throws -> Data {
        var writer = JSONObjectWriter()
        switch self {
        case .created(let e):
            writer.date("createdAt", e.createdAt)
            writer.bool("pstnDialOutEnabled", e.pstnDialOutEnabled)
            writer.string("roomId", e.roomId)
            writer.date("validFrom", e.validFrom)
            writer.date("validUntil", e.validUntil)
        case .updated(let e):
            writer.bool("pstnDialOutEnabled", e.pstnDialOutEnabled)
            writer.date("validFrom", e.validFrom)
            writer.date("validUntil", e.validUntil)
        case .participantAdded(let e):
            writer.string("rawId", e.rawId)
            writer.string("role", e.role.rawValue)
        case .participantRoleChanged(let e):
            writer.string("previousRole", e.previousRole.rawValue)
            writer.string("rawId", e.rawId)
            writer.string("role", e.role.rawValue)
        case .participantRemoved(let e):
            writer.string("previousRole", e.previousRole.rawValue)
            writer.string("rawId", e.rawId)
        case .deleted:
            break
        case .callStarted(let e):
            writer.string("callId", e.callId)
        }
        return Data(writer.json.utf8)
    }

    public init(eventType: String, schemaVersion: Int, data: Data) throws {
        switch eventType {
        case "RoomCreated": self = .created(try EventJSON.decode(data))
        case "RoomUpdated": self = .updated(try EventJSON.decode(data))
        case "RoomParticipantAdded": self = .participantAdded(try EventJSON.decode(data))
        case "RoomParticipantRoleChanged": self = .participantRoleChanged(try EventJSON.decode(data))
        case "RoomParticipantRemoved": self = .participantRemoved(try EventJSON.decode(data))
        case "RoomDeleted": self = .deleted(try EventJSON.decode(data))
        case "RoomCallStarted": self = .callStarted(try EventJSON.decode(data))
        default: throw EventDecodingError.unknownType(eventType)
        }
    }
}

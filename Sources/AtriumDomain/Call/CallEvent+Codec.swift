import Foundation

/// How call events are written to and read from the log.
extension CallEvent: EventCodable {
    public var eventType: String {
        switch self {
        case .started: "CallStarted"
        case .participantJoined: "CallParticipantJoined"
        case .participantLeft: "CallParticipantLeft"
        case .participantRemoved: "CallParticipantRemoved"
        case .participantMuted: "CallParticipantMuted"
        case .participantUnmuted: "CallParticipantUnmuted"
        case .videoChanged: "CallParticipantVideoChanged"
        case .screenShareChanged: "CallParticipantScreenShareChanged"
        case .participantInvited: "CallParticipantInvited"
        case .dialOutRequested: "CallDialOutRequested"
        case .participantRoleChanged: "CallParticipantRoleChanged"
        case .ended: "CallEnded"
        }
    }

    public var schemaVersion: Int { 1 }

    public func encodedData() throws -> Data {
        switch self {
        case .started(let e): try EventJSON.encode(e)
        case .participantJoined(let e): try EventJSON.encode(e)
        case .participantLeft(let e): try EventJSON.encode(e)
        case .participantRemoved(let e): try EventJSON.encode(e)
        case .participantMuted(let e): try EventJSON.encode(e)
        case .participantUnmuted(let e): try EventJSON.encode(e)
        case .videoChanged(let e): try EventJSON.encode(e)
        case .screenShareChanged(let e): try EventJSON.encode(e)
        case .participantInvited(let e): try EventJSON.encode(e)
        case .dialOutRequested(let e): try EventJSON.encode(e)
        case .participantRoleChanged(let e): try EventJSON.encode(e)
        case .ended(let e): try EventJSON.encode(e)
        }
    }

    public init(eventType: String, schemaVersion: Int, data: Data) throws {
        switch eventType {
        case "CallStarted": self = .started(try EventJSON.decode(data))
        case "CallParticipantJoined": self = .participantJoined(try EventJSON.decode(data))
        case "CallParticipantLeft": self = .participantLeft(try EventJSON.decode(data))
        case "CallParticipantRemoved": self = .participantRemoved(try EventJSON.decode(data))
        case "CallParticipantMuted": self = .participantMuted(try EventJSON.decode(data))
        case "CallParticipantUnmuted": self = .participantUnmuted(try EventJSON.decode(data))
        case "CallParticipantVideoChanged": self = .videoChanged(try EventJSON.decode(data))
        case "CallParticipantScreenShareChanged": self = .screenShareChanged(try EventJSON.decode(data))
        case "CallParticipantInvited": self = .participantInvited(try EventJSON.decode(data))
        case "CallDialOutRequested": self = .dialOutRequested(try EventJSON.decode(data))
        case "CallParticipantRoleChanged": self = .participantRoleChanged(try EventJSON.decode(data))
        case "CallEnded": self = .ended(try EventJSON.decode(data))
        default: throw EventDecodingError.unknownType(eventType)
        }
    }
}

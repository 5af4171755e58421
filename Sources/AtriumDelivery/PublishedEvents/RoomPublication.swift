import AtriumDomain
import AtriumStore
import Foundation

/// Atrium's own room lifecycle events (ACS has none), under the `Atrium.Rooms` namespace.
///
/// Subjects are `room/{roomId}` and `room/{roomId}/participant/{rawId}`; `actor` says who acted.
enum RoomPublication {
    static func publish(_ event: RoomEvent, roomId: String, source: RecordedEvent) -> PublishedEvent? {
        let subject = "room/\(roomId)"
        let common: [(key: String, value: JSONValue)] = [
            (key: "roomId", value: .string(roomId)), (key: "actor", value: .string(source.metadata.actor)),
        ]
        func published(_ type: String, _ subject: String, _ data: [(key: String, value: JSONValue)]) -> PublishedEvent {
            PublishedEvent(
                eventType: type, id: NameBasedUUID.publishedEventId(logEventId: source.eventId, publishedType: type),
                subject: subject, eventTime: source.recordedAt, data: .object(common + data))
        }
        func validity(_ from: Date, _ until: Date, _ pstn: Bool) -> [(key: String, value: JSONValue)] {
            [
                (key: "validFrom", value: .string(Timestamp.format(from))),
                (key: "validUntil", value: .string(Timestamp.format(until))),
                (key: "pstnDialOutEnabled", value: .bool(pstn)),
            ]
        }
        func roster(_ rawId: String, _ change: String, role: Role?, previous: Role?) -> PublishedEvent {
            published(
                PublishedEventTypes.roomRosterChanged, "\(subject)/participant/\(rawId)",
                [
                    (key: "change", value: .string(change)),
                    (key: "participant", value: CommunicationIdentifierJSON.participant(rawId: rawId, role: role)),
                    (key: "previousRole", value: previous.map { .string($0.rawValue) } ?? .null),
                ])
        }
        switch event {
        case .created(let e):
            return published(
                PublishedEventTypes.roomCreated, subject,
                [(key: "createdAt", value: .string(Timestamp.format(e.createdAt)))]
                    + validity(e.validFrom, e.validUntil, e.pstnDialOutEnabled))
        case .updated(let e):
            return published(
                PublishedEventTypes.roomUpdated, subject, validity(e.validFrom, e.validUntil, e.pstnDialOutEnabled))
        case .deleted:
            return published(PublishedEventTypes.roomDeleted, subject, [])
        case .participantAdded(let e):
            return roster(e.rawId, "Added", role: e.role, previous: nil)
        case .participantRoleChanged(let e):
            return roster(e.rawId, "RoleChanged", role: e.role, previous: e.previousRole)
        case .participantRemoved(let e):
            return roster(e.rawId, "Removed", role: nil, previous: e.previousRole)
        case .callStarted:
            return nil  // published from the call's own stream as Microsoft.Communication.CallStarted
        }
    }
}

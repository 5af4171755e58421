import AtriumDomain
import AtriumStore
import Foundation

/// What the call events need beyond the event itself: the call as it was, when it started and
/// under which correlation id.
struct CallPublicationState: Sendable {
    var call = Call()
    var startedAt: Date?
    var correlationId: UUID?
    /// The stream version this state has seen (0: none).
    var version: Int64 = 0
    /// Roles by raw id, kept after people leave (CallEnded and removals name them).
    var roles: [String: Role] = [:]

    mutating func evolve(_ event: CallEvent, source: RecordedEvent) {
        switch event {
        case .started(let e):
            startedAt = source.recordedAt
            correlationId = source.metadata.correlationId
            if let role = e.startedByRole { roles[e.startedBy] = role }
        case .participantJoined(let e): roles[e.rawId] = e.role
        case .participantRoleChanged(let e): roles[e.rawId] = e.role
        default: break
        }
        call = CallDecider.evolve(call, event)
        version = source.streamVersion
    }
}

/// ACS's call events, with the data and subjects of ACS-WIRE.md: `Microsoft.Communication.CallStarted`,
/// `CallEnded`, `CallParticipantAdded`, `CallParticipantRemoved`, and `RecordingFileStatusUpdated`.
enum CallPublication {
    static func publish(_ event: CallEvent, before state: CallPublicationState, source: RecordedEvent)
        -> PublishedEvent?
    {
        let call = state.call
        guard let callId = call.id ?? startedCallId(event) else { return nil }
        let roomId = call.roomId ?? startedRoomId(event) ?? ""
        let startedBy = call.startedBy ?? startedByOf(event) ?? ""
        let startedByRole: Role? =
            if case .started(let e) = event { e.startedByRole } else { state.roles[startedBy] }
        var common: [(key: String, value: JSONValue)] = [
            (key: "startedBy", value: CommunicationIdentifierJSON.participant(rawId: startedBy, role: startedByRole)),
            (key: "serverCallId", value: .string(callId)),
            (key: "room", value: ["id": .string(roomId)]),
            (key: "isTwoParty", value: .bool(false)),
            (
                key: "correlationId",
                value: .string((state.correlationId ?? source.metadata.correlationId).uuidString.lowercased())
            ),
            (key: "isRoomsCall", value: .bool(true)),
        ]
        func published(_ type: String, _ subject: String, _ data: [(key: String, value: JSONValue)]) -> PublishedEvent {
            PublishedEvent(
                eventType: type, id: NameBasedUUID.publishedEventId(logEventId: source.eventId, publishedType: type),
                subject: subject, eventTime: source.recordedAt, data: .object(data + common))
        }
        func participant(_ type: String, _ rawId: String, role: Role?) -> PublishedEvent {
            published(
                type, "call/\(callId)/participant/\(rawId)",
                [
                    (key: "user", value: CommunicationIdentifierJSON.participant(rawId: rawId, role: role)),
                    (key: "displayName", value: .null),
                    (key: "participantId", value: .string(participantId(callId: callId, rawId: rawId))),
                    (key: "userAgent", value: .null),
                ])
        }
        switch event {
        case .started:
            return published(PublishedEventTypes.callStarted, "call/\(callId)/startedBy/\(startedBy)", [])
        case .participantJoined(let e):
            return participant(PublishedEventTypes.callParticipantAdded, e.rawId, role: e.role)
        case .dialOutAnswered(let e):
            return participant(PublishedEventTypes.callParticipantAdded, e.rawId, role: nil)
        case .participantLeft(let e):
            return participant(PublishedEventTypes.callParticipantRemoved, e.rawId, role: state.roles[e.rawId])
        case .participantRemoved(let e):
            // A phone leg that never answered was never added.
            guard call.participant(e.rawId)?.state == .connected else { return nil }
            return participant(PublishedEventTypes.callParticipantRemoved, e.rawId, role: state.roles[e.rawId])
        case .ended(let e):
            // The application acts under its identifier in the call (its connection says which).
            let actor = source.metadata.actor
            let endedBy = actor == "application" ? call.connections.first?.application ?? actor : actor
            let duration = state.startedAt.map { source.recordedAt.timeIntervalSince($0) } ?? 0
            common.insert(
                contentsOf: [
                    (
                        key: "endedBy",
                        value: CommunicationIdentifierJSON.participant(rawId: endedBy, role: state.roles[endedBy])
                    ),
                    (key: "reason", value: reason(e.reason)),
                    (key: "callDurationInSeconds", value: .number((duration * 1000).rounded() / 1000)),
                ], at: 0)
            return published(PublishedEventTypes.callEnded, "call/\(callId)", [])
        case .recordingFileReady(let e):
            return recordingFileStatusUpdated(e, callId: callId, source: source)
        default:
            return nil
        }
    }

    /// ACS's event for a recording's file: one chunk, the whole file, downloadable from its location.
    private static func recordingFileStatusUpdated(
        _ e: CallRecordingFileReady, callId: String, source: RecordedEvent
    ) -> PublishedEvent {
        let type = PublishedEventTypes.recordingFileStatusUpdated
        let chunk: JSONValue = [
            "documentId": .string(e.recordingId), "index": .number(0), "endReason": .string("SessionEnded"),
            "contentLocation": .string(e.file.contentLocation), "metadataLocation": .string(e.file.contentLocation),
            "deleteLocation": .string(e.file.contentLocation),
        ]
        let data: [(key: String, value: JSONValue)] = [
            (key: "recordingStorageInfo", value: ["recordingChunks": .array([chunk])]),
            (key: "recordingStartTime", value: .string(Timestamp.format(e.file.startedAt))),
            (key: "recordingDurationMs", value: .number(Double(e.file.durationMs))),
            (key: "recordingContentType", value: .string("Audio")),
            (key: "recordingChannelType", value: .string(e.file.channels > 1 ? "Unmixed" : "Mixed")),
            (key: "recordingFormatType", value: .string("Wav")),
            (key: "sessionEndReason", value: .string("CallEnded")),
        ]
        return PublishedEvent(
            eventType: type, id: NameBasedUUID.publishedEventId(logEventId: source.eventId, publishedType: type),
            subject: "/recording/call/\(callId)/serverCallId/\(callId)/recordingId/\(e.recordingId)",
            eventTime: source.recordedAt, data: .object(data))
    }

    /// ACS gives each participant's leg a GUID; Atrium derives it from the call and the participant,
    /// so the Added and Removed events of one participant agree.
    static func participantId(callId: String, rawId: String) -> String {
        NameBasedUUID.make("participant/\(callId)/\(rawId)").uuidString.lowercased()
    }

    /// `{code, subCode, phrase}`: code 0 is a normal end; the sub-code says which.
    static func reason(_ reason: CallEndReason) -> JSONValue {
        let (subCode, phrase): (Double, String) =
            switch reason {
            case .lastParticipantLeft: (0, "Call ended because the last participant left.")
            case .roomDeleted: (5_301, "Call ended because the room was deleted.")
            case .roomExpired: (5_302, "Call ended because the room's validity ended.")
            case .terminated: (5_303, "Call ended for everyone by a server application.")
            }
        return ["code": .number(0), "subCode": .number(subCode), "phrase": .string(phrase)]
    }

    private static func startedCallId(_ event: CallEvent) -> String? {
        if case .started(let e) = event { e.callId } else { nil }
    }
    private static func startedRoomId(_ event: CallEvent) -> String? {
        if case .started(let e) = event { e.roomId } else { nil }
    }
    private static func startedByOf(_ event: CallEvent) -> String? {
        if case .started(let e) = event { e.startedBy } else { nil }
    }
}

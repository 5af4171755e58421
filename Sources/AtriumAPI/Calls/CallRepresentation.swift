import AtriumDomain
import AtriumProjections

/// The call body of the client calling API.
enum CallRepresentation {
    static func model(_ row: CallRow) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("callId", .string(row.callId)),
            ("roomId", .string(row.roomId)),
            ("state", .string(row.state)),
            ("startedBy", ["rawId": .string(row.startedBy)]),
        ]
        if let reason = row.endReason { members.append(("endReason", .string(reason))) }
        members.append(("participants", .array(row.participants.map(participant))))
        return .object(members)
    }

    static func participant(_ row: CallParticipantRow) -> JSONValue {
        .object([
            ("identifier", ["rawId": .string(row.rawId)]),
            ("role", row.role.map(JSONValue.string) ?? .null),
            ("state", .string(row.state)),
            ("isMuted", .bool(row.muted)),
            ("isVideoOn", .bool(row.videoOn)),
            ("isScreenSharing", .bool(row.screenSharing)),
        ])
    }

    /// The aggregate's state in the same shape, for answers built from what a command produced.
    static func row(_ call: Call) -> CallRow {
        CallRow(
            callId: call.id ?? "", roomId: call.roomId ?? "", state: call.lifecycle == .ended ? "Ended" : "Active",
            startedBy: call.startedBy ?? "", endReason: call.endReason?.rawValue,
            participants: call.participants.map {
                CallParticipantRow(
                    rawId: $0.rawId, role: $0.role?.rawValue, state: $0.state.rawValue, muted: $0.muted,
                    videoOn: $0.videoOn, screenSharing: $0.screenSharing)
            })
    }
}

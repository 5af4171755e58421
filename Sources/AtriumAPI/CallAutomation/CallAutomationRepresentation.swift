import AtriumApplication
import AtriumDomain
import Foundation

/// Call Automation's response bodies, with the field names azure-communication-callautomation reads.
enum CallAutomationRepresentation {
    /// `{kind, rawId, <kind>: {...}}`: the SDK picks the identifier's type from the sub-object and
    /// builds communication users from `rawId`.
    static func identifier(_ rawId: String) -> JSONValue {
        let kind = CommunicationIdentifier(rawId: rawId)?.kind
        switch kind {
        case .phoneNumber:
            return [
                "kind": "phoneNumber", "rawId": .string(rawId),
                "phoneNumber": ["value": .string(String(rawId.dropFirst(2)))],
            ]
        case .microsoftTeamsApp:
            return [
                "kind": "microsoftTeamsApp", "rawId": .string(rawId), "microsoftTeamsApp": ["appId": .string(rawId)],
            ]
        case .microsoftTeamsUser, .teamsVisitor:
            return [
                "kind": "microsoftTeamsUser", "rawId": .string(rawId), "microsoftTeamsUser": ["userId": .string(rawId)],
            ]
        case .communicationUser, nil:
            return ["kind": "communicationUser", "rawId": .string(rawId), "communicationUser": ["id": .string(rawId)]]
        }
    }

    static func participant(_ participant: CallParticipant) -> JSONValue {
        [
            "identifier": identifier(participant.rawId), "isMuted": .bool(participant.muted),
            "isOnHold": .bool(participant.onHold),
        ]
    }

    /// CallConnectionProperties.
    static func connection(_ connected: CallAutomation.Connected) -> JSONValue {
        let connection = connected.connection
        let state = connection.isConnected && connected.call.isActive ? "connected" : "disconnected"
        return .object([
            (key: "callConnectionId", value: .string(connection.connectionId)),
            (key: "serverCallId", value: .string(connected.call.id ?? "")),
            (key: "targets", value: .array([])),
            (key: "callConnectionState", value: .string(state)),
            (key: "callbackUri", value: .string(connection.callbackUri)),
            (key: "correlationId", value: .string(connected.correlationId.uuidString.lowercased())),
            (key: "answeredBy", value: ["id": .string(connection.application)]),
        ])
    }

    /// The participants in the call now (phones still ringing are not).
    static func participants(_ call: Call) -> JSONValue {
        ["value": .array(call.participants.filter { $0.state == .connected }.map(participant))]
    }

    static func addResult(_ rawId: String, _ call: Call, invitationId: String, operationContext: String?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            (
                key: "participant",
                value: call.participant(rawId).map(participant)
                    ?? ["identifier": identifier(rawId), "isMuted": false, "isOnHold": false]
            ),
            (key: "invitationId", value: .string(invitationId)),
        ]
        if let operationContext { members.append((key: "operationContext", value: .string(operationContext))) }
        return .object(members)
    }

    /// `{operationContext}` (or `{}`): what remove, mute and send-DTMF answer.
    static func operationContext(_ operationContext: String?) -> JSONValue {
        .object(operationContext.map { [(key: "operationContext", value: .string($0))] } ?? [])
    }

    static func recording(_ recording: CallRecording) -> JSONValue {
        [
            "recordingId": .string(recording.recordingId), "recordingState": .string(recording.state.rawValue),
            "recordingKind": .string(recording.kind),
        ]
    }
}

import AtriumDomain
import Foundation

/// Call Automation's callbacks: what each call event tells the call connections (ACS's event
/// names and data; ACS-WIRE.md, "Callback events").
///
/// Pure: from the event and the call before and after it. Each callback goes to one connection;
/// a connection that has hung up hears nothing more (but its own CallDisconnected).
enum CallbackPublication {
    /// One callback for one connection, before it is put in its CloudEvents envelope.
    struct Callback {
        var connectionId: String
        var destination: String
        /// `CallConnected`, `AddParticipantFailed`, … (published as `Microsoft.Communication.<name>`).
        var name: String
        var operationContext: String?
        var result: ResultInformation
        /// The fields particular to this callback, after the common ones.
        var data: [(key: String, value: JSONValue)] = []
        /// Callbacks that share a key are delivered one after the other, in order: a connection's
        /// own, or those of a recording's state callback URI.
        var deliveryKey: String?

        var outboxKey: String { deliveryKey ?? "callback:\(connectionId)" }
    }

    /// ACS's `resultInformation`.
    struct ResultInformation: Equatable {
        var code: Int
        var subCode: Int
        var message: String

        static let success = ResultInformation(code: 200, subCode: 0, message: "Action completed successfully.")
        static let canceled = ResultInformation(
            code: 400, subCode: 8508, message: "Action falied, the operation was cancelled.")

        var json: JSONValue {
            ["code": .number(Double(code)), "subCode": .number(Double(subCode)), "message": .string(message)]
        }
    }

    static func callbacks(for event: CallEvent, before: Call, after: Call) -> [Callback] {
        func to(_ connectionId: String, in call: Call = after) -> CallConnection? {
            call.connection(connectionId)
        }
        func callback(
            _ connection: CallConnection?, _ name: String, _ operationContext: String?,
            _ result: ResultInformation = .success, _ data: [(key: String, value: JSONValue)] = []
        ) -> [Callback] {
            guard let connection, connection.isConnected || name == "CallDisconnected" else { return [] }
            return [
                Callback(
                    connectionId: connection.connectionId, destination: connection.callbackUri, name: name,
                    operationContext: operationContext, result: result, data: data)
            ]
        }
        func participant(_ rawId: String) -> [(key: String, value: JSONValue)] {
            [(key: "participant", value: identifier(rawId))]
        }
        func pendingAdd(_ rawId: String) -> PendingAdd? { before.pendingAdds.first { $0.rawId == rawId } }
        /// A member someone added joined, or a dialled phone answered.
        func enteredCall(_ rawId: String) -> [Callback] {
            var callbacks: [Callback] = []
            if let pending = pendingAdd(rawId) {
                callbacks += callback(
                    to(pending.connectionId), "AddParticipantSucceeded", pending.operationContext, .success,
                    participant(rawId))
            }
            return callbacks + participantsUpdated(after)
        }

        switch event {
        case .applicationConnected(let e):
            return callback(to(e.connectionId), "CallConnected", e.operationContext)
                + participantsUpdated(after)
        case .applicationDisconnected(let e):
            let connection = before.connection(e.connectionId).map {
                var c = $0
                c.isConnected = false
                return c
            }
            return callback(connection, "CallDisconnected", connection?.operationContext)
        case .ended:
            return before.recordings.filter { $0.state == .active }.flatMap {
                recordingStateChanged($0.with(state: .inactive), before)
            }
                + before.connectedConnections.flatMap {
                    callback($0.disconnected, "CallDisconnected", $0.operationContext)
                }
        case .participantJoined(let e):
            return enteredCall(e.rawId)
        case .dialOutAnswered(let e):
            return enteredCall(e.rawId)
        case .dialOutFailed(let e):
            guard let pending = pendingAdd(e.rawId) else { return [] }
            let result = ResultInformation(code: e.failure.sipCode, subCode: 0, message: e.failure.message)
            return callback(
                to(pending.connectionId), "AddParticipantFailed", pending.operationContext, result, participant(e.rawId)
            )
        case .invitationExpired(let e):
            guard let pending = pendingAdd(e.rawId) else { return [] }
            let result = ResultInformation(
                code: 408, subCode: 0, message: "The participant did not join before the invitation timed out.")
            return callback(
                to(pending.connectionId), "AddParticipantFailed", pending.operationContext, result, participant(e.rawId)
            )
        case .addCanceled(let e):
            return callback(
                to(e.connectionId), "CancelAddParticipantSucceeded", e.operationContext, .success,
                [(key: "invitationId", value: .string(e.invitationId))])
        case .participantRemoved(let e):
            var callbacks: [Callback] = []
            if let connectionId = e.connectionId {
                callbacks += callback(
                    to(connectionId), "RemoveParticipantSucceeded", e.operationContext, .success, participant(e.rawId))
            }
            guard e.reason != .callEnded, before.participant(e.rawId)?.state == .connected else { return callbacks }
            return callbacks + participantsUpdated(after)
        case .participantLeft, .participantMuted, .participantUnmuted, .holdChanged:
            return participantsUpdated(after)
        case .playStarted(let e):
            guard let play = after.media.playing, play.operationId == e.operationId else { return [] }
            return callback(to(play.connectionId), "PlayStarted", play.operationContext)
        case .playCompleted(let e):
            guard let play = before.media.play(e.operationId) else { return [] }
            return callback(to(play.connectionId), "PlayCompleted", play.operationContext)
        case .playCanceled(let e):
            guard let play = before.media.play(e.operationId) else { return [] }
            return callback(to(play.connectionId), "PlayCanceled", play.operationContext, .canceled)
        case .playFailed(let e):
            guard let play = before.media.play(e.operationId) else { return [] }
            let result = ResultInformation(code: 400, subCode: e.failure.subCode, message: e.failure.message)
            return callback(
                to(play.connectionId), "PlayFailed", play.operationContext, result,
                [(key: "failedPlaySourceIndex", value: .number(Double(e.failure.sourceIndex)))])
        case .recognizeCompleted(let e):
            guard let operation = before.media.recognition?.operation else { return [] }
            let result: ResultInformation =
                switch e.completion {
                case .maxTonesReceived:
                    .init(code: 200, subCode: 8531, message: "Action completed, max digits received.")
                case .stopToneDetected:
                    .init(code: 200, subCode: 8514, message: "Action completed as stop tone was detected.")
                case .interToneTimeout:
                    .init(code: 200, subCode: 8532, message: "Action completed, inter-digit silence timeout reached.")
                }
            let connection = to(operation.connectionId)
            let shape = CallbackShape(apiVersion: connection?.apiVersion)
            return callback(
                connection, "RecognizeCompleted", operation.operationContext, result,
                [
                    (key: "recognitionType", value: "dtmf"),
                    (
                        key: shape.collectTonesResult ? "collectTonesResult" : "dtmfResult",
                        value: ["tones": .array(e.tones.map { .string($0.rawValue) })]
                    ),
                ])
        case .recognizeFailed:
            guard let operation = before.media.recognition?.operation else { return [] }
            let result = ResultInformation(
                code: 400, subCode: 8510, message: "Action failed, initial silence timeout reached.")
            return callback(to(operation.connectionId), "RecognizeFailed", operation.operationContext, result)
        case .recognizeCanceled:
            guard let operation = before.media.recognition?.operation else { return [] }
            return callback(to(operation.connectionId), "RecognizeCanceled", operation.operationContext, .canceled)
        case .tonesReceived(let e):
            return before.media.continuousDtmf.filter { $0.rawId == e.rawId }.flatMap { listening in
                e.tones.enumerated().flatMap { index, tone -> [Callback] in
                    let connection = to(listening.connectionId)
                    let toneData: [(key: String, value: JSONValue)] = [
                        (key: "tone", value: .string(tone.rawValue)),
                        (key: "sequenceId", value: .number(Double(before.media.tonesReceived + index + 1))),
                    ]
                    let data: [(key: String, value: JSONValue)] =
                        CallbackShape(apiVersion: connection?.apiVersion).toneInfo
                        ? [(key: "toneInfo", value: .object(toneData))] : toneData
                    return callback(
                        connection, "ContinuousDtmfRecognitionToneReceived", listening.operationContext, .success,
                        data + [(key: "participant", value: identifier(e.rawId))])
                }
            }
        case .continuousDtmfStopped(let e):
            return callback(to(e.connectionId), "ContinuousDtmfRecognitionStopped", e.operationContext)
        case .dtmfSent(let e):
            guard let operation = before.media.sending.first(where: { $0.operationId == e.operationId }) else {
                return []
            }
            return callback(to(operation.connectionId), "SendDtmfTonesCompleted", operation.operationContext)
        case .recordingStarted(let recording):
            return recordingStateChanged(recording, after)
        case .recordingStateChanged(let e):
            guard let recording = after.recording(e.recordingId) else { return [] }
            return recordingStateChanged(recording, after)
        case .recordingStopped(let e):
            guard let recording = before.recording(e.recordingId) else { return [] }
            return recordingStateChanged(recording.with(state: .inactive), before)
        default:
            return []
        }
    }

    /// The participants now in the call, to every connected connection (ACS numbers these
    /// callbacks so that a receiver can order them; the fan-out sets the number).
    private static func participantsUpdated(_ call: Call) -> [Callback] {
        let participants = call.participants.filter { $0.state == .connected }.map { participant -> JSONValue in
            [
                "identifier": identifier(participant.rawId), "isMuted": .bool(participant.muted),
                "isOnHold": .bool(participant.onHold),
            ]
        }
        return call.connectedConnections.map {
            Callback(
                connectionId: $0.connectionId, destination: $0.callbackUri, name: "ParticipantsUpdated",
                operationContext: nil, result: .success, data: [(key: "participants", value: .array(participants))])
        }
    }

    /// To every connected connection, and to the recording's own state callback URI.
    private static func recordingStateChanged(_ recording: CallRecording, _ call: Call) -> [Callback] {
        let data: [(key: String, value: JSONValue)] = [
            (key: "recordingId", value: .string(recording.recordingId)),
            (key: "state", value: .string(recording.state.rawValue)),
            (key: "startDateTime", value: .string(Timestamp.format(recording.startedAt))),
            (key: "recordingKind", value: .string(recording.kind)),
        ]
        var callbacks = call.connectedConnections.map {
            Callback(
                connectionId: $0.connectionId, destination: $0.callbackUri, name: "RecordingStateChanged",
                operationContext: nil, result: .success, data: data)
        }
        if let uri = recording.stateCallbackUri, !callbacks.contains(where: { $0.destination == uri }) {
            let connection = call.connectedConnections.first ?? call.connections.first
            callbacks.append(
                Callback(
                    connectionId: connection?.connectionId ?? "", destination: uri, name: "RecordingStateChanged",
                    operationContext: nil, result: .success, data: data,
                    deliveryKey: "callback:recording:\(recording.recordingId)"))
        }
        return callbacks
    }

    static func identifier(_ rawId: String) -> JSONValue {
        CommunicationIdentifierJSON.make(rawId: rawId)
    }
}

extension CallConnection {
    fileprivate var disconnected: CallConnection {
        var connection = self
        connection.isConnected = false
        return connection
    }
}

extension CallRecording {
    fileprivate func with(state: State) -> CallRecording {
        var recording = self
        recording.state = state
        return recording
    }
}

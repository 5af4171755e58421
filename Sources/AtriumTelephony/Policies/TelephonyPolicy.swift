import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// Carries the call's phone legs to the telephone network: a dial-out requested → the gateway
/// places it; a leg removed or an add canceled → hung up; a leg held or taken off hold → so on its
/// line; a play started → played to the phone legs that hear it (and timed: the gateway says when
/// it ends), a play canceled → stopped; a recording started → the call's audio written, stopped (or
/// its call ended) → the file finished; a recognition or continuous recognition
/// on a line → the line listened to; tones to send → sent on the line.
///
/// What the gateway reports back is scheduled as call timers in this consumer's transaction,
/// together with its checkpoint: a crash before the commit places the dial again (same leg id,
/// timers under the same keys), a crash after it leaves the timers to fire. So a leg is answered
/// (or fails) exactly once, however the server dies in between.
public struct TelephonyPolicy: LogConsumerHandler {
    public static let consumerName = "policy.telephony"

    let gateway: any PSTNGateway
    let store: EventStore

    public init(gateway: any PSTNGateway, store: EventStore) {
        self.gateway = gateway
        self.store = store
    }

    public var selection: EventSelection {
        .types([
            "CallDialOutRequested", "CallParticipantRemoved", "CallAddParticipantCanceled", "CallRecognizeStarted",
            "CallContinuousDtmfStarted", "CallDtmfSendRequested", "CallParticipantHoldChanged", "CallPlayStarted",
            "CallPlayCanceled", "CallRecordingStarted", "CallRecordingStopped", "CallEnded",
        ])
    }

    public var actor: String { "carrier:\(gateway.name)" }

    public func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
        var timers: [CallTimer] = []
        for event in events {
            guard let callId = event.aggregateId(in: .call) else { continue }
            let cause = CarrierCause(correlationId: event.metadata.correlationId, causationId: event.eventId)
            let reports = try await reports(for: try event.decode(as: CallEvent.self), event, in: callId, cause: cause)
            for (index, report) in reports.enumerated() {
                timers.append(
                    CallTimer(
                        key: "\(event.eventId.uuidString.lowercased())/carrier/\(index)", callId: callId,
                        dueAt: event.recordedAt.addingTimeInterval(report.after.seconds), progress: report.progress,
                        actor: actor, correlationId: event.metadata.correlationId, causationId: event.eventId))
            }
        }
        try await CallTimers.schedule(timers, on: transaction, logger: logger)
    }

    private func reports(for event: CallEvent, _ recorded: RecordedEvent, in callId: String, cause: CarrierCause)
        async throws -> [CarrierReport]
    {
        func leg(_ rawId: String) -> PhoneLeg? {
            CommunicationIdentifier(rawId: rawId)?.kind == .phoneNumber ? PhoneLeg(callId: callId, rawId: rawId) : nil
        }
        switch event {
        case .dialOutRequested(let e):
            guard let leg = leg(e.phoneNumber) else { return [] }
            return try await gateway.place(
                OutboundCall(
                    leg: leg, callerId: e.sourceCallerIdNumber, ringingTimeout: .seconds(e.ringingTimeoutSeconds),
                    legId: cause.causationId.uuidString.lowercased(), cause: cause))
        case .participantRemoved(let e):
            guard let leg = leg(e.rawId) else { return [] }
            return try await gateway.hangUp(leg)
        case .addCanceled(let e):
            guard let leg = leg(e.rawId) else { return [] }
            return try await gateway.hangUp(leg)
        case .recognizeStarted(let operation):
            guard let leg = leg(operation.targetRawId) else { return [] }
            return try await gateway.listen(to: leg, after: operation.promptDuration)
        case .playStarted(let e):
            let call = try await store.call(through: recorded)
            guard let operation = call.media.playing, operation.operationId == e.operationId else { return [] }
            let listeners = operation.playTo.isEmpty ? call.participants.map(\.rawId) : operation.playTo
            return try await gateway.play(operation, to: listeners.compactMap(leg), cause: cause)
        case .playCanceled(let e):
            return try await gateway.stopPlaying(e.operationId)
        case .recordingStarted(let recording):
            return try await gateway.startRecording(recording, callId: callId, cause: cause)
        case .recordingStopped(let e):
            return try await gateway.stopRecording(e.recordingId)
        case .ended:
            // The call's recordings end with it.
            let before = try await store.call(through: recorded, including: false)
            var reports: [CarrierReport] = []
            for recording in before.recordings { reports += try await gateway.stopRecording(recording.recordingId) }
            return reports
        case .holdChanged(let e):
            guard let leg = leg(e.rawId) else { return [] }
            return try await gateway.hold(leg, onHold: e.onHold)
        case .continuousDtmfStarted(let listening):
            guard let leg = leg(listening.rawId) else { return [] }
            return try await gateway.listen(to: leg, after: .zero)
        case .dtmfSendRequested(let operation):
            guard let leg = leg(operation.targetRawId) else {
                // Tones to a communication user's client take as long on the wire as on a line.
                return [CarrierReport(after: operation.duration, .tonesSent(operationId: operation.operationId))]
            }
            return try await gateway.sendTones(
                operation.tones, to: leg, operationId: operation.operationId, cause: cause)
        default:
            return []
        }
    }
}

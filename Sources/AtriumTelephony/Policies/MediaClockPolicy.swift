import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// Time in media operations: a recognition gives up after its initial silence (counted from the end
/// of its prompt) or after the inter-tone timeout once tones came, a room member added by a call
/// connection who has not joined by the invitation's timeout is not coming.
///
/// (How long a play lasts is the gateway's to say: see `TelephonyPolicy`.)
///
/// Each deadline is a call timer scheduled in this consumer's transaction; when it fires the call
/// decides whether it still matters (a play canceled, a recognition already complete).
public struct MediaClockPolicy: LogConsumerHandler {
    public static let consumerName = "policy.media"
    public static let actor = "policy:media"

    let store: EventStore

    public init(store: EventStore) {
        self.store = store
    }

    public var selection: EventSelection {
        .types(["CallRecognizeStarted", "CallTonesReceived", "CallParticipantInvited"])
    }

    public func handle(_ events: [RecordedEvent], transaction: PostgresConnection, logger: Logger) async throws {
        var timers: [CallTimer] = []
        for event in events {
            guard let callId = event.aggregateId(in: .call) else { continue }
            guard let (after, progress) = try await deadline(for: try event.decode(as: CallEvent.self), event) else {
                continue
            }
            timers.append(
                CallTimer(
                    key: "\(event.eventId.uuidString.lowercased())/media", callId: callId,
                    dueAt: event.recordedAt.addingTimeInterval(after.seconds), progress: progress, actor: Self.actor,
                    correlationId: event.metadata.correlationId, causationId: event.eventId))
        }
        try await CallTimers.schedule(timers, on: transaction, logger: logger)
    }

    private func deadline(for event: CallEvent, _ source: RecordedEvent) async throws -> (Duration, CallProgress)? {
        switch event {
        case .recognizeStarted(let operation):
            let silence = operation.promptDuration + .seconds(operation.initialSilenceTimeoutSeconds)
            return (silence, .recognizeTimedOut(operationId: operation.operationId, collected: 0))
        case .tonesReceived(let e):
            guard let recognition = try await store.call(through: source).media.recognition,
                recognition.operation.targetRawId == e.rawId
            else { return nil }
            return (
                .seconds(recognition.operation.interToneTimeoutSeconds),
                .recognizeTimedOut(
                    operationId: recognition.operation.operationId, collected: recognition.collected.count)
            )
        case .participantInvited(let e):
            guard let invitation = e.invitation else { return nil }
            return (.seconds(invitation.timeoutSeconds), .invitationExpired(invitationId: invitation.invitationId))
        default:
            return nil
        }
    }
}

import Foundation

/// Reports of the telephone network and the media clock. Each may arrive more than once (timers
/// fire again after a crash) or late (the call moved on): one about a leg or an operation that is
/// no longer pending changes nothing.
extension CallDecider {
    static func decide(_ progress: CallProgress, _ call: Call) -> [CallEvent] {
        // A recording's file is written once it stopped, which may be when the call ended.
        if case .recordingFileReady(let recordingId, let file) = progress {
            guard !call.recordingFiles.contains(recordingId) else { return [] }
            return [.recordingFileReady(CallRecordingFileReady(recordingId: recordingId, file: file))]
        }
        guard call.isActive else { return [] }
        switch progress {
        case .legRinging(let rawId, let sipCode):
            // Once per leg: a 180 after a 183 (or a retransmission) adds nothing the audit needs.
            guard let leg = call.participant(rawId), leg.state == .connecting, !leg.ringing else { return [] }
            return [.dialOutRinging(CallDialOutRinging(rawId: rawId, sipCode: sipCode))]
        case .legAnswered(let rawId, let sipCode):
            guard call.participant(rawId)?.state == .connecting else { return [] }
            return [.dialOutAnswered(CallDialOutAnswered(rawId: rawId, sipCode: sipCode))]
        case .legFailed(let rawId, let failure):
            guard call.participant(rawId)?.state == .connecting else { return [] }
            return [.dialOutFailed(CallDialOutFailed(rawId: rawId, failure: failure))]
        case .legHungUp(let rawId, let cause):
            guard call.participant(rawId)?.state == .connected else { return [] }
            return afterDepartures([.participantLeft(CallParticipantLeft(rawId: rawId, cause: cause))], call)
        case .tonesPressed(let rawId, let tones):
            return decideTones(tones, from: rawId, call)
        case .playFinished(let operationId):
            guard call.media.playing?.operationId == operationId else { return [] }
            return startingNextPlay(after: [.playCompleted(CallMediaOperationEvent(operationId: operationId))], call)
        case .playFailed(let operationId, let failure):
            guard call.media.playing?.operationId == operationId else { return [] }
            return startingNextPlay(
                after: [.playFailed(CallPlayFailed(operationId: operationId, failure: failure))], call)
        case .recognizeTimedOut(let operationId, let collected):
            guard let recognition = call.media.recognition, recognition.operation.operationId == operationId,
                recognition.collected.count == collected
            else { return [] }
            if recognition.collected.isEmpty {
                return [.recognizeFailed(CallRecognizeFailed(operationId: operationId))]
            }
            return [
                .recognizeCompleted(
                    CallRecognizeCompleted(
                        operationId: operationId, tones: recognition.collected, completion: .interToneTimeout))
            ]
        case .tonesSent(let operationId):
            guard call.media.sending.contains(where: { $0.operationId == operationId }) else { return [] }
            return [.dtmfSent(CallMediaOperationEvent(operationId: operationId))]
        case .invitationExpired(let invitationId):
            guard let pending = call.pendingAdds.first(where: { $0.invitationId == invitationId }),
                call.participant(pending.rawId) == nil
            else { return [] }
            return [.invitationExpired(CallInvitationExpired(rawId: pending.rawId, invitationId: invitationId))]
        case .recordingFileReady:
            return []  // decided above
        }
    }
}

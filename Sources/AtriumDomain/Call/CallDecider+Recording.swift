import Foundation

/// A call's recording: one at a time, started on a live call, paused and resumed, stopped. Only
/// its state is kept; the call's end stops it.
extension CallDecider {
    static func decide(_ action: RecordingAction, _ call: Call) throws(DomainError) -> [CallEvent] {
        switch action {
        case .start(let recording):
            guard call.isActive else {
                throw DomainError(.notFound, "The call is not active.", target: "callLocator")
            }
            if let current = call.recordings.first {
                if current.recordingId == recording.recordingId { return [] }
                throw DomainError(.conflict, "The call is already being recorded.", target: "callLocator")
            }
            return [.recordingStarted(recording)]
        case .pause(let recordingId):
            return try changing(recordingId, to: .inactive, call)
        case .resume(let recordingId):
            return try changing(recordingId, to: .active, call)
        case .stop(let recordingId):
            _ = try recording(recordingId, in: call)
            return [.recordingStopped(CallRecordingStopped(recordingId: recordingId))]
        }
    }

    private static func changing(
        _ recordingId: String, to state: CallRecording.State, _ call: Call
    ) throws(DomainError) -> [CallEvent] {
        let current = try recording(recordingId, in: call)
        guard current.state != state else { return [] }
        return [.recordingStateChanged(CallRecordingStateChanged(recordingId: recordingId, state: state))]
    }

    private static func recording(_ recordingId: String, in call: Call) throws(DomainError) -> CallRecording {
        guard let recording = call.recording(recordingId) else {
            throw DomainError(.notFound, "Recording \(recordingId) was not found.", target: "recordingId")
        }
        return recording
    }
}

import AtriumDomain

extension CallEvent {
    /// What happened in the call, in one line. Events that end or start the call do not all carry
    /// its id, so the caller gives it (the stream's).
    public func auditDescription(callId: String) -> String {
        switch self {
        case .started(let e):
            "call \(callId) started in room \(e.roomId) by \(e.startedBy)"
                + (e.startedByRole.map { " (\($0.rawValue))" } ?? "")
        case .participantJoined(let e): "\(e.rawId) joined as \(e.role.rawValue)"
        case .participantLeft(let e): "\(e.rawId) left" + (e.cause.map { ": \($0)" } ?? "")
        case .participantRemoved(let e):
            "removed \(e.rawId) from the call" + (e.removedBy.map { " by \($0)" } ?? "") + ": \(e.reason.rawValue)"
        // Muting oneself and a policy's muting both record the participant as `mutedBy`: the
        // event's actor tells them apart.
        case .participantMuted(let e): "\(e.rawId) muted" + (e.mutedBy == e.rawId ? "" : " by \(e.mutedBy)")
        case .participantUnmuted(let e): "\(e.rawId) unmuted"
        case .videoChanged(let e): "\(e.rawId) turned video \(e.on ? "on" : "off")"
        case .screenShareChanged(let e): "\(e.rawId) \(e.on ? "started" : "stopped") sharing their screen"
        case .participantInvited(let e): "\(e.rawId) invited by \(e.invitedBy)"
        case .dialOutRequested(let e): "dial-out to \(e.phoneNumber) requested by \(e.requestedBy)"
        case .participantRoleChanged(let e):
            "\(e.rawId)'s role in the call changed from \(e.previousRole.rawValue) to \(e.role.rawValue)"
        case .ended(let e): "call \(callId) ended: \(e.reason.rawValue)"
        case .applicationConnected(let e): "\(e.application) connected (connection \(e.connectionId))"
        case .applicationDisconnected(let e): "connection \(e.connectionId) hung up"
        case .dialOutRinging(let e): "\(e.rawId) ringing (SIP \(e.sipCode))"
        case .dialOutAnswered(let e): "\(e.rawId) answered" + (e.sipCode.map { " (SIP \($0))" } ?? "")
        case .dialOutFailed(let e):
            "\(e.rawId) did not connect: \(e.failure.reason.rawValue) (SIP \(e.failure.sipCode)"
                + (e.failure.sipReason.map { " \($0)" } ?? "") + ")"
        case .invitationExpired(let e): "\(e.rawId) did not join before the invitation timed out"
        case .addCanceled(let e): "adding \(e.rawId) canceled"
        case .holdChanged(let e): "\(e.rawId) \(e.onHold ? "put on hold" : "taken off hold")"
        case .playRequested(let e):
            "play \(e.operationId) requested: \(e.sources.map(\.auditDescription).joined(separator: ", "))"
                + (e.playTo.isEmpty ? " to everyone" : " to \(e.playTo.joined(separator: ", "))")
        case .playStarted(let e): "play \(e.operationId) started"
        case .playCompleted(let e): "play \(e.operationId) completed"
        case .playCanceled(let e): "play \(e.operationId) canceled"
        case .playFailed(let e):
            "play \(e.operationId) failed at source \(e.failure.sourceIndex): \(e.failure.message) (\(e.failure.subCode))"
        case .recognizeStarted(let e): "listening for up to \(e.maxTonesToCollect) tones from \(e.targetRawId)"
        case .tonesReceived(let e): "\(e.rawId) pressed \(String(e.tones.map(\.character)))"
        case .recognizeCompleted(let e):
            "recognized \(String(e.tones.map(\.character))) (\(e.completion.rawValue))"
        case .recognizeFailed: "recognition failed: nothing pressed before the initial silence timeout"
        case .recognizeCanceled(let e): "recognition \(e.operationId) canceled"
        case .continuousDtmfStarted(let e): "continuous tone recognition started on \(e.rawId)"
        case .continuousDtmfStopped(let e): "continuous tone recognition stopped on \(e.rawId)"
        case .dtmfSendRequested(let e): "sending \(String(e.tones.map(\.character))) to \(e.targetRawId)"
        case .dtmfSent(let e): "tones of \(e.operationId) sent"
        case .recordingStarted(let e): "recording \(e.recordingId) started (\(e.state.rawValue))"
        case .recordingStateChanged(let e): "recording \(e.recordingId) \(e.state == .active ? "resumed" : "paused")"
        case .recordingStopped(let e): "recording \(e.recordingId) stopped"
        case .recordingFileReady(let e):
            "recording \(e.recordingId) written: \(e.file.durationMs) ms, \(e.file.channels) channel(s)"
        }
    }
}

extension PlaySource {
    var auditDescription: String {
        switch self {
        case .file(let uri): uri
        case .text(let text, _): "\"\(text)\""
        case .ssml(let ssml): ssml
        }
    }
}

import Foundation

extension CallDecider {
    /// How each event changes the call.
    public static func evolve(_ call: Call, _ event: CallEvent) -> Call {
        var call = call
        switch event {
        case .started(let e):
            call.lifecycle = .active
            call.id = e.callId
            call.roomId = e.roomId
            call.startedBy = e.startedBy
        case .participantJoined(let e):
            call.participants.append(CallParticipant(rawId: e.rawId, role: e.role, state: .connected))
            call.invited.removeAll { $0 == e.rawId }
            call.pendingAdds.removeAll { $0.rawId == e.rawId }
        case .participantLeft(let e):
            call.removeParticipant(e.rawId)
        case .participantRemoved(let e):
            call.removeParticipant(e.rawId)
        case .participantMuted(let e):
            call.update(e.rawId) { $0.muted = true }
        case .participantUnmuted(let e):
            call.update(e.rawId) { $0.muted = false }
        case .videoChanged(let e):
            call.update(e.rawId) { $0.videoOn = e.on }
        case .screenShareChanged(let e):
            call.update(e.rawId) { $0.screenSharing = e.on }
        case .participantInvited(let e):
            call.invited.append(e.rawId)
            if let invitation = e.invitation { call.pendingAdds.append(PendingAdd(e.rawId, invitation)) }
        case .dialOutRequested(let e):
            call.participants.append(CallParticipant(rawId: e.phoneNumber, role: nil, state: .connecting))
            if let invitation = e.invitation { call.pendingAdds.append(PendingAdd(e.phoneNumber, invitation)) }
        case .participantRoleChanged(let e):
            call.update(e.rawId) { $0.role = e.role }
        case .ended(let e):
            call.lifecycle = .ended
            call.endReason = e.reason
            call.participants = []
            call.invited = []
            call.pendingAdds = []
            for index in call.connections.indices { call.connections[index].isConnected = false }
            call.media = CallMedia()
            call.recordings = []
        case .applicationConnected(let e):
            call.connections.append(
                CallConnection(
                    connectionId: e.connectionId, callbackUri: e.callbackUri, operationContext: e.operationContext,
                    application: e.application, apiVersion: e.apiVersion))
        case .applicationDisconnected(let e):
            if let index = call.connections.firstIndex(where: { $0.connectionId == e.connectionId }) {
                call.connections[index].isConnected = false
            }
        case .dialOutRinging(let e):
            call.update(e.rawId) { $0.ringing = true }
        case .dialOutAnswered(let e):
            call.update(e.rawId) { $0.state = .connected }
            call.pendingAdds.removeAll { $0.rawId == e.rawId }
        case .dialOutFailed(let e):
            call.removeParticipant(e.rawId)
        case .invitationExpired(let e):
            call.invited.removeAll { $0 == e.rawId }
            call.pendingAdds.removeAll { $0.invitationId == e.invitationId }
        case .addCanceled(let e):
            call.invited.removeAll { $0 == e.rawId }
            call.participants.removeAll { $0.rawId == e.rawId && $0.state == .connecting }
            call.pendingAdds.removeAll { $0.invitationId == e.invitationId }
        case .holdChanged(let e):
            call.update(e.rawId) { $0.onHold = e.onHold }
        case .playRequested(let operation):
            call.media.queued.append(operation)
        case .playStarted(let e):
            if let index = call.media.queued.firstIndex(where: { $0.operationId == e.operationId }) {
                call.media.playing = call.media.queued.remove(at: index)
            }
        case .playCompleted(let e), .playCanceled(let e):
            call.media.end(e.operationId)
        case .playFailed(let e):
            call.media.end(e.operationId)
        case .recognizeStarted(let operation):
            call.media.recognition = CallMedia.Recognition(operation: operation)
        case .tonesReceived(let e):
            call.media.tonesReceived += e.tones.count
            if call.media.recognition?.operation.targetRawId == e.rawId {
                call.media.recognition?.collected += e.tones
            }
        case .recognizeCompleted(let e):
            call.endRecognition(e.operationId)
        case .recognizeFailed(let e):
            call.endRecognition(e.operationId)
        case .recognizeCanceled(let e):
            call.endRecognition(e.operationId)
        case .continuousDtmfStarted(let e):
            call.media.continuousDtmf.append(e)
        case .continuousDtmfStopped(let e):
            call.media.continuousDtmf.removeAll { $0.rawId == e.rawId && $0.connectionId == e.connectionId }
        case .dtmfSendRequested(let operation):
            call.media.sending.append(operation)
        case .dtmfSent(let e):
            call.media.sending.removeAll { $0.operationId == e.operationId }
        case .recordingStarted(let recording):
            call.recordings.append(recording)
        case .recordingStateChanged(let e):
            call.updateRecording(e.recordingId) { $0.state = e.state }
        case .recordingStopped(let e):
            call.recordings.removeAll { $0.recordingId == e.recordingId }
        case .recordingFileReady(let e):
            call.recordingFiles.insert(e.recordingId)
        }
        return call
    }
}

extension Call {
    /// Someone out of the call: with them go their pending add and the media that listens to them.
    fileprivate mutating func removeParticipant(_ rawId: String) {
        participants.removeAll { $0.rawId == rawId }
        pendingAdds.removeAll { $0.rawId == rawId }
        media.continuousDtmf.removeAll { $0.rawId == rawId }
    }

    fileprivate mutating func endRecognition(_ operationId: String) {
        if media.recognition?.operation.operationId == operationId { media.recognition = nil }
    }
}

extension PendingAdd {
    fileprivate init(_ rawId: String, _ invitation: CallInvitation) {
        self.init(
            invitationId: invitation.invitationId, rawId: rawId, connectionId: invitation.connectionId,
            operationContext: invitation.operationContext)
    }
}

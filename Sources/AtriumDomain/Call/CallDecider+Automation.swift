import Foundation

/// Call Automation: a server application connects to a room's call and acts on it through its call
/// connection. It stands above the room's roles; the room's own settings still hold (the call
/// happens only in the validity window, phones are dialled only with pstnDialOutEnabled, only
/// members of the roster are invited).
extension CallDecider {
    static func decideConnect(_ connect: ConnectCall, _ call: Call) throws(DomainError) -> [CallEvent] {
        let roomId = try requireExisting(connect.room)
        try requireOpen(connect.room, at: connect.now)
        let connected = CallEvent.applicationConnected(
            CallApplicationConnected(
                connectionId: connect.connectionId, callbackUri: connect.callbackUri,
                operationContext: connect.operationContext, application: connect.application,
                apiVersion: connect.apiVersion))
        switch call.lifecycle {
        case .ended:
            throw DomainError(.conflict, "This call has ended.", target: "callId")
        case .active where call.connection(connect.connectionId) != nil:
            return []  // this connection is made already
        case .active:
            return [connected]
        case .notStarted:
            // Nobody is in the room's call yet: the application starts it.
            return [
                .started(
                    CallStarted(
                        callId: connect.callId, roomId: roomId.value, startedBy: connect.application,
                        startedByRole: nil)),
                connected,
            ]
        }
    }

    static func decide(
        _ action: AutomationAction, _ context: AutomationContext, _ call: Call
    ) throws(DomainError) -> [CallEvent] {
        guard call.isActive, let connection = call.connection(context.connectionId), connection.isConnected else {
            throw DomainError(
                .notFound, "Call connection \(context.connectionId) is not connected to a call.",
                target: "callConnectionId")
        }
        switch action {
        case .add(let add): return try decideAdd(add, by: connection, in: context.room, call)
        case .cancelAdd(let invitationId, let operationContext):
            guard let pending = call.pendingAdds.first(where: { $0.invitationId == invitationId }) else {
                throw DomainError(
                    .notFound, "No participant is being added with invitation id \(invitationId).",
                    target: "invitationId")
            }
            return [
                .addCanceled(
                    CallAddParticipantCanceled(
                        rawId: pending.rawId, invitationId: invitationId, connectionId: connection.connectionId,
                        operationContext: operationContext))
            ]
        case .remove(let rawId, let operationContext):
            _ = try participant(rawId, in: call, target: "participantToRemove")
            return afterDepartures(
                [
                    .participantRemoved(
                        CallParticipantRemoved(
                            rawId: rawId, reason: .removedByApplication, removedBy: connection.application,
                            connectionId: connection.connectionId, operationContext: operationContext))
                ], call)
        case .mute(let rawId, _):
            let target = try connectedParticipant(rawId, in: call, target: "targetParticipants")
            return target.muted
                ? [] : [.participantMuted(CallParticipantMuted(rawId: rawId, mutedBy: connection.application))]
        case .hold(let rawId, _), .unhold(let rawId, _):
            let target = try connectedParticipant(rawId, in: call, target: "targetParticipant")
            let onHold = if case .hold = action { true } else { false }
            return target.onHold == onHold
                ? [] : [.holdChanged(CallParticipantHoldChanged(rawId: rawId, onHold: onHold))]
        case .hangUp:
            // What the connection asked for ends with it: its plays, its recognition, its listening.
            let media = startingNextPlay(after: cancelingMedia(call, of: connection.connectionId), call)
            return afterDepartures(
                media + [.applicationDisconnected(CallApplicationDisconnected(connectionId: connection.connectionId))],
                call)
        case .terminate:
            return decideEnd(.terminated, call)
        case .play(let operation, let interrupt):
            return try decidePlay(operation, interrupt: interrupt, call)
        case .recognize(let operation):
            return try decideRecognize(operation, call)
        case .startContinuousDtmf(let rawId, let operationContext):
            _ = try connectedParticipant(rawId, in: call, target: "targetParticipant")
            let listening = CallMedia.ContinuousDtmf(
                rawId: rawId, connectionId: connection.connectionId, operationContext: operationContext)
            let already = call.media.continuousDtmf.contains {
                $0.rawId == rawId && $0.connectionId == connection.connectionId
            }
            return already ? [] : [.continuousDtmfStarted(listening)]
        case .stopContinuousDtmf(let rawId, let operationContext):
            _ = try connectedParticipant(rawId, in: call, target: "targetParticipant")
            let listening = call.media.continuousDtmf.contains {
                $0.rawId == rawId && $0.connectionId == connection.connectionId
            }
            guard listening else { return [] }
            return [
                .continuousDtmfStopped(
                    CallMedia.ContinuousDtmf(
                        rawId: rawId, connectionId: connection.connectionId, operationContext: operationContext))
            ]
        case .sendDtmf(let operation):
            _ = try connectedParticipant(operation.targetRawId, in: call, target: "targetParticipant")
            guard (1...18).contains(operation.tones.count) else {
                throw DomainError.badArgument("Between 1 and 18 tones can be sent at a time.", target: "tones")
            }
            guard !call.media.sending.contains(where: { $0.operationId == operation.operationId }) else { return [] }
            return [.dtmfSendRequested(operation)]
        case .cancelMedia:
            return cancelingMedia(call)
        }
    }

    private static func decideAdd(
        _ add: AddParticipant, by connection: CallConnection, in room: Room, _ call: Call
    ) throws(DomainError) -> [CallEvent] {
        guard let identifier = CommunicationIdentifier(rawId: add.rawId) else {
            throw DomainError.badArgument("Invalid format for communication identifier.", target: "participantToAdd")
        }
        guard (1...180).contains(add.invitationTimeoutSeconds) else {
            throw DomainError.badArgument(
                "The invitation timeout must be between 1 and 180 seconds.", target: "invitationTimeoutInSeconds")
        }
        guard call.participant(add.rawId) == nil, !call.pendingAdds.contains(where: { $0.rawId == add.rawId }) else {
            throw DomainError(
                .conflict, "\(add.rawId) is already in the call or being added.", target: "participantToAdd")
        }
        let invitation = CallInvitation(
            invitationId: add.invitationId, connectionId: connection.connectionId,
            operationContext: add.operationContext, timeoutSeconds: add.invitationTimeoutSeconds)
        switch identifier.kind {
        case .phoneNumber:
            guard room.pstnDialOutEnabled else {
                throw DomainError(
                    .forbidden, "PSTN dial-out is not enabled for this room (pstnDialOutEnabled is false).",
                    target: "pstnDialOutEnabled")
            }
            guard let callerId = add.sourceCallerIdNumber, CommunicationIdentifier.isPhoneNumber(callerId) else {
                throw DomainError.badArgument(
                    "Adding a phone number needs sourceCallerIdNumber, a phone number in E.164 format.",
                    target: "sourceCallerIdNumber")
            }
            return [
                .dialOutRequested(
                    CallDialOutRequested(
                        phoneNumber: add.rawId, requestedBy: connection.application, sourceCallerIdNumber: callerId,
                        invitation: invitation))
            ]
        case .communicationUser:
            guard room.roster.role(of: identifier) != nil else {
                throw DomainError.badArgument(
                    "Only participants of the room can be added to its call.", target: "participantToAdd")
            }
            return [
                .participantInvited(
                    CallParticipantInvited(rawId: add.rawId, invitedBy: connection.application, invitation: invitation))
            ]
        default:
            throw DomainError.badArgument(
                "Only phone numbers and communication users can be added to a room call.", target: "participantToAdd")
        }
    }

    /// A participant who is in the call now (not a phone still ringing).
    static func connectedParticipant(
        _ rawId: String, in call: Call, target: String = "rawId"
    ) throws(DomainError) -> CallParticipant {
        guard let participant = call.participant(rawId), participant.state == .connected else {
            throw DomainError(.notFound, "\(rawId) is not in the call.", target: target)
        }
        return participant
    }
}

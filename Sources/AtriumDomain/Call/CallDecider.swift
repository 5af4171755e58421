import Foundation

/// Every rule of a room call: who may join and when, and what each role may do once in it.
///
/// Capabilities are checked against the actor's role on the room's roster *now* (the snapshot in
/// the command), so a role changed on the roster takes effect on the very next action.
public enum CallDecider: Decider {
    public typealias State = Call
    public typealias Command = CallCommand
    public typealias Event = CallEvent

    public static let initialState = Call()

    public static func decide(_ command: CallCommand, _ call: Call) throws(DomainError) -> [CallEvent] {
        switch command {
        case .join(let context): try decideJoin(context, call)
        case .leave(let context): decideLeave(context, call)
        case .act(let action, let context): try decide(action, context, call)
        case .end(let reason, _): decideEnd(reason, call)
        case .drop(let rawId, let reason, _): decideDrop(rawId, reason, call)
        case .applyRole(let rawId, let role, _): decideRole(rawId, role, call)
        case .connect(let connect): try decideConnect(connect, call)
        case .automate(let action, let context): try decide(action, context, call)
        case .progress(let progress, _): decide(progress, call)
        case .record(let action, _): try decide(action, call)
        }
    }

    // MARK: Joining and leaving

    private static func decideJoin(_ context: ClientContext, _ call: Call) throws(DomainError) -> [CallEvent] {
        let room = context.room
        let roomId = try requireExisting(room)
        guard let role = room.roster.role(of: context.actor) else {
            throw DomainError(
                .forbidden, "\(context.actor.rawId) is not a participant of the room.", target: "participant")
        }
        try requireOpen(room, at: context.now)
        switch call.lifecycle {
        case .ended:
            throw DomainError(.conflict, "This call has ended.", target: "callId")
        case .active where call.participant(context.actor.rawId) != nil:
            return []  // already in: joining again changes nothing
        case .active:
            return [.participantJoined(CallParticipantJoined(rawId: context.actor.rawId, role: role))]
        case .notStarted:
            return [
                .started(
                    CallStarted(
                        callId: context.callId, roomId: roomId.value, startedBy: context.actor.rawId,
                        startedByRole: role)),
                .participantJoined(CallParticipantJoined(rawId: context.actor.rawId, role: role)),
            ]
        }
    }

    /// The room's id, if the room exists and is not deleted.
    static func requireExisting(_ room: Room) throws(DomainError) -> RoomId {
        guard room.isActive, let roomId = room.id else {
            throw DomainError(.notFound, "Room not found.", target: "roomId")
        }
        return roomId
    }

    /// Calls happen only between the room's validFrom and validUntil.
    static func requireOpen(_ room: Room, at now: Date) throws(DomainError) {
        guard room.isValid(at: now) else {
            let message =
                now < room.validity.validFrom
                ? "The room is not open yet: it is valid from \(Timestamp.format(room.validity.validFrom))."
                : "The room is no longer valid: it was valid until \(Timestamp.format(room.validity.validUntil))."
            throw DomainError(.forbidden, message, target: "room")
        }
    }

    private static func decideLeave(_ context: ClientContext, _ call: Call) -> [CallEvent] {
        guard call.isActive, call.participant(context.actor.rawId) != nil else { return [] }
        return afterDepartures(
            [.participantLeft(CallParticipantLeft(rawId: context.actor.rawId))], call)
    }

    /// What follows someone leaving, in the same decision: a recognition listening to them ends;
    /// the last participant out ends the call (never a call with nobody in it), and phone legs
    /// still ringing are hung up with it.
    static func afterDepartures(_ events: [CallEvent], _ call: Call) -> [CallEvent] {
        var events = events
        var after = replay(events, from: call)
        if let recognition = after.media.recognition, after.participant(recognition.operation.targetRawId) == nil {
            let canceled = CallEvent.recognizeCanceled(
                CallMediaOperationEvent(operationId: recognition.operation.operationId))
            events.append(canceled)
            after = evolve(after, canceled)
        }
        guard after.isActive, after.isEmpty else { return events }
        let ringing = after.participants.map {
            CallEvent.participantRemoved(CallParticipantRemoved(rawId: $0.rawId, reason: .callEnded, removedBy: nil))
        }
        return events + ringing + [.ended(CallEnded(reason: .lastParticipantLeft))]
    }

    // MARK: In-call actions

    private static func decide(
        _ action: InCallAction, _ context: ClientContext, _ call: Call
    ) throws(DomainError) -> [CallEvent] {
        guard call.isActive else { throw DomainError(.notFound, "The call is not active.", target: "callId") }
        guard let actor = call.participant(context.actor.rawId), actor.state == .connected else {
            throw DomainError(.forbidden, "\(context.actor.rawId) is not in the call.", target: "participant")
        }
        try requireCapability(action.requiredCapability, of: actor, in: context.room)
        let me = actor.rawId
        switch action {
        case .setMicrophone(let muted):
            guard actor.muted != muted else { return [] }
            return [
                muted
                    ? .participantMuted(CallParticipantMuted(rawId: me, mutedBy: me))
                    : .participantUnmuted(CallParticipantUnmuted(rawId: me))
            ]
        case .setVideo(let on):
            return actor.videoOn == on ? [] : [.videoChanged(CallParticipantVideoChanged(rawId: me, on: on))]
        case .setScreenShare(let on):
            return actor.screenSharing == on
                ? [] : [.screenShareChanged(CallParticipantScreenShareChanged(rawId: me, on: on))]
        case .mute(let rawId):
            let target = try participant(rawId, in: call)
            return target.muted ? [] : [.participantMuted(CallParticipantMuted(rawId: rawId, mutedBy: me))]
        case .remove(let rawId):
            _ = try participant(rawId, in: call)
            return afterDepartures(
                [
                    .participantRemoved(
                        CallParticipantRemoved(rawId: rawId, reason: .removedByParticipant, removedBy: me))
                ], call)
        case .invite(let rawId):
            guard let invitee = CommunicationIdentifier(rawId: rawId), context.room.roster.role(of: invitee) != nil
            else {
                throw DomainError.badArgument(
                    "Only participants of the room can be invited into its call.", target: "rawId")
            }
            guard call.participant(rawId) == nil, !call.invited.contains(rawId) else { return [] }
            return [.participantInvited(CallParticipantInvited(rawId: rawId, invitedBy: me))]
        case .dialOut(let phoneNumber):
            guard context.room.pstnDialOutEnabled else {
                throw DomainError(
                    .forbidden, "PSTN dial-out is not enabled for this room (pstnDialOutEnabled is false).",
                    target: "pstnDialOutEnabled")
            }
            guard let phone = CommunicationIdentifier(rawId: "4:" + phoneNumber), phone.kind == .phoneNumber else {
                throw DomainError.badArgument(
                    "The phone number must be in E.164 format, such as +14255550123.", target: "phoneNumber")
            }
            guard call.participant(phone.rawId) == nil else { return [] }
            return [.dialOutRequested(CallDialOutRequested(phoneNumber: phone.rawId, requestedBy: me))]
        }
    }

    /// Roster members act with their current roster role; phone legs have only their microphone.
    private static func requireCapability(
        _ capability: Capability, of actor: CallParticipant, in room: Room
    ) throws(DomainError) {
        let capabilities: Set<Capability>
        if actor.isPhone {
            capabilities = Capability.phoneParticipant
        } else if let identifier = CommunicationIdentifier(rawId: actor.rawId),
            let role = room.roster.role(of: identifier)
        {
            capabilities = role.capabilities
        } else {
            capabilities = []  // off the roster: a policy is about to drop them
        }
        guard capabilities.contains(capability) else {
            let message =
                "This action needs the \(capability.rawValue) capability, which the participant's role does not have."
            throw DomainError(
                .forbidden, message, target: capability.rawValue,
                details: [.init(code: "MissingCapability", message: message, target: capability.rawValue)])
        }
    }

    static func participant(
        _ rawId: String, in call: Call, target: String = "rawId"
    ) throws(DomainError) -> CallParticipant {
        guard let participant = call.participant(rawId) else {
            throw DomainError(.notFound, "\(rawId) is not in the call.", target: target)
        }
        return participant
    }

    // MARK: Policies

    /// Every leg, PSTN included, is disconnected, each as its own event, then the call ends.
    static func decideEnd(_ reason: CallEndReason, _ call: Call) -> [CallEvent] {
        guard call.isActive else { return [] }
        let removed = call.participants.map {
            CallEvent.participantRemoved(CallParticipantRemoved(rawId: $0.rawId, reason: .callEnded, removedBy: nil))
        }
        return removed + [.ended(CallEnded(reason: reason))]
    }

    private static func decideDrop(_ rawId: String, _ reason: CallRemovalReason, _ call: Call) -> [CallEvent] {
        guard call.isActive, call.participant(rawId) != nil else { return [] }
        return afterDepartures(
            [.participantRemoved(CallParticipantRemoved(rawId: rawId, reason: reason, removedBy: nil))], call)
    }

    /// The new role shows in the call at once; what it no longer allows is switched off.
    private static func decideRole(_ rawId: String, _ role: Role, _ call: Call) -> [CallEvent] {
        guard call.isActive, let participant = call.participant(rawId), let previous = participant.role,
            previous != role
        else { return [] }
        var events: [CallEvent] = [
            .participantRoleChanged(CallParticipantRoleChanged(rawId: rawId, previousRole: previous, role: role))
        ]
        let allowed = role.capabilities
        if participant.screenSharing, !allowed.contains(.shareScreen) {
            events.append(.screenShareChanged(CallParticipantScreenShareChanged(rawId: rawId, on: false)))
        }
        if participant.videoOn, !allowed.contains(.turnVideoOn) {
            events.append(.videoChanged(CallParticipantVideoChanged(rawId: rawId, on: false)))
        }
        if !participant.muted, !allowed.contains(.unmuteMicrophone) {
            events.append(.participantMuted(CallParticipantMuted(rawId: rawId, mutedBy: rawId)))
        }
        return events
    }
}

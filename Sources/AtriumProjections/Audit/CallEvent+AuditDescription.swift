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
        case .participantLeft(let e): "\(e.rawId) left"
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
        }
    }
}

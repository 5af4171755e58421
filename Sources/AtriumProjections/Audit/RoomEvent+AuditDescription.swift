import AtriumDomain

extension RoomEvent {
    /// What happened to the room, in one line, in the words of the Rooms API.
    public var auditDescription: String {
        switch self {
        case .created(let e):
            "room \(e.roomId) created, valid \(Timestamp.format(e.validFrom)) to \(Timestamp.format(e.validUntil)), "
                + "PSTN dial-out \(e.pstnDialOutEnabled ? "on" : "off")"
        case .updated(let e):
            "room updated: valid \(Timestamp.format(e.validFrom)) to \(Timestamp.format(e.validUntil)), "
                + "PSTN dial-out \(e.pstnDialOutEnabled ? "on" : "off")"
        case .participantAdded(let e): "added \(e.rawId) as \(e.role.rawValue)"
        case .participantRoleChanged(let e):
            "changed \(e.rawId) from \(e.previousRole.rawValue) to \(e.role.rawValue)"
        case .participantRemoved(let e): "removed \(e.rawId) (was \(e.previousRole.rawValue))"
        case .deleted: "room deleted"
        case .callStarted(let e): "call \(e.callId) started in the room"
        }
    }
}

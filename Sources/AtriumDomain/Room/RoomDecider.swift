import Foundation

/// Every rule of a room: creation defaults, the validity window, roles and the roster, deletion.
public enum RoomDecider: Decider {
    public typealias State = Room
    public typealias Command = RoomCommand
    public typealias Event = RoomEvent

    public static let initialState = Room()

    public static func decide(_ command: RoomCommand, _ room: Room) throws(DomainError) -> [RoomEvent] {
        switch command {
        case .create(let create): try decide(create, room)
        case .update(let update): try decide(update, room)
        case .changeRoster(let change): try decide(change, room)
        case .delete: decideDelete(room)
        case .startCall(let start): try decide(start, room)
        }
    }

    public static func evolve(_ room: Room, _ event: RoomEvent) -> Room {
        var room = room
        switch event {
        case .created(let created):
            room.lifecycle = .active
            room.id = try? RoomId(validating: created.roomId)
            room.createdAt = created.createdAt
            room.validity = RoomValidity(validFrom: created.validFrom, validUntil: created.validUntil)
            room.pstnDialOutEnabled = created.pstnDialOutEnabled
        case .updated(let updated):
            room.validity = RoomValidity(validFrom: updated.validFrom, validUntil: updated.validUntil)
            room.pstnDialOutEnabled = updated.pstnDialOutEnabled
        case .participantAdded(let added):
            if let participant = CommunicationIdentifier(rawId: added.rawId) {
                room.roster.set(participant, to: added.role)
            }
        case .participantRoleChanged(let changed):
            if let participant = CommunicationIdentifier(rawId: changed.rawId) {
                room.roster.set(participant, to: changed.role)
            }
        case .participantRemoved(let removed):
            if let participant = CommunicationIdentifier(rawId: removed.rawId) { room.roster.remove(participant) }
        case .deleted:
            room.lifecycle = .deleted
        case .callStarted(let started):
            room.currentCallId = started.callId
        }
        return room
    }

    // MARK: Rules

    private static func decide(_ command: CreateRoom, _ room: Room) throws(DomainError) -> [RoomEvent] {
        guard room.lifecycle == .notCreated else {
            throw DomainError(.conflict, "A room with this id already exists.", target: "roomId")
        }
        let validity = RoomValidity.defaulted(
            validFrom: command.validFrom, validUntil: command.validUntil, now: command.now)
        try validity.validate(now: command.now)
        let created = RoomEvent.created(
            RoomCreated(
                roomId: command.roomId.value, createdAt: command.now, validFrom: validity.validFrom,
                validUntil: validity.validUntil, pstnDialOutEnabled: command.pstnDialOutEnabled ?? false))
        let roster = try rosterEvents(for: command.participants, on: Roster(), apiVersion: command.apiVersion)
        return [created] + roster
    }

    private static func decide(_ command: UpdateRoom, _ room: Room) throws(DomainError) -> [RoomEvent] {
        try requireActive(room)
        let validity = RoomValidity(
            validFrom: command.validFrom ?? room.validity.validFrom,
            validUntil: command.validUntil ?? room.validity.validUntil)
        // An update that leaves the window alone may still touch an expired room's other properties.
        if command.validFrom != nil || command.validUntil != nil {
            try validity.validate(now: command.now)
        }
        let pstnDialOutEnabled = command.pstnDialOutEnabled ?? room.pstnDialOutEnabled
        guard validity != room.validity || pstnDialOutEnabled != room.pstnDialOutEnabled else { return [] }
        return [
            .updated(
                RoomUpdated(
                    validFrom: validity.validFrom, validUntil: validity.validUntil,
                    pstnDialOutEnabled: pstnDialOutEnabled))
        ]
    }

    private static func decide(_ command: ChangeRoster, _ room: Room) throws(DomainError) -> [RoomEvent] {
        try requireActive(room)
        return try rosterEvents(for: command.changes, on: room.roster, apiVersion: command.apiVersion)
    }

    /// Starts a new call unless the one the caller saw ended has already been replaced.
    private static func decide(_ command: StartRoomCall, _ room: Room) throws(DomainError) -> [RoomEvent] {
        try requireActive(room)
        guard room.currentCallId == command.replacing else { return [] }
        return [.callStarted(RoomCallStarted(callId: command.callId))]
    }

    private static func decideDelete(_ room: Room) -> [RoomEvent] {
        // Deleting is idempotent: a room already gone (or never there) stays gone and nothing is recorded.
        room.isActive ? [.deleted(RoomDeleted())] : []
    }

    private static func requireActive(_ room: Room) throws(DomainError) {
        guard room.isActive else { throw DomainError(.notFound, "Room not found.", target: "roomId") }
    }

    /// Validates every change first (all or nothing), then turns the effective ones into events.
    private static func rosterEvents(
        for changes: [RosterChange], on roster: Roster, apiVersion: RoomsAPIVersion
    ) throws(DomainError) -> [RoomEvent] {
        var validated: [(CommunicationIdentifier, Role?)] = []
        for change in changes {
            let participant = try rosterMember(change.rawId)
            switch change.action {
            case .remove: validated.append((participant, nil))
            case .set(let roleName): validated.append((participant, try role(named: roleName, apiVersion: apiVersion)))
            }
        }
        var roster = roster
        var events: [RoomEvent] = []
        for (participant, role) in validated {
            let current = roster.role(of: participant)
            switch (current, role) {
            case (nil, let role?):
                events.append(.participantAdded(RoomParticipantAdded(rawId: participant.rawId, role: role)))
                roster.set(participant, to: role)
            case (let previous?, let role?) where previous != role:
                events.append(
                    .participantRoleChanged(
                        RoomParticipantRoleChanged(rawId: participant.rawId, previousRole: previous, role: role)))
                roster.set(participant, to: role)
            case (let previous?, nil):
                events.append(
                    .participantRemoved(RoomParticipantRemoved(rawId: participant.rawId, previousRole: previous)))
                roster.remove(participant)
            default:
                break  // same role again, or removing someone who is not there: nothing happens
            }
        }
        return events
    }

    /// Roster members are identities with a role; phone numbers join calls as PSTN legs, never the roster.
    private static func rosterMember(_ rawId: String) throws(DomainError) -> CommunicationIdentifier {
        guard let participant = CommunicationIdentifier(rawId: rawId), participant.kind != .phoneNumber else {
            throw DomainError(
                .badRequest, "Invalid format for communication identifier.", target: "participants",
                details: [
                    .init(code: "BadArgument", message: "Invalid format for communication identifier.", target: rawId)
                ])
        }
        return participant
    }

    private static func role(named name: String?, apiVersion: RoomsAPIVersion) throws(DomainError) -> Role {
        guard let name else { return .default }
        guard let role = Role(wireName: name), role != .collaborator || apiVersion.supportsCollaborator else {
            let allowed = Role.allCases.filter { $0 != .collaborator || apiVersion.supportsCollaborator }
            let message =
                "Invalid role '\(name)'. Valid roles are \(allowed.map(\.rawValue).joined(separator: ", "))."
            throw DomainError(
                .badRequest, message, target: "role",
                details: [.init(code: "BadArgument", message: message, target: "Role")])
        }
        return role
    }
}

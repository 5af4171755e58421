import Foundation

@testable import AtriumDomain

// The vocabulary of the room specifications: a fixed clock, a room, a few people, and events and
// commands spelled the way the specifications talk about them.

/// The instant every specification is decided at (no clock is read anywhere in the tests).
let now = Timestamp.parse("2026-01-01T00:00:00Z")!

func days(_ count: Double) -> TimeInterval { count * 24 * 60 * 60 }

let roomId = try! RoomId(validating: "99551260353945127")

let alice = "8:acs:resource_alice"
let bob = "8:acs:resource_bob"
let carol = "8:acs:resource_carol"
let dave = "8:acs:resource_dave"
let phone = "4:+14255550123"

// MARK: Events

func created(
    validFrom: Date = now, validUntil: Date? = nil, pstnDialOutEnabled: Bool = false, createdAt: Date = now
) -> RoomEvent {
    .created(
        RoomCreated(
            roomId: roomId.value, createdAt: createdAt, validFrom: validFrom,
            validUntil: validUntil ?? validFrom.addingTimeInterval(days(180)), pstnDialOutEnabled: pstnDialOutEnabled))
}

func updated(validFrom: Date, validUntil: Date, pstnDialOutEnabled: Bool) -> RoomEvent {
    .updated(RoomUpdated(validFrom: validFrom, validUntil: validUntil, pstnDialOutEnabled: pstnDialOutEnabled))
}

func added(_ rawId: String, _ role: Role) -> RoomEvent {
    .participantAdded(RoomParticipantAdded(rawId: rawId, role: role))
}

func roleChanged(_ rawId: String, from previousRole: Role, to role: Role) -> RoomEvent {
    .participantRoleChanged(RoomParticipantRoleChanged(rawId: rawId, previousRole: previousRole, role: role))
}

func removed(_ rawId: String, was previousRole: Role) -> RoomEvent {
    .participantRemoved(RoomParticipantRemoved(rawId: rawId, previousRole: previousRole))
}

let deleted = RoomEvent.deleted(RoomDeleted())

// MARK: Commands

func create(
    validFrom: Date? = nil, validUntil: Date? = nil, pstnDialOutEnabled: Bool? = nil,
    participants: [RosterChange] = [], apiVersion: RoomsAPIVersion = .latest, at instant: Date = now
) -> RoomCommand {
    .create(
        CreateRoom(
            roomId: roomId, now: instant, validFrom: validFrom, validUntil: validUntil,
            pstnDialOutEnabled: pstnDialOutEnabled, participants: participants, apiVersion: apiVersion))
}

func update(
    validFrom: Date? = nil, validUntil: Date? = nil, pstnDialOutEnabled: Bool? = nil, at instant: Date = now
) -> RoomCommand {
    .update(
        UpdateRoom(now: instant, validFrom: validFrom, validUntil: validUntil, pstnDialOutEnabled: pstnDialOutEnabled))
}

func changeRoster(_ changes: RosterChange..., apiVersion: RoomsAPIVersion = .latest) -> RoomCommand {
    .changeRoster(ChangeRoster(changes: changes, apiVersion: apiVersion))
}

/// `{rawId: {role}}` in a roster patch; no role means the default one.
func upsert(_ rawId: String, _ role: String? = nil) -> RosterChange {
    RosterChange(rawId: rawId, action: .set(role: role))
}

/// `{rawId: null}` in a roster patch.
func remove(_ rawId: String) -> RosterChange {
    RosterChange(rawId: rawId, action: .remove)
}

let delete = RoomCommand.delete(DeleteRoom())

// MARK: State

/// A roster entry as the participants list shows it.
struct Member: Equatable, CustomStringConvertible {
    var rawId: String
    var role: Role

    init(_ rawId: String, _ role: Role) {
        self.rawId = rawId
        self.role = role
    }

    var description: String { "\(rawId): \(role.rawValue)" }
}

/// The room's roster, in its order.
func members(of room: Room) -> [Member] {
    room.roster.entries.map { Member($0.participant.rawId, $0.role) }
}

// MARK: Errors, as ACS answers them

let rangeTooLarge = DomainError(
    .badRequest, "The time range is incorrect, or larger than 180 days.", target: "ValidUntil",
    details: [
        .init(
            code: "BadArgument", message: "The time range is incorrect, or larger than 180 days.", target: "ValidUntil")
    ])

let rangeEndInThePast = DomainError(
    .badRequest, "The time range end is in the past.", target: "ValidUntil",
    details: [.init(code: "BadArgument", message: "The time range end is in the past.", target: "ValidUntil")])

let roomNotFound = DomainError(.notFound, "Room not found.", target: "roomId")

func invalidIdentifier(_ rawId: String) -> DomainError {
    DomainError(
        .badRequest, "Invalid format for communication identifier.", target: "participants",
        details: [.init(code: "BadArgument", message: "Invalid format for communication identifier.", target: rawId)])
}

func invalidRole(_ name: String, validRoles: String) -> DomainError {
    let message = "Invalid role '\(name)'. Valid roles are \(validRoles)."
    return DomainError(
        .badRequest, message, target: "role", details: [.init(code: "BadArgument", message: message, target: "Role")])
}

/// The roles an invalid-role error lists, from api-version 2025-03-13 on and before it.
let everyRole = "Presenter, Collaborator, Attendee, Consumer"
let rolesBefore2025 = "Presenter, Attendee, Consumer"

import Foundation
import Testing

@testable import AtriumDomain

@Suite("Creating a room")
struct RoomCreationTests {
    @Test("a room created with nothing set is valid from now for 180 days, without PSTN dial-out")
    func defaults() {
        #expect(
            when(create(), RoomDecider.initialState)
                == then(
                    .created(
                        RoomCreated(
                            roomId: "99551260353945127", createdAt: now, validFrom: now,
                            validUntil: now.addingTimeInterval(180 * 24 * 60 * 60), pstnDialOutEnabled: false))))
    }

    @Test("a room given only validFrom is valid for 180 days from then")
    func validUntilDefaultsFromValidFrom() {
        let validFrom = now.addingTimeInterval(days(10))
        #expect(
            when(create(validFrom: validFrom), RoomDecider.initialState)
                == then(created(validFrom: validFrom, validUntil: validFrom.addingTimeInterval(days(180)))))
    }

    @Test("a room given only validUntil is valid from now")
    func validFromDefaultsToNow() {
        let validUntil = now.addingTimeInterval(days(7))
        #expect(
            when(create(validUntil: validUntil), RoomDecider.initialState)
                == then(created(validFrom: now, validUntil: validUntil)))
    }

    @Test("explicit validFrom, validUntil and pstnDialOutEnabled are kept")
    func explicitValuesKept() {
        let validFrom = now.addingTimeInterval(days(1))
        let validUntil = now.addingTimeInterval(days(2))
        #expect(
            when(
                create(validFrom: validFrom, validUntil: validUntil, pstnDialOutEnabled: true), RoomDecider.initialState
            )
                == then(created(validFrom: validFrom, validUntil: validUntil, pstnDialOutEnabled: true)))
        #expect(
            when(create(pstnDialOutEnabled: false), RoomDecider.initialState)
                == then(created(pstnDialOutEnabled: false)))
    }

    @Test("a window that started in the past is fine as long as it has not ended")
    func validFromInThePast() {
        let validFrom = now.addingTimeInterval(-days(30))
        #expect(when(create(validFrom: validFrom), RoomDecider.initialState) == then(created(validFrom: validFrom)))
    }

    @Test("participants are added after the room, in the order given, Attendee when no role is named")
    func participantsInOrder() {
        let command = create(participants: [upsert(carol, "Presenter"), upsert(alice), upsert(bob, "Consumer")])
        #expect(
            when(command, RoomDecider.initialState)
                == then(created(), added(carol, .presenter), added(alice, .attendee), added(bob, .consumer)))
    }

    @Test("the created room is active, with its id, window, flag and roster")
    func stateAfterCreation() throws {
        let command = create(pstnDialOutEnabled: true, participants: [upsert(bob), upsert(alice, "Presenter")])
        let events = try when(command, RoomDecider.initialState).get()
        let room = given(events)
        #expect(room.lifecycle == .active)
        #expect(room.id == roomId)
        #expect(room.createdAt == now)
        #expect(room.validity == RoomValidity(validFrom: now, validUntil: now.addingTimeInterval(days(180))))
        #expect(room.pstnDialOutEnabled)
        #expect(members(of: room) == [Member(bob, .attendee), Member(alice, .presenter)])
    }

    @Test("a window of exactly 180 days is accepted")
    func exactly180Days() {
        let validFrom = now.addingTimeInterval(days(3))
        let validUntil = validFrom.addingTimeInterval(days(180))
        #expect(
            when(create(validFrom: validFrom, validUntil: validUntil), RoomDecider.initialState)
                == then(created(validFrom: validFrom, validUntil: validUntil)))
    }

    @Test("a window one second longer than 180 days is refused")
    func longerThan180Days() {
        let validUntil = now.addingTimeInterval(days(180) + 1)
        #expect(
            when(create(validFrom: now, validUntil: validUntil), RoomDecider.initialState) == refused(rangeTooLarge))
        #expect(
            rangeTooLarge
                == DomainError(
                    .badRequest, "The time range is incorrect, or larger than 180 days.", target: "ValidUntil",
                    details: [
                        DomainError.Detail(
                            code: "BadArgument", message: "The time range is incorrect, or larger than 180 days.",
                            target: "ValidUntil")
                    ]))
    }

    @Test("a window that has already ended is refused")
    func validUntilInThePast() {
        #expect(
            when(create(validUntil: now.addingTimeInterval(-1)), RoomDecider.initialState) == refused(rangeEndInThePast)
        )
        #expect(
            when(
                create(validFrom: now.addingTimeInterval(-days(2)), validUntil: now.addingTimeInterval(-days(1))),
                RoomDecider.initialState)
                == refused(rangeEndInThePast))
    }

    @Test("a window ending right now has ended")
    func validUntilNow() {
        #expect(
            when(create(validFrom: now.addingTimeInterval(-days(1)), validUntil: now), RoomDecider.initialState)
                == refused(rangeEndInThePast))
    }

    @Test("a window that ends before it starts, or as it starts, is refused")
    func validFromAfterValidUntil() {
        let validUntil = now.addingTimeInterval(days(1))
        #expect(
            when(create(validFrom: validUntil.addingTimeInterval(1), validUntil: validUntil), RoomDecider.initialState)
                == refused(rangeTooLarge))
        #expect(
            when(create(validFrom: validUntil, validUntil: validUntil), RoomDecider.initialState)
                == refused(rangeTooLarge))
    }

    @Test("a room that already exists cannot be created again")
    func existingRoom() {
        let conflict = DomainError(.conflict, "A room with this id already exists.", target: "roomId")
        #expect(when(create(), given([created()])) == refused(conflict))
        #expect(when(create(), given([created(), deleted])) == refused(conflict))
    }

    @Test("one bad participant refuses the whole creation")
    func badParticipantRefusesCreation() {
        #expect(
            when(create(participants: [upsert(alice), upsert("not-an-id"), upsert(bob)]), RoomDecider.initialState)
                == refused(invalidIdentifier("not-an-id")))
        #expect(
            when(create(participants: [upsert(alice), upsert(bob, "Boss")]), RoomDecider.initialState)
                == refused(invalidRole("Boss", validRoles: everyRole)))
    }

    @Test("Collaborator is a role only from api-version 2025-03-13 on, at creation too")
    func collaboratorAtCreation() {
        #expect(
            when(
                create(participants: [upsert(alice, "Collaborator")], apiVersion: .v2024_04_15),
                RoomDecider.initialState)
                == refused(invalidRole("Collaborator", validRoles: rolesBefore2025)))
        #expect(
            when(
                create(participants: [upsert(alice, "Collaborator")], apiVersion: .v2025_03_13),
                RoomDecider.initialState)
                == then(created(), added(alice, .collaborator)))
    }
}

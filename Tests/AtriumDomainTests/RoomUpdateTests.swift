import Foundation
import Testing

@testable import AtriumDomain

@Suite("Updating a room's properties")
struct RoomUpdateTests {
    /// A room valid from now for 180 days, without dial-out.
    let history = [created()]
    let validFrom = now
    let validUntil = now.addingTimeInterval(days(180))

    @Test("a property left out keeps its value (merge-patch: nil means unchanged)")
    func mergeSemantics() {
        #expect(
            when(update(pstnDialOutEnabled: true), given(history))
                == then(updated(validFrom: validFrom, validUntil: validUntil, pstnDialOutEnabled: true)))

        let sooner = now.addingTimeInterval(days(30))
        #expect(
            when(update(validUntil: sooner), given(history))
                == then(updated(validFrom: validFrom, validUntil: sooner, pstnDialOutEnabled: false)))

        let later = now.addingTimeInterval(days(1))
        #expect(
            when(update(validFrom: later), given(history))
                == then(updated(validFrom: later, validUntil: validUntil, pstnDialOutEnabled: false)))
    }

    @Test("every property can change at once")
    func everythingChanges() {
        let newFrom = now.addingTimeInterval(days(2))
        let newUntil = now.addingTimeInterval(days(3))
        #expect(
            when(update(validFrom: newFrom, validUntil: newUntil, pstnDialOutEnabled: true), given(history))
                == then(updated(validFrom: newFrom, validUntil: newUntil, pstnDialOutEnabled: true)))
    }

    @Test("an update that changes nothing records nothing")
    func noChange() {
        #expect(when(update(), given(history)) == nothingHappens())
        #expect(
            when(update(validFrom: validFrom, validUntil: validUntil, pstnDialOutEnabled: false), given(history))
                == nothingHappens())
    }

    @Test("the update leads to a state with the new window and flag")
    func stateAfterUpdate() {
        let newUntil = now.addingTimeInterval(days(5))
        let room = given(history + [updated(validFrom: validFrom, validUntil: newUntil, pstnDialOutEnabled: true)])
        #expect(room.validity == RoomValidity(validFrom: validFrom, validUntil: newUntil))
        #expect(room.pstnDialOutEnabled)
        #expect(room.createdAt == now)
        #expect(room.isActive)
    }

    @Test("the new window is checked like a new room's")
    func newWindowValidated() {
        #expect(
            when(update(validUntil: now.addingTimeInterval(days(180) + 1)), given(history)) == refused(rangeTooLarge))
        #expect(when(update(validUntil: now.addingTimeInterval(-1)), given(history)) == refused(rangeEndInThePast))
        #expect(when(update(validFrom: validUntil.addingTimeInterval(1)), given(history)) == refused(rangeTooLarge))
        // Moving validFrom forward shortens the window, so the same validUntil can come back within 180 days.
        let later = now.addingTimeInterval(days(10))
        #expect(
            when(update(validFrom: later, validUntil: later.addingTimeInterval(days(180))), given(history))
                == then(
                    updated(
                        validFrom: later, validUntil: later.addingTimeInterval(days(180)), pstnDialOutEnabled: false)))
    }

    @Test("the window is validated only when the update touches it")
    func expiredRoomKeepsItsWindow() {
        let expired = [
            created(
                validFrom: now.addingTimeInterval(-days(30)), validUntil: now.addingTimeInterval(-days(1)),
                createdAt: now.addingTimeInterval(-days(31)))
        ]
        #expect(
            when(update(pstnDialOutEnabled: true), given(expired))
                == then(
                    updated(
                        validFrom: now.addingTimeInterval(-days(30)), validUntil: now.addingTimeInterval(-days(1)),
                        pstnDialOutEnabled: true)))
        #expect(
            when(update(validFrom: now.addingTimeInterval(-days(29))), given(expired)) == refused(rangeEndInThePast))
        #expect(
            when(update(validUntil: now.addingTimeInterval(days(1))), given(expired))
                == then(
                    updated(
                        validFrom: now.addingTimeInterval(-days(30)), validUntil: now.addingTimeInterval(days(1)),
                        pstnDialOutEnabled: false)))
    }

    @Test("the window is checked against the update's own time, not the creation's")
    func checkedAtUpdateTime() {
        let later = now.addingTimeInterval(days(100))
        #expect(
            when(update(validUntil: now.addingTimeInterval(days(50)), at: later), given(history))
                == refused(rangeEndInThePast))
    }

    @Test("PSTN dial-out can be switched on and off again")
    func pstnToggling() throws {
        let on = try when(update(pstnDialOutEnabled: true), given(history)).get()
        #expect(on == [updated(validFrom: validFrom, validUntil: validUntil, pstnDialOutEnabled: true)])
        #expect(given(history + on).pstnDialOutEnabled)

        #expect(when(update(pstnDialOutEnabled: true), given(history + on)) == nothingHappens())

        let off = try when(update(pstnDialOutEnabled: false), given(history + on)).get()
        #expect(off == [updated(validFrom: validFrom, validUntil: validUntil, pstnDialOutEnabled: false)])
        #expect(!given(history + on + off).pstnDialOutEnabled)
    }

    @Test("an update leaves the roster alone")
    func rosterUntouched() throws {
        let withRoster = history + [added(alice, .presenter), added(bob, .attendee)]
        let events = try when(update(pstnDialOutEnabled: true), given(withRoster)).get()
        #expect(members(of: given(withRoster + events)) == [Member(alice, .presenter), Member(bob, .attendee)])
    }

    @Test("a room that does not exist, or no longer does, cannot be updated")
    func unknownOrDeletedRoom() {
        #expect(when(update(pstnDialOutEnabled: true), RoomDecider.initialState) == refused(roomNotFound))
        #expect(when(update(pstnDialOutEnabled: true), given(history + [deleted])) == refused(roomNotFound))
        #expect(when(update(), given(history + [deleted])) == refused(roomNotFound))
    }
}

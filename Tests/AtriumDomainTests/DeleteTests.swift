import Testing

@testable import AtriumDomain

@Suite("Deleting a room")
struct DeleteTests {
    @Test("deleting an active room records its deletion")
    func deleteActive() {
        #expect(when(delete, given([created()])) == then(deleted))
        #expect(when(delete, given([created(), added(alice, .presenter), added(bob, .attendee)])) == then(deleted))
    }

    @Test("deleting it again records nothing")
    func deleteTwice() {
        #expect(when(delete, given([created(), deleted])) == nothingHappens())
    }

    @Test("deleting a room that was never created records nothing")
    func deleteNeverCreated() {
        #expect(when(delete, RoomDecider.initialState) == nothingHappens())
    }

    @Test("a deleted room is no longer active")
    func stateAfterDelete() {
        let room = given([created(), added(alice, .presenter), deleted])
        #expect(room.lifecycle == .deleted)
        #expect(!room.isActive)
    }

    @Test("a deleted room can be neither updated nor given a new roster")
    func deletedRoomIsGone() {
        let history = [created(), added(alice, .presenter), deleted]
        #expect(when(update(pstnDialOutEnabled: true), given(history)) == refused(roomNotFound))
        #expect(when(update(validUntil: now.addingTimeInterval(days(1))), given(history)) == refused(roomNotFound))
        #expect(when(changeRoster(upsert(bob)), given(history)) == refused(roomNotFound))
        #expect(when(changeRoster(remove(alice)), given(history)) == refused(roomNotFound))
    }

    @Test("a room never created starts in the initial state")
    func initialState() {
        #expect(given([RoomEvent]()) == RoomDecider.initialState)
        #expect(given([RoomEvent]()).lifecycle == .notCreated)
        #expect(given([RoomEvent]()).roster.entries.isEmpty)
    }
}

import Foundation
import Testing

@testable import AtriumDomain

@Suite("Changing a room's roster")
struct RosterTests {
    let room = [created()]

    @Test("an upsert adds a member, then changes their role, remembering the previous one")
    func upsertAddsThenChangesRole() {
        #expect(when(changeRoster(upsert(alice, "Attendee")), given(room)) == then(added(alice, .attendee)))
        #expect(
            when(changeRoster(upsert(alice, "Presenter")), given(room + [added(alice, .attendee)]))
                == then(roleChanged(alice, from: .attendee, to: .presenter)))
    }

    @Test("an upsert without a role means Attendee, for newcomers and members alike")
    func defaultRole() {
        #expect(when(changeRoster(upsert(alice)), given(room)) == then(added(alice, .attendee)))
        #expect(
            when(changeRoster(upsert(alice)), given(room + [added(alice, .presenter)]))
                == then(roleChanged(alice, from: .presenter, to: .attendee)))
    }

    @Test("the same role again records nothing")
    func sameRoleAgain() {
        #expect(
            when(changeRoster(upsert(alice, "Presenter")), given(room + [added(alice, .presenter)])) == nothingHappens()
        )
        #expect(when(changeRoster(upsert(bob)), given(room + [added(bob, .attendee)])) == nothingHappens())
    }

    @Test("removing a member records their removal and the role they had")
    func removeMember() {
        let history = room + [added(alice, .presenter), added(bob, .consumer)]
        #expect(when(changeRoster(remove(alice)), given(history)) == then(removed(alice, was: .presenter)))
        #expect(members(of: given(history + [removed(alice, was: .presenter)])) == [Member(bob, .consumer)])
    }

    @Test("removing someone who is not a member is fine and records nothing")
    func removeNonMember() {
        #expect(when(changeRoster(remove(alice)), given(room)) == nothingHappens())
        #expect(when(changeRoster(remove(bob)), given(room + [added(alice, .presenter)])) == nothingHappens())
        #expect(
            when(
                changeRoster(remove(alice)), given(room + [added(alice, .presenter), removed(alice, was: .presenter)]))
                == nothingHappens())
    }

    @Test("an empty patch records nothing")
    func emptyPatch() {
        #expect(when(changeRoster(), given(room)) == nothingHappens())
    }

    @Test("one patch may add, change and remove, each in the order given")
    func mixedPatch() {
        let history = room + [added(alice, .attendee), added(bob, .attendee)]
        #expect(
            when(
                changeRoster(upsert(carol, "Consumer"), remove(bob), upsert(alice, "Presenter"), remove(dave)),
                given(history))
                == then(
                    added(carol, .consumer), removed(bob, was: .attendee),
                    roleChanged(alice, from: .attendee, to: .presenter)))
    }

    @Test("changes to one participant within a patch build on each other")
    func sameParticipantTwice() {
        #expect(
            when(changeRoster(upsert(alice, "Attendee"), upsert(alice, "Presenter"), remove(alice)), given(room))
                == then(
                    added(alice, .attendee), roleChanged(alice, from: .attendee, to: .presenter),
                    removed(alice, was: .presenter)))
    }

    @Test("one bad identifier among good ones refuses the whole patch")
    func allOrNothingIdentifiers() {
        #expect(
            when(changeRoster(upsert(alice), upsert("8:acs:nounderscore", "Presenter"), upsert(bob)), given(room))
                == refused(invalidIdentifier("8:acs:nounderscore")))
        #expect(
            when(changeRoster(remove(alice), remove("garbage")), given(room + [added(alice, .presenter)]))
                == refused(invalidIdentifier("garbage")))
    }

    @Test("one bad role among good ones refuses the whole patch")
    func allOrNothingRoles() {
        #expect(
            when(changeRoster(upsert(alice, "Presenter"), upsert(bob, "Boss"), upsert(carol)), given(room))
                == refused(invalidRole("Boss", validRoles: everyRole)))
    }

    @Test("the roster keeps the order members were first added in, whatever their role changes")
    func orderPreservedAcrossRoleChanges() throws {
        let history = room + [added(alice, .attendee), added(bob, .attendee), added(carol, .attendee)]
        let events = try when(changeRoster(upsert(carol, "Presenter"), upsert(alice, "Consumer")), given(history)).get()
        #expect(
            members(of: given(history + events))
                == [Member(alice, .consumer), Member(bob, .attendee), Member(carol, .presenter)])
    }

    @Test("a member removed and added again goes to the end")
    func reAddGoesToTheEnd() throws {
        let history = room + [added(alice, .attendee), added(bob, .attendee), added(carol, .attendee)]
        let removal = try when(changeRoster(remove(alice)), given(history)).get()
        let readd = try when(changeRoster(upsert(alice, "Presenter")), given(history + removal)).get()
        #expect(readd == [added(alice, .presenter)])
        #expect(
            members(of: given(history + removal + readd))
                == [Member(bob, .attendee), Member(carol, .attendee), Member(alice, .presenter)])
    }

    @Test(
        "Collaborator is refused before api-version 2025-03-13", arguments: [RoomsAPIVersion.v2023_06_14, .v2024_04_15])
    func collaboratorRefusedOnOldVersions(version: RoomsAPIVersion) {
        #expect(
            when(changeRoster(upsert(alice, "Collaborator"), apiVersion: version), given(room))
                == refused(invalidRole("Collaborator", validRoles: rolesBefore2025)))
    }

    @Test("Collaborator is accepted from api-version 2025-03-13")
    func collaboratorAcceptedOnNewVersion() {
        #expect(
            when(changeRoster(upsert(alice, "Collaborator"), apiVersion: .v2025_03_13), given(room))
                == then(added(alice, .collaborator)))
        #expect(RoomsAPIVersion.latest == .v2025_03_13)
    }

    @Test("an unknown role is refused")
    func unknownRole() {
        let refusal = when(changeRoster(upsert(alice, "Boss")), given(room))
        #expect(refusal == refused(invalidRole("Boss", validRoles: everyRole)))
        guard case .failure(let error) = refusal else { return }
        #expect(error.code == .badRequest)
        #expect(error.code.rawValue == "BadRequest")
        #expect(error.message == "Invalid role 'Boss'. Valid roles are Presenter, Collaborator, Attendee, Consumer.")
        #expect(error.target == "role")
        #expect(error.details == [DomainError.Detail(code: "BadArgument", message: error.message, target: "Role")])
        #expect(when(changeRoster(upsert(alice, "")), given(room)) == refused(invalidRole("", validRoles: everyRole)))
    }

    @Test(
        "role names are case-insensitive",
        arguments: [
            ("presenter", Role.presenter), ("PRESENTER", .presenter), ("consumer", .consumer), ("aTTENDEE", .attendee),
            ("collaborator", .collaborator),
        ])
    func caseInsensitiveRoles(name: String, role: Role) {
        #expect(when(changeRoster(upsert(alice, name)), given(room)) == then(added(alice, role)))
    }

    @Test("a phone number cannot be on a roster")
    func phoneNumberRefused() {
        #expect(CommunicationIdentifier(rawId: phone)?.kind == .phoneNumber)
        #expect(when(changeRoster(upsert(phone, "Attendee")), given(room)) == refused(invalidIdentifier(phone)))
        let refusal = when(changeRoster(upsert(phone)), given(room))
        guard case .failure(let error) = refusal else {
            Issue.record("expected a refusal, got \(refusal)")
            return
        }
        #expect(error.code == .badRequest)
        #expect(error.message == "Invalid format for communication identifier.")
        #expect(error.target == "participants")
        #expect(
            error.details == [
                DomainError.Detail(
                    code: "BadArgument", message: "Invalid format for communication identifier.", target: phone)
            ])
    }

    @Test("every kind of identity but a phone number can be on a roster")
    func otherKindsAccepted() {
        let teamsUser = "8:orgid:2d4f6a8c-1b3e-4f5a-8b7c-9d0e1f2a3b4c"
        let visitor = "8:teamsvisitor:2d4f6a8c1b3e4f5a8b7c9d0e1f2a3b4c"
        let app = "28:orgid:2d4f6a8c-1b3e-4f5a-8b7c-9d0e1f2a3b4c"
        #expect(
            when(changeRoster(upsert(teamsUser), upsert(visitor), upsert(app)), given(room))
                == then(added(teamsUser, .attendee), added(visitor, .attendee), added(app, .attendee)))
    }

    @Test("the roster of a room that does not exist cannot change")
    func unknownRoom() {
        #expect(when(changeRoster(upsert(alice)), RoomDecider.initialState) == refused(roomNotFound))
    }
}

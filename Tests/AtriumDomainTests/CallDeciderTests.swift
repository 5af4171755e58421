import Foundation
import Testing

@testable import AtriumDomain

// Specifications of a room call: joining (who, when), the capability table row by row, and what
// the policies do to a live call.

private let callId = "call-1"

/// A room with Alice as Presenter, Bob as Collaborator, Carol as Attendee and Dave as Consumer.
private func room(pstnDialOutEnabled: Bool = true, _ more: RoomEvent...) -> Room {
    given(
        [
            created(validFrom: now.addingTimeInterval(-60), pstnDialOutEnabled: pstnDialOutEnabled),
            added(alice, .presenter), added(bob, .collaborator), added(carol, .attendee), added(dave, .consumer),
        ] + more)
}

private func client(_ rawId: String, in room: Room, at time: Date = now) -> ClientContext {
    ClientContext(actor: CommunicationIdentifier(rawId: rawId)!, callId: callId, room: room, now: time)
}

private func decide(_ command: CallCommand, _ call: Call) -> Result<[CallEvent], DomainError> {
    Result { () throws(DomainError) in try CallDecider.decide(command, call) }
}

/// A call everyone of `members` has joined, in order.
private func callWith(_ members: [String], in room: Room) throws -> Call {
    var call = Call()
    for member in members {
        call = CallDecider.replay(try CallDecider.decide(.join(client(member, in: room)), call), from: call)
    }
    return call
}

private func joined(_ rawId: String, _ role: Role) -> CallEvent {
    .participantJoined(CallParticipantJoined(rawId: rawId, role: role))
}

private func missing(_ capability: Capability) -> DomainError {
    let message = "This action needs the \(capability.rawValue) capability, which the participant's role does not have."
    return DomainError(
        .forbidden, message, target: capability.rawValue,
        details: [.init(code: "MissingCapability", message: message, target: capability.rawValue)])
}

struct CallJoinSpecs {
    @Test func theFirstToJoinStartsTheCall() {
        #expect(
            decide(.join(client(carol, in: room())), Call())
                == .success([
                    .started(
                        CallStarted(callId: callId, roomId: roomId.value, startedBy: carol, startedByRole: .attendee)),
                    joined(carol, .attendee),
                ]))
    }

    @Test func laterJoinersJoinTheRunningCallWithTheirRosterRole() throws {
        let call = try callWith([alice], in: room())
        #expect(decide(.join(client(dave, in: room())), call) == .success([joined(dave, .consumer)]))
    }

    @Test func joiningTwiceChangesNothing() throws {
        let call = try callWith([alice], in: room())
        #expect(decide(.join(client(alice, in: room())), call) == .success([]))
    }

    @Test func someoneOffTheRosterIsRefused() {
        let stranger = "8:acs:resource_stranger"
        #expect(
            decide(.join(client(stranger, in: room())), Call())
                == .failure(
                    DomainError(.forbidden, "\(stranger) is not a participant of the room.", target: "participant")))
    }

    @Test func phoneNumbersCannotJoinAsUsers() {
        #expect(throws: DomainError.self) { try CallDecider.decide(.join(client(phone, in: room())), Call()) }
    }

    @Test func beforeValidFromAndFromValidUntilOnJoiningIsRefused() {
        let window = given([
            created(validFrom: now.addingTimeInterval(3600), validUntil: now.addingTimeInterval(7200)),
            added(alice, .presenter),
        ])
        #expect(throws: DomainError.self) { try CallDecider.decide(.join(client(alice, in: window)), Call()) }
        // validFrom itself is inside the window; validUntil is not.
        #expect(
            (try? CallDecider.decide(.join(client(alice, in: window, at: now.addingTimeInterval(3600))), Call()))
                != nil)
        #expect(throws: DomainError.self) {
            try CallDecider.decide(.join(client(alice, in: window, at: now.addingTimeInterval(7200))), Call())
        }
    }

    @Test func aDeletedRoomHasNoCall() {
        #expect(
            decide(.join(client(alice, in: room(deleted))), Call())
                == .failure(DomainError(.notFound, "Room not found.", target: "roomId")))
    }

    @Test func anEndedCallCannotBeJoined() throws {
        let call = CallDecider.replay(
            [.ended(CallEnded(reason: .lastParticipantLeft))], from: try callWith([alice], in: room()))
        #expect(throws: DomainError.self) { try CallDecider.decide(.join(client(bob, in: room())), call) }
    }

    @Test func theLastToLeaveEndsTheCall() throws {
        let call = try callWith([alice, carol], in: room())
        #expect(
            decide(.leave(client(carol, in: room())), call)
                == .success([.participantLeft(CallParticipantLeft(rawId: carol))]))
        let alone = try callWith([alice], in: room())
        #expect(
            decide(.leave(client(alice, in: room())), alone)
                == .success([
                    .participantLeft(CallParticipantLeft(rawId: alice)),
                    .ended(CallEnded(reason: .lastParticipantLeft)),
                ]))
    }

    @Test func leavingWhenNotInTheCallChangesNothing() throws {
        #expect(decide(.leave(client(bob, in: room())), try callWith([alice], in: room())) == .success([]))
    }
}

/// The capability table of ACS-WIRE.md, every row for every role.
struct CapabilityTableSpecs {
    static let table: [(Capability, Set<Role>)] = [
        (.turnVideoOn, [.presenter, .collaborator, .attendee]),
        (.unmuteMicrophone, [.presenter, .collaborator, .attendee]),
        (.shareScreen, [.presenter, .collaborator]),
        (.muteOthers, [.presenter]),
        (.removeParticipant, [.presenter]),
        (.addCommunicationUser, [.presenter]),
        (.addPhoneNumber, [.presenter]),
    ]

    @Test func rolesHaveExactlyTheCapabilitiesOfTheTable() {
        for role in Role.allCases {
            #expect(role.capabilities == Set(Self.table.filter { $0.1.contains(role) }.map(\.0)), "\(role)")
        }
        #expect(Capability.phoneParticipant == [.unmuteMicrophone])
    }

    /// One action per row, performed by each role on a call everyone is in.
    static func action(for capability: Capability) -> InCallAction {
        switch capability {
        case .turnVideoOn: .setVideo(on: true)
        case .unmuteMicrophone: .setMicrophone(muted: true)
        case .shareScreen: .setScreenShare(on: true)
        case .muteOthers: .mute(rawId: carol)
        case .removeParticipant: .remove(rawId: carol)
        case .addCommunicationUser: .invite(rawId: "8:acs:resource_erin")
        case .addPhoneNumber: .dialOut(phoneNumber: "+14255550123")
        }
    }

    @Test(arguments: Capability.allCases, Role.allCases)
    func eachRoleMayDoExactlyWhatTheTableSays(capability: Capability, role: Role) throws {
        let actor = [Role.presenter: alice, .collaborator: bob, .attendee: carol, .consumer: dave][role]!
        let erin = "8:acs:resource_erin"
        let room = room(added(erin, .attendee))
        let call = try callWith([alice, bob, carol, dave], in: room)
        var action = Self.action(for: capability)
        if actor == carol, case .mute = action { action = .mute(rawId: bob) }
        if actor == carol, case .remove = action { action = .remove(rawId: bob) }
        let result = decide(.act(action, client(actor, in: room)), call)
        if role.capabilities.contains(capability) {
            guard case .success(let events) = result else {
                Issue.record("\(role) was refused \(capability): \(result)")
                return
            }
            #expect(!events.isEmpty, "\(role) \(capability) recorded nothing")
        } else {
            #expect(result == .failure(missing(capability)), "\(role) \(capability)")
        }
    }

    @Test func consumersCannotUnmuteOrTurnVideoOn() throws {
        let call = try callWith([alice, dave], in: room())
        #expect(
            decide(.act(.setMicrophone(muted: false), client(dave, in: room())), call)
                == .failure(missing(.unmuteMicrophone)))
        #expect(decide(.act(.setVideo(on: true), client(dave, in: room())), call) == .failure(missing(.turnVideoOn)))
    }

    @Test func dialOutNeedsTheRoomToAllowIt() throws {
        let closed = room(pstnDialOutEnabled: false)
        let call = try callWith([alice], in: closed)
        #expect(
            decide(.act(.dialOut(phoneNumber: "+14255550123"), client(alice, in: closed)), call)
                == .failure(
                    DomainError(
                        .forbidden, "PSTN dial-out is not enabled for this room (pstnDialOutEnabled is false).",
                        target: "pstnDialOutEnabled")))
    }

    @Test func aDialOutLegIsConnectingUntilTheCarrierAnswers() throws {
        let call = try callWith([alice], in: room())
        let events = try CallDecider.decide(
            .act(.dialOut(phoneNumber: "+14255550123"), client(alice, in: room())), call)
        #expect(events == [.dialOutRequested(CallDialOutRequested(phoneNumber: phone, requestedBy: alice))])
        let leg = CallDecider.replay(events, from: call).participant(phone)
        #expect(leg?.state == .connecting && leg?.isPhone == true)
        #expect(throws: DomainError.self) {
            try CallDecider.decide(.act(.dialOut(phoneNumber: "0800"), client(alice, in: room())), call)
        }
    }

    @Test func onlyRosterMembersCanBeInvited() throws {
        let call = try callWith([alice], in: room())
        #expect(
            decide(.act(.invite(rawId: carol), client(alice, in: room())), call)
                == .success([.participantInvited(CallParticipantInvited(rawId: carol, invitedBy: alice))]))
        #expect(throws: DomainError.self) {
            try CallDecider.decide(.act(.invite(rawId: "8:acs:resource_nobody"), client(alice, in: room())), call)
        }
    }

    @Test func aRoleChangedOnTheRosterCountsFromTheNextAction() throws {
        let call = try callWith([alice, carol], in: room())
        let demoted = room(roleChanged(alice, from: .presenter, to: .attendee))
        #expect(decide(.act(.mute(rawId: carol), client(alice, in: demoted)), call) == .failure(missing(.muteOthers)))
    }

    @Test func actorsMustBeInTheCall() throws {
        let call = try callWith([alice], in: room())
        #expect(throws: DomainError.self) {
            try CallDecider.decide(.act(.setVideo(on: true), client(carol, in: room())), call)
        }
    }

    @Test func removingTheLastOtherParticipantLeavesThePresenterInTheCall() throws {
        let call = try callWith([alice, dave], in: room())
        #expect(
            decide(.act(.remove(rawId: dave), client(alice, in: room())), call)
                == .success([
                    .participantRemoved(
                        CallParticipantRemoved(rawId: dave, reason: .removedByParticipant, removedBy: alice))
                ]))
    }
}

struct CallPolicySpecs {
    @Test func endingDisconnectsEveryLegThenEndsTheCall() throws {
        var call = try callWith([alice], in: room())
        call = CallDecider.replay(
            [.dialOutRequested(CallDialOutRequested(phoneNumber: phone, requestedBy: alice))], from: call)
        #expect(
            decide(.end(.roomDeleted, now: now), call)
                == .success([
                    .participantRemoved(CallParticipantRemoved(rawId: alice, reason: .callEnded, removedBy: nil)),
                    .participantRemoved(CallParticipantRemoved(rawId: phone, reason: .callEnded, removedBy: nil)),
                    .ended(CallEnded(reason: .roomDeleted)),
                ]))
        #expect(
            decide(
                .end(.roomDeleted, now: now),
                CallDecider.replay(try CallDecider.decide(.end(.roomDeleted, now: now), call), from: call))
                == .success([]))
    }

    @Test func droppingSomeoneOffTheRosterRemovesThemAndTheLastEndsTheCall() throws {
        let call = try callWith([carol], in: room())
        #expect(
            decide(.drop(rawId: carol, reason: .removedFromRoster, now: now), call)
                == .success([
                    .participantRemoved(
                        CallParticipantRemoved(rawId: carol, reason: .removedFromRoster, removedBy: nil)),
                    .ended(CallEnded(reason: .lastParticipantLeft)),
                ]))
    }

    @Test func aNewRoleSwitchesOffWhatItNoLongerAllows() throws {
        var call = try callWith([bob], in: room())
        call = CallDecider.replay(
            [
                .videoChanged(CallParticipantVideoChanged(rawId: bob, on: true)),
                .screenShareChanged(CallParticipantScreenShareChanged(rawId: bob, on: true)),
            ], from: call)
        #expect(
            decide(.applyRole(rawId: bob, role: .consumer, now: now), call)
                == .success([
                    .participantRoleChanged(
                        CallParticipantRoleChanged(rawId: bob, previousRole: .collaborator, role: .consumer)),
                    .screenShareChanged(CallParticipantScreenShareChanged(rawId: bob, on: false)),
                    .videoChanged(CallParticipantVideoChanged(rawId: bob, on: false)),
                    .participantMuted(CallParticipantMuted(rawId: bob, mutedBy: bob)),
                ]))
        #expect(decide(.applyRole(rawId: bob, role: .collaborator, now: now), call) == .success([]))
    }
}

struct CallEventCodecSpecs {
    @Test func everyEventSurvivesTheLog() throws {
        let events: [CallEvent] = [
            .started(CallStarted(callId: "c", roomId: "r", startedBy: alice)), joined(alice, .presenter),
            .participantLeft(CallParticipantLeft(rawId: alice)),
            .participantRemoved(CallParticipantRemoved(rawId: bob, reason: .removedFromRoster, removedBy: nil)),
            .participantMuted(CallParticipantMuted(rawId: bob, mutedBy: alice)),
            .participantUnmuted(CallParticipantUnmuted(rawId: bob)),
            .videoChanged(CallParticipantVideoChanged(rawId: bob, on: true)),
            .screenShareChanged(CallParticipantScreenShareChanged(rawId: bob, on: false)),
            .participantInvited(CallParticipantInvited(rawId: carol, invitedBy: alice)),
            .dialOutRequested(CallDialOutRequested(phoneNumber: phone, requestedBy: alice)),
            .participantRoleChanged(CallParticipantRoleChanged(rawId: bob, previousRole: .attendee, role: .presenter)),
            .ended(CallEnded(reason: .roomExpired)),
        ]
        for event in events {
            let decoded = try CallEvent(eventType: event.eventType, schemaVersion: 1, data: try event.encodedData())
            #expect(decoded == event)
        }
    }
}

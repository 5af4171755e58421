import Foundation
import Testing

@testable import AtriumDomain

// Specifications of Call Automation on a room call: an application connects, then adds, cancels,
// removes, mutes and holds participants, hangs up or terminates; and the call ends when the last
// participant or connection leaves.

struct ConnectCallSpecs {
    @Test func connectingToARoomWithNoCallInProgressStartsItWithTheApplication() {
        #expect(when(connectApplication(), Call()) == then(callStarted, applicationConnected()))
    }

    @Test func connectingToARunningCallOnlyConnects() {
        let running = given(
            .started(CallStarted(callId: "call-1", roomId: roomId.value, startedBy: alice, startedByRole: .presenter)),
            joinedCall(alice))
        #expect(when(connectApplication(secondConnection), running) == then(applicationConnected(secondConnection)))
    }

    @Test func connectingAgainWithAConnectionAlreadyMadeChangesNothing() {
        #expect(when(connectApplication(), liveCall()) == nothingHappens())
    }

    @Test func anEndedCallCannotBeConnectedTo() {
        #expect(
            when(connectApplication(secondConnection), liveCall(.ended(CallEnded(reason: .terminated))))
                == refused(DomainError(.conflict, "This call has ended.", target: "callId")))
    }

    @Test func aDeletedRoomHasNoCallToConnectTo() {
        #expect(when(connectApplication(to: automatedRoom(deleted)), Call()) == refused(roomNotFound))
    }

    @Test func connectingOutsideTheRoomsValidityIsRefused() {
        let opening = now.addingTimeInterval(3600)
        let opensLater = given([created(validFrom: opening, validUntil: opening.addingTimeInterval(3600))])
        let notOpenYet = DomainError(
            .forbidden, "The room is not open yet: it is valid from \(Timestamp.format(opening)).", target: "room")
        #expect(when(connectApplication(to: opensLater), Call()) == refused(notOpenYet))
        let closed = when(connectApplication(to: opensLater, at: opening.addingTimeInterval(3600)), Call())
        #expect(closed.error?.code == .forbidden && closed.error?.target == "room")
    }

    @Test func aConnectionActsOnlyWhileConnectedToALiveCall() {
        #expect(when(automate(.hangUp), Call()) == refused(connectionNotConnected()))
        #expect(when(automate(.hangUp, by: "unknown"), liveCall()) == refused(connectionNotConnected("unknown")))
        #expect(
            when(automate(.mute(rawId: alice, operationContext: nil)), liveCall(applicationDisconnected()))
                == refused(connectionNotConnected()))
    }
}

struct AddParticipantSpecs {
    @Test func aPhoneNumberIsDialledWithTheCallerIdTheApplicationGives() throws {
        #expect(when(automate(adding(phone)), liveCall()) == then(dialling(phone)))
        let ringing = try after(automate(adding(phone)), on: liveCall())
        #expect(ringing.participant(phone)?.state == .connecting)
        #expect(ringing.pendingAdds.map(\.invitationId) == ["invitation-1"])
    }

    @Test func phonesAreDialledOnlyWhereTheRoomAllowsDialOut() {
        let closed = automatedRoom(pstnDialOutEnabled: false)
        #expect(when(automate(adding(phone), in: closed), liveCall()) == refused(pstnDialOutDisabled))
    }

    @Test func aPhoneNumberNeedsACallerIdInE164() {
        let missing = DomainError.badArgument(
            "Adding a phone number needs sourceCallerIdNumber, a phone number in E.164 format.",
            target: "sourceCallerIdNumber")
        #expect(when(automate(adding(phone, callerId: nil)), liveCall()) == refused(missing))
        #expect(when(automate(adding(phone, callerId: "0800 555")), liveCall()) == refused(missing))
    }

    @Test func aRoomMemberIsInvitedAndTheirJoiningEndsTheAttempt() {
        #expect(when(automate(adding(bob)), liveCall()) == then(invitedByApplication(bob)))
        let joined = liveCall(invitedByApplication(bob), joinedCall(bob, .attendee))
        #expect(joined.pendingAdds.isEmpty && joined.invited.isEmpty)
    }

    @Test func onlyMembersOfTheRoomCanBeAddedToItsCall() {
        let offTheRoster = DomainError.badArgument(
            "Only participants of the room can be added to its call.", target: "participantToAdd")
        #expect(when(automate(adding(stranger)), liveCall()) == refused(offTheRoster))
    }

    @Test func onlyPhoneNumbersAndCommunicationUsersCanBeAdded() {
        #expect(
            when(automate(adding(teamsUser)), liveCall())
                == refused(
                    .badArgument(
                        "Only phone numbers and communication users can be added to a room call.",
                        target: "participantToAdd")))
        #expect(
            when(automate(adding("not an identifier")), liveCall())
                == refused(.badArgument("Invalid format for communication identifier.", target: "participantToAdd")))
    }

    @Test func theInvitationTimeoutIsFrom1To180Seconds() {
        let outOfRange = DomainError.badArgument(
            "The invitation timeout must be between 1 and 180 seconds.", target: "invitationTimeoutInSeconds")
        for seconds in [0, 181] {
            #expect(when(automate(adding(bob, timeout: seconds)), liveCall()) == refused(outOfRange), "\(seconds) s")
        }
        for seconds in [1, 180] {
            #expect(when(automate(adding(bob, timeout: seconds)), liveCall()).error == nil, "\(seconds) s")
        }
    }

    @Test func someoneInTheCallOrBeingAddedCannotBeAddedAgain() {
        func conflict(_ rawId: String) -> DomainError {
            DomainError(.conflict, "\(rawId) is already in the call or being added.", target: "participantToAdd")
        }
        let call = liveCall(dialling(phone), invitedByApplication(bob, invitation: "invitation-2"))
        for rawId in [alice, phone, bob] {
            #expect(when(automate(adding(rawId, invitation: "invitation-3")), call) == refused(conflict(rawId)))
        }
    }
}

struct CancelAddParticipantSpecs {
    @Test func cancelingADialHangsUpTheRingingLeg() throws {
        let cancel = automate(.cancelAdd(invitationId: "invitation-1", operationContext: "changed my mind"))
        #expect(
            when(cancel, liveCall(dialling(phone)))
                == then(
                    .addCanceled(
                        CallAddParticipantCanceled(
                            rawId: phone, invitationId: "invitation-1", connectionId: connection,
                            operationContext: "changed my mind"))))
        let canceled = try after(cancel, on: liveCall(dialling(phone)))
        #expect(canceled.participant(phone) == nil && canceled.pendingAdds.isEmpty)
    }

    @Test func cancelingAnInvitationWithdrawsIt() throws {
        let canceled = try after(
            automate(.cancelAdd(invitationId: "invitation-1", operationContext: nil)),
            on: liveCall(invitedByApplication(bob)))
        #expect(canceled.invited.isEmpty && canceled.pendingAdds.isEmpty)
    }

    @Test func onlyAnAddStillPendingCanBeCanceled() {
        let notPending = DomainError(
            .notFound, "No participant is being added with invitation id invitation-1.", target: "invitationId")
        let cancel = automate(.cancelAdd(invitationId: "invitation-1", operationContext: nil))
        #expect(when(cancel, liveCall()) == refused(notPending))
        #expect(when(cancel, liveCall(dialling(phone), answered(phone))) == refused(notPending))
    }
}

struct RemoveMuteHoldSpecs {
    @Test func theApplicationRemovesAParticipantAndTheCallGoesOnWhileItIsConnected() {
        #expect(
            when(automate(.remove(rawId: alice, operationContext: "bye")), liveCall())
                == then(
                    .participantRemoved(
                        CallParticipantRemoved(
                            rawId: alice, reason: .removedByApplication, removedBy: ivr, connectionId: connection,
                            operationContext: "bye"))))
    }

    @Test func removingSomeoneNotInTheCallIsRefused() {
        #expect(
            when(automate(.remove(rawId: bob, operationContext: nil)), liveCall())
                == refused(notInCall(bob, target: "participantToRemove")))
    }

    @Test func theApplicationMutesAParticipantOnce() {
        #expect(
            when(automate(.mute(rawId: alice, operationContext: nil)), liveCall())
                == then(.participantMuted(CallParticipantMuted(rawId: alice, mutedBy: ivr))))
        let muted = liveCall(.participantMuted(CallParticipantMuted(rawId: alice, mutedBy: alice)))
        #expect(when(automate(.mute(rawId: alice, operationContext: nil)), muted) == nothingHappens())
    }

    @Test func holdingAndUnholdingChangeOnlyWhatIsNotAlreadySo() {
        let held = liveCall(.holdChanged(CallParticipantHoldChanged(rawId: alice, onHold: true)))
        #expect(
            when(automate(.hold(rawId: alice, operationContext: nil)), liveCall())
                == then(.holdChanged(CallParticipantHoldChanged(rawId: alice, onHold: true))))
        #expect(when(automate(.hold(rawId: alice, operationContext: nil)), held) == nothingHappens())
        #expect(
            when(automate(.unhold(rawId: alice, operationContext: nil)), held)
                == then(.holdChanged(CallParticipantHoldChanged(rawId: alice, onHold: false))))
        #expect(when(automate(.unhold(rawId: alice, operationContext: nil)), liveCall()) == nothingHappens())
    }

    @Test func aPhoneStillRingingCannotBeMutedOrHeld() {
        let ringing = liveCall(dialling(phone))
        for (action, field) in [
            (AutomationAction.mute(rawId: phone, operationContext: nil), "targetParticipants"),
            (.hold(rawId: phone, operationContext: nil), "targetParticipant"),
            (.unhold(rawId: phone, operationContext: nil), "targetParticipant"),
        ] {
            #expect(
                when(automate(action), ringing) == refused(notInCall(phone, target: field)), "\(action.commandName)")
        }
    }
}

/// The call ends in the same decision as the last participant or connection leaves: never a call
/// with nobody in it. A phone still ringing counts as nobody, and is hung up with the call.
struct CallEndsWhenNobodyIsLeftSpecs {
    @Test func theApplicationHangingUpLeavesTheCallToThoseStillInIt() {
        #expect(when(automate(.hangUp), liveCall()) == then(applicationDisconnected()))
    }

    @Test func theLastParticipantLeavingDoesNotEndACallAnApplicationIsConnectedTo() {
        #expect(when(leaving(alice), liveCall()) == then(leftCall(alice)))
    }

    @Test func hangingUpEndsTheMediaTheConnectionAskedForAndTheNextPlayStarts() {
        var theirs = play("theirs")
        theirs.connectionId = secondConnection
        let busy = liveCall(
            applicationConnected(secondConnection), .playRequested(play("mine")), .playStarted(step("mine")),
            .playRequested(theirs), .recognizeStarted(dtmfRecognition()), .continuousDtmfStarted(listening()))
        #expect(
            when(automate(.hangUp), busy)
                == then(
                    .playCanceled(step("mine")), .recognizeCanceled(step("recognize-1")),
                    .continuousDtmfStopped(listening()), .playStarted(step("theirs")), applicationDisconnected()))
    }

    @Test func anotherConnectedApplicationKeepsTheCallGoing() {
        let twoApplications = given(callStarted, applicationConnected(), applicationConnected(secondConnection))
        #expect(when(automate(.hangUp), twoApplications) == then(applicationDisconnected()))
    }

    @Test func whoeverLeavesLastEndsTheCall() {
        #expect(
            when(automate(.hangUp), given(callStarted, applicationConnected()))
                == then(applicationDisconnected(), endedEmpty))
        #expect(when(leaving(alice), liveCall(applicationDisconnected())) == then(leftCall(alice), endedEmpty))
    }

    @Test func aRingingPhoneDoesNotKeepTheCallGoingAndIsHungUpWithIt() {
        let ringingOnly = given(callStarted, applicationConnected(), dialling(phone))
        #expect(
            when(automate(.hangUp), ringingOnly)
                == then(applicationDisconnected(), removedWithTheCall(phone), endedEmpty))
        #expect(
            when(leaving(alice), liveCall(dialling(phone), applicationDisconnected()))
                == then(leftCall(alice), removedWithTheCall(phone), endedEmpty))
    }

    @Test func theLastPhoneHangingUpEndsTheCallAndHangsUpThoseStillRinging() {
        let call = given(
            callStarted, applicationConnected(), dialling(phone), answered(phone),
            dialling(secondPhone, invitation: "invitation-2"), applicationDisconnected())
        #expect(
            when(report(.legHungUp(rawId: phone)), call)
                == then(leftCall(phone), removedWithTheCall(secondPhone), endedEmpty))
    }
}

struct TerminateCallSpecs {
    @Test func terminatingRemovesEveryLegPhonesIncludedThenEndsTheCall() {
        let call = liveCall(
            dialling(phone), answered(phone), dialling(secondPhone, invitation: "invitation-2"),
            applicationConnected(secondConnection))
        #expect(
            when(automate(.terminate), call)
                == then(
                    removedWithTheCall(alice), removedWithTheCall(phone), removedWithTheCall(secondPhone),
                    .ended(CallEnded(reason: .terminated))))
    }

    @Test func aTerminatedCallHasNoConnectionLeftToActThrough() throws {
        let terminated = try after(automate(.terminate), on: liveCall(applicationConnected(secondConnection)))
        #expect(terminated.lifecycle == .ended && terminated.endReason == .terminated)
        #expect(terminated.connectedConnections.isEmpty && terminated.participants.isEmpty)
        #expect(
            when(automate(.terminate, by: secondConnection), terminated)
                == refused(connectionNotConnected(secondConnection)))
    }
}

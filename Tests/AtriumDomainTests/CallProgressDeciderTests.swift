import Foundation
import Testing

@testable import AtriumDomain

// Specifications of what the telephone network and the media clock report (each report may come
// twice, or late: one about a leg or an operation no longer pending changes nothing), and of a
// call's recording.

struct PhoneLegReportSpecs {
    @Test func anAnsweredLegIsInTheCall() {
        #expect(when(report(.legAnswered(rawId: phone)), liveCall(dialling(phone))) == then(answered(phone)))
        let inCall = liveCall(dialling(phone), answered(phone))
        #expect(inCall.participant(phone)?.state == .connected && inCall.pendingAdds.isEmpty)
    }

    @Test func aFailedLegLeavesTheCall() {
        let busy = PhoneLegFailure(.busy)
        #expect(
            when(report(.legFailed(rawId: phone, failure: busy)), liveCall(dialling(phone)))
                == then(.dialOutFailed(CallDialOutFailed(rawId: phone, failure: busy))))
        let failed = liveCall(dialling(phone), .dialOutFailed(CallDialOutFailed(rawId: phone, failure: busy)))
        #expect(failed.participant(phone) == nil && failed.pendingAdds.isEmpty)
        #expect(busy.sipCode == 486)
    }

    @Test func aLegThatAnsweredCanNoLongerFail() {
        let inCall = liveCall(dialling(phone), answered(phone))
        #expect(when(report(.legFailed(rawId: phone, failure: .init(.noAnswer))), inCall) == nothingHappens())
    }

    @Test func aPhoneHangingUpLeavesTheCall() {
        #expect(
            when(report(.legHungUp(rawId: phone)), liveCall(dialling(phone), answered(phone))) == then(leftCall(phone)))
        #expect(when(report(.legHungUp(rawId: phone)), liveCall(dialling(phone))) == nothingHappens())
    }

    @Test func aRingingLegIsRecordedOnceAndStaysConnecting() throws {
        let ringing = report(.legRinging(rawId: phone, sipCode: 180))
        #expect(
            when(ringing, liveCall(dialling(phone)))
                == then(.dialOutRinging(CallDialOutRinging(rawId: phone, sipCode: 180))))
        let rung = try after(ringing, on: liveCall(dialling(phone)))
        #expect(rung.participant(phone)?.state == .connecting)
        // A 183 after the 180 (or the 180 again) adds nothing; an answered leg rings no more.
        #expect(when(report(.legRinging(rawId: phone, sipCode: 183)), rung) == nothingHappens())
        #expect(when(ringing, liveCall(dialling(phone), answered(phone))) == nothingHappens())
    }

    @Test func aFarEndsHangUpIsRecordedWithItsCause() {
        #expect(
            when(
                report(.legHungUp(rawId: phone, cause: "BYE from the far end")),
                liveCall(dialling(phone), answered(phone)))
                == then(.participantLeft(CallParticipantLeft(rawId: phone, cause: "BYE from the far end"))))
    }

    /// A SIP trunk's final answers, as ACS reports them.
    @Test func aSIPStatusGivesItsReason() {
        let reasons: [(Int, PhoneLegFailure.Reason)] = [
            (486, .busy), (600, .busy), (603, .declined), (408, .noAnswer), (480, .noAnswer), (404, .unreachable),
            (484, .unreachable), (604, .unreachable), (403, .forbidden), (500, .failed), (503, .failed), (488, .failed),
        ]
        for (code, reason) in reasons {
            let failure = PhoneLegFailure(sipCode: code, sipReason: "as sent")
            #expect(failure.reason == reason && failure.sipCode == code && failure.sipReason == "as sent", "\(code)")
        }
    }

    @Test func anAnswerAfterTheDialWasCanceledChangesNothing() throws {
        let canceled = try after(
            automate(.cancelAdd(invitationId: "invitation-1", operationContext: nil)), on: liveCall(dialling(phone)))
        #expect(when(report(.legAnswered(rawId: phone)), canceled) == nothingHappens())
    }
}

struct InvitationExpirySpecs {
    @Test func anInvitationNobodyAcceptedInTimeExpires() throws {
        let expire = report(.invitationExpired(invitationId: "invitation-1"))
        #expect(
            when(expire, liveCall(invitedByApplication(bob)))
                == then(.invitationExpired(CallInvitationExpired(rawId: bob, invitationId: "invitation-1"))))
        let expired = try after(expire, on: liveCall(invitedByApplication(bob)))
        #expect(expired.invited.isEmpty && expired.pendingAdds.isEmpty)
    }

    @Test func anInvitationAcceptedInTimeDoesNotExpire() {
        let joined = liveCall(invitedByApplication(bob), joinedCall(bob, .attendee))
        #expect(when(report(.invitationExpired(invitationId: "invitation-1")), joined) == nothingHappens())
    }

    /// A phone that rings out fails with NoAnswer, as the carrier reports it.
    @Test func aDialDoesNotExpireAsAnInvitation() {
        #expect(
            when(report(.invitationExpired(invitationId: "invitation-1")), liveCall(dialling(phone)))
                == nothingHappens())
    }
}

struct LateAndRepeatedReportSpecs {
    /// Each report, on a call where its subject is pending, and the same report again once decided.
    static let reports: [(CallProgress, Call)] = [
        (.legAnswered(rawId: phone), liveCall(dialling(phone))),
        (.legFailed(rawId: phone, failure: .init(.declined)), liveCall(dialling(phone))),
        (.legHungUp(rawId: phone), liveCall(dialling(phone), answered(phone))),
        (.legRinging(rawId: phone, sipCode: 180), liveCall(dialling(phone))),
        (.playFinished(operationId: "play-1"), liveCall(.playRequested(play("play-1")), .playStarted(step("play-1")))),
        (
            .playFailed(operationId: "play-1", failure: .downloadFailed(sourceIndex: 0)),
            liveCall(.playRequested(play("play-1")), .playStarted(step("play-1")))
        ),
        (.recognizeTimedOut(operationId: "recognize-1", collected: 0), liveCall(.recognizeStarted(dtmfRecognition()))),
        (.tonesSent(operationId: "send-1"), liveCall(.dtmfSendRequested(sendingTones([.one, .two])))),
        (.invitationExpired(invitationId: "invitation-1"), liveCall(invitedByApplication(bob))),
    ]

    @Test func aReportRepeatedChangesNothing() throws {
        for (progress, call) in Self.reports {
            let once = try after(report(progress), on: call)
            #expect(once != call, "\(progress.commandName) did nothing the first time")
            #expect(when(report(progress), once) == nothingHappens(), "\(progress.commandName)")
        }
    }

    @Test func reportsAboutACallThatEndedChangeNothing() throws {
        for (progress, call) in Self.reports {
            let terminated = try after(automate(.terminate), on: call)
            #expect(when(report(progress), terminated) == nothingHappens(), "\(progress.commandName)")
        }
        #expect(when(pressed([.one]), try after(automate(.terminate), on: liveCall())) == nothingHappens())
    }
}

/// One recording at a time, started on a live call, paused and resumed, stopped; the call's end stops it.
struct RecordingSpecs {
    static let recording = CallRecording(recordingId: "recording-1", stateCallbackUri: nil, startedAt: now)
    static let recorded = CallEvent.recordingStarted(recording)

    private func record(_ action: RecordingAction) -> CallCommand { .record(action, now: now) }

    private func recordingState(_ state: CallRecording.State) -> CallEvent {
        .recordingStateChanged(CallRecordingStateChanged(recordingId: "recording-1", state: state))
    }

    private static let notFound = DomainError(
        .notFound, "Recording recording-1 was not found.", target: "recordingId")

    @Test func aRecordingStartsOnlyOnALiveCall() {
        #expect(when(record(.start(Self.recording)), liveCall()) == then(Self.recorded))
        let notActive = DomainError(.notFound, "The call is not active.", target: "callLocator")
        #expect(when(record(.start(Self.recording)), Call()) == refused(notActive))
        #expect(when(record(.start(Self.recording)), liveCall(endedEmpty)) == refused(notActive))
    }

    @Test func oneRecordingAtATime() {
        let another = CallRecording(recordingId: "recording-2", stateCallbackUri: nil, startedAt: now)
        #expect(
            when(record(.start(another)), liveCall(Self.recorded))
                == refused(DomainError(.conflict, "The call is already being recorded.", target: "callLocator")))
        #expect(when(record(.start(Self.recording)), liveCall(Self.recorded)) == nothingHappens())
    }

    @Test func pausingAndResumingChangeOnlyWhatIsNotAlreadySo() {
        let pause = record(.pause(recordingId: "recording-1"))
        let resume = record(.resume(recordingId: "recording-1"))
        let paused = liveCall(Self.recorded, recordingState(.inactive))
        #expect(when(pause, liveCall(Self.recorded)) == then(recordingState(.inactive)))
        #expect(when(pause, paused) == nothingHappens())
        #expect(when(resume, paused) == then(recordingState(.active)))
        #expect(when(resume, liveCall(Self.recorded)) == nothingHappens())
    }

    @Test func stoppingEndsTheRecordingAndAnotherMayStart() throws {
        let stop = record(.stop(recordingId: "recording-1"))
        #expect(
            when(stop, liveCall(Self.recorded))
                == then(.recordingStopped(CallRecordingStopped(recordingId: "recording-1"))))
        let stopped = try after(stop, on: liveCall(Self.recorded))
        #expect(when(stop, stopped) == refused(Self.notFound))
        let another = CallRecording(recordingId: "recording-2", stateCallbackUri: nil, startedAt: now)
        #expect(when(record(.start(another)), stopped) == then(.recordingStarted(another)))
    }

    @Test func anUnknownRecordingIsNotFound() {
        for action in [
            RecordingAction.pause(recordingId: "recording-1"), .resume(recordingId: "recording-1"),
            .stop(recordingId: "recording-1"),
        ] {
            #expect(when(record(action), liveCall()) == refused(Self.notFound))
        }
    }

    @Test func theCallsEndStopsItsRecording() throws {
        let terminated = try after(automate(.terminate), on: liveCall(Self.recorded))
        #expect(terminated.recordings.isEmpty)
        #expect(when(record(.pause(recordingId: "recording-1")), terminated) == refused(Self.notFound))
    }
}

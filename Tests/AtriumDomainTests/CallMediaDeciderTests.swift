import Foundation
import Testing

@testable import AtriumDomain

// Specifications of a call's media: plays heard one at a time in the order asked, interrupting
// plays, one DTMF recognition at a time fed by the tones pressed on its target's line, continuous
// recognition, sending tones, and canceling everything.

private func playing(_ operationId: String, interrupt: Bool = false) -> CallCommand {
    automate(.play(play(operationId), interrupt: interrupt))
}

private func requested(_ operationId: String) -> CallEvent { .playRequested(play(operationId)) }
private func started(_ operationId: String) -> CallEvent { .playStarted(step(operationId)) }
private func completed(_ operationId: String) -> CallEvent { .playCompleted(step(operationId)) }
private func canceled(_ operationId: String) -> CallEvent { .playCanceled(step(operationId)) }

private func finished(_ operationId: String) -> CallCommand {
    report(.playFinished(operationId: operationId))
}

private func recognizing(_ operation: RecognizeOperation = dtmfRecognition()) -> CallEvent {
    .recognizeStarted(operation)
}

struct PlaySpecs {
    @Test func aPlayStartsAtOnceWhenNothingPlays() {
        #expect(when(playing("play-1"), liveCall()) == then(requested("play-1"), started("play-1")))
    }

    @Test func aPlayWaitsForThePlaysAskedBeforeIt() {
        #expect(when(playing("play-2"), liveCall(requested("play-1"), started("play-1"))) == then(requested("play-2")))
    }

    @Test func queuedPlaysStartInOrderAsTheOneBeforeCompletes() throws {
        var call = liveCall(requested("play-1"), started("play-1"), requested("play-2"), requested("play-3"))
        #expect(when(finished("play-1"), call) == then(completed("play-1"), started("play-2")))
        call = try after(finished("play-1"), on: call)
        #expect(when(finished("play-2"), call) == then(completed("play-2"), started("play-3")))
        call = try after(finished("play-2"), on: call)
        #expect(when(finished("play-3"), call) == then(completed("play-3")))
        #expect(try after(finished("play-3"), on: call).media == CallMedia())
    }

    @Test func aPlayThatFailsEndsAndTheNextStarts() throws {
        let failure = PlayFailure.invalidFileFormat(sourceIndex: 1)
        let call = liveCall(requested("play-1"), started("play-1"), requested("play-2"))
        let fails = report(.playFailed(operationId: "play-1", failure: failure))
        #expect(
            when(fails, call)
                == then(.playFailed(CallPlayFailed(operationId: "play-1", failure: failure)), started("play-2")))
        #expect(try after(fails, on: call).media.playing?.operationId == "play-2")
        #expect(failure.subCode == 8535 && PlayFailure.downloadFailed(sourceIndex: 0).subCode == 8536)
    }

    @Test func ssmlLastsItsWordsAndItsBreaks() {
        let ssml = PlaySource.ssml(ssml: #"<speak>Thirty characters of text.... <break time="1500ms"/></speak>"#)
        // 29 characters (the markup and the spaces around it left out) at 15 a second, then the 1.5 s break.
        #expect(ssml.duration == .milliseconds(29 * 1_000 / 15 + 1_500))
        #expect(PlaySource.ssml(ssml: #"<speak><break time="2s"/></speak>"#).duration == .milliseconds(3_000))
    }

    @Test func aQueuedPlayCannotFinishBeforeItStarts() {
        let call = liveCall(requested("play-1"), started("play-1"), requested("play-2"))
        #expect(when(finished("play-2"), call) == nothingHappens())
    }

    @Test func anInterruptingPlayCancelsWhatPlaysAndWhatWaitsThenPlaysAtOnce() {
        let call = liveCall(requested("play-1"), started("play-1"), requested("play-2"))
        #expect(
            when(playing("play-3", interrupt: true), call)
                == then(canceled("play-1"), canceled("play-2"), requested("play-3"), started("play-3")))
        #expect(when(playing("play-1", interrupt: true), liveCall()) == then(requested("play-1"), started("play-1")))
    }

    @Test func aLateFinishOfACanceledPlayChangesNothing() throws {
        let interrupted = try after(
            playing("play-2", interrupt: true), on: liveCall(requested("play-1"), started("play-1")))
        #expect(when(finished("play-1"), interrupted) == nothingHappens())
        let allCanceled = try after(automate(.cancelMedia), on: liveCall(requested("play-1"), started("play-1")))
        #expect(when(finished("play-1"), allCanceled) == nothingHappens())
    }

    @Test func aPlayAskedAgainWithTheSameOperationIdChangesNothing() {
        let call = liveCall(requested("play-1"), started("play-1"), requested("play-2"))
        #expect(when(playing("play-1"), call) == nothingHappens())
        #expect(when(playing("play-1", interrupt: true), call) == nothingHappens())
        #expect(when(playing("play-2"), call) == nothingHappens())
    }

    @Test func aPlayNeedsSomethingToPlay() {
        #expect(
            when(automate(.play(play("play-1", sources: []), interrupt: false)), liveCall())
                == refused(.badArgument("At least one play source is required.", target: "playSources")))
    }

    @Test func aPlayIsHeardOnlyByParticipantsInTheCall() {
        let toAlice = play("play-1", to: [alice])
        #expect(
            when(automate(.play(toAlice, interrupt: false)), liveCall())
                == then(.playRequested(toAlice), started("play-1")))
        #expect(
            when(automate(.play(play("play-1", to: [alice, phone]), interrupt: false)), liveCall(dialling(phone)))
                == refused(notInCall(phone, target: "playTo")))
    }
}

struct RecognizeSpecs {
    @Test func aRecognitionListensToAParticipantInTheCall() {
        #expect(when(automate(.recognize(dtmfRecognition())), liveCall()) == then(recognizing()))
        #expect(
            when(automate(.recognize(dtmfRecognition(of: phone))), liveCall(dialling(phone)))
                == refused(notInCall(phone, target: "targetParticipant")))
    }

    @Test func aRecognitionCollects1To128TonesWithTimeoutsInRange() {
        func outOfRange(_ field: String, upTo maximum: Int) -> DomainError {
            .badArgument("\(field) must be between 1 and \(maximum).", target: field)
        }
        let refusals: [(RecognizeOperation, DomainError)] = [
            (dtmfRecognition(maxTones: 0), outOfRange("maxTonesToCollect", upTo: 128)),
            (dtmfRecognition(maxTones: 129), outOfRange("maxTonesToCollect", upTo: 128)),
            (dtmfRecognition(initialSilence: 0), outOfRange("initialSilenceTimeoutInSeconds", upTo: 300)),
            (dtmfRecognition(initialSilence: 301), outOfRange("initialSilenceTimeoutInSeconds", upTo: 300)),
            (dtmfRecognition(interTone: 0), outOfRange("interToneTimeoutInSeconds", upTo: 60)),
            (dtmfRecognition(interTone: 61), outOfRange("interToneTimeoutInSeconds", upTo: 60)),
        ]
        for (operation, refusal) in refusals {
            #expect(when(automate(.recognize(operation)), liveCall()) == refused(refusal))
        }
        let widest = dtmfRecognition(maxTones: 128, initialSilence: 300, interTone: 60)
        #expect(when(automate(.recognize(widest)), liveCall()) == then(recognizing(widest)))
    }

    @Test func oneRecognitionAtATime() {
        let call = liveCall(joinedCall(bob, .attendee), recognizing())
        let next = dtmfRecognition("recognize-2", of: bob)
        #expect(
            when(automate(.recognize(next)), call)
                == refused(
                    DomainError(
                        .conflict, "A recognize operation is already running in this call.", target: "recognize")))
        let done = liveCall(
            joinedCall(bob, .attendee), recognizing(), tonesReceived([.one]), recognized([.one], .interToneTimeout))
        #expect(when(automate(.recognize(next)), done) == then(recognizing(next)))
    }

    /// Otherwise it would hold the call's one recognition until its timer fired (up to 300 s of
    /// initial silence), then report about someone who has gone.
    @Test func aRecognitionEndsWhenItsTargetLeavesTheCall() throws {
        let gone = try after(
            leaving(bob), on: liveCall(joinedCall(bob, .attendee), recognizing(dtmfRecognition(of: bob))))
        let next = dtmfRecognition("recognize-2")
        #expect(gone.media.recognition == nil)
        #expect(when(automate(.recognize(next)), gone) == then(recognizing(next)))
    }

    @Test func aRecognitionAskedAgainWithTheSameOperationIdChangesNothing() {
        #expect(when(automate(.recognize(dtmfRecognition())), liveCall(recognizing())) == nothingHappens())
    }
}

/// Tones pressed on the target's line feed its recognition, which completes at its maximum or at a
/// stop tone (not collected), or when the media clock says nobody pressed on in time.
struct RecognitionCompletionSpecs {
    @Test func tonesPressedAreCollectedUntilTheMaximum() throws {
        let call = liveCall(recognizing(dtmfRecognition(maxTones: 3)))
        #expect(when(pressed([.one, .two]), call) == then(tonesReceived([.one, .two])))
        let two = try after(pressed([.one, .two]), on: call)
        #expect(two.media.recognition?.collected == [.one, .two])
        #expect(
            when(pressed([.three, .four]), two)
                == then(tonesReceived([.three, .four]), recognized([.one, .two, .three], .maxTonesReceived)))
    }

    @Test func aStopToneCompletesTheRecognitionWithoutBeingCollected() {
        #expect(
            when(pressed([.one, .two, .pound, .three]), liveCall(recognizing()))
                == then(tonesReceived([.one, .two, .pound, .three]), recognized([.one, .two], .stopToneDetected)))
        #expect(
            when(pressed([.pound]), liveCall(recognizing()))
                == then(tonesReceived([.pound]), recognized([], .stopToneDetected)))
    }

    @Test func anotherParticipantsTonesAreReceivedButNotCollected() {
        let call = liveCall(joinedCall(bob, .attendee), recognizing())
        #expect(when(pressed([.one], by: bob), call) == then(tonesReceived([.one], from: bob)))
    }

    @Test func tonesFromALineNotInTheCallAreIgnored() {
        #expect(when(pressed([.one], by: phone), liveCall(dialling(phone), recognizing())) == nothingHappens())
        #expect(when(pressed([.one], by: bob), liveCall()) == nothingHappens())
        #expect(when(pressed([]), liveCall(recognizing())) == nothingHappens())
    }

    @Test func anInterToneTimeoutCompletesWithTheTonesCollected() {
        let call = liveCall(recognizing(), tonesReceived([.four, .two]))
        #expect(
            when(report(.recognizeTimedOut(operationId: "recognize-1", collected: 2)), call)
                == then(recognized([.four, .two], .interToneTimeout)))
    }

    @Test func initialSilenceFailsTheRecognition() {
        #expect(
            when(report(.recognizeTimedOut(operationId: "recognize-1", collected: 0)), liveCall(recognizing()))
                == then(.recognizeFailed(CallRecognizeFailed(operationId: "recognize-1"))))
    }

    @Test func aTimeoutOutdatedByATonePressedSinceChangesNothing() {
        let call = liveCall(recognizing(), tonesReceived([.one]))
        #expect(
            when(report(.recognizeTimedOut(operationId: "recognize-1", collected: 0)), call) == nothingHappens())
    }

    @Test func aLateReportAboutACompletedRecognitionChangesNothing() {
        let done = liveCall(recognizing(), tonesReceived([.one, .pound]), recognized([.one], .stopToneDetected))
        #expect(
            when(report(.recognizeTimedOut(operationId: "recognize-1", collected: 1)), done) == nothingHappens())
        #expect(when(pressed([.two]), done) == then(tonesReceived([.two])))
    }
}

struct CancelMediaSpecs {
    @Test func cancelingMediaCancelsEveryPlayAndTheRecognition() throws {
        let call = liveCall(requested("play-1"), started("play-1"), requested("play-2"), recognizing())
        #expect(
            when(automate(.cancelMedia), call)
                == then(canceled("play-1"), canceled("play-2"), .recognizeCanceled(step("recognize-1"))))
        let quiet = try after(automate(.cancelMedia), on: call)
        #expect(quiet.media.playing == nil && quiet.media.queued.isEmpty && quiet.media.recognition == nil)
        #expect(when(automate(.cancelMedia), quiet) == nothingHappens())
    }
}

struct DtmfSpecs {
    @Test func continuousRecognitionStartsOncePerParticipantAndConnection() {
        let start = AutomationAction.startContinuousDtmf(rawId: alice, operationContext: nil)
        #expect(when(automate(start), liveCall()) == then(.continuousDtmfStarted(listening())))
        let listened = liveCall(applicationConnected(secondConnection), .continuousDtmfStarted(listening()))
        #expect(when(automate(start), listened) == nothingHappens())
        #expect(
            when(automate(start, by: secondConnection), listened)
                == then(.continuousDtmfStarted(listening(by: secondConnection))))
    }

    @Test func continuousRecognitionStopsOnlyWhereItListens() {
        let stop = AutomationAction.stopContinuousDtmf(rawId: alice, operationContext: nil)
        #expect(
            when(automate(stop), liveCall(.continuousDtmfStarted(listening())))
                == then(.continuousDtmfStopped(listening())))
        #expect(when(automate(stop), liveCall()) == nothingHappens())
    }

    @Test func continuousRecognitionListensOnlyToParticipantsInTheCall() {
        #expect(
            when(automate(.startContinuousDtmf(rawId: phone, operationContext: nil)), liveCall(dialling(phone)))
                == refused(notInCall(phone, target: "targetParticipant")))
    }

    @Test func aParticipantLeavingTakesTheirContinuousRecognitionWithThem() {
        let call = liveCall(joinedCall(bob, .attendee), .continuousDtmfStarted(listening(to: bob)), leftCall(bob))
        #expect(call.media.continuousDtmf.isEmpty)
    }

    @Test func aSendAskedAgainWithTheSameOperationIdChangesNothing() {
        let call = liveCall(.dtmfSendRequested(sendingTones([.one, .two])))
        #expect(when(automate(.sendDtmf(sendingTones([.one, .two]))), call) == nothingHappens())
    }

    @Test func aSendEndsWhenItsTonesAreSent() {
        let call = liveCall(.dtmfSendRequested(sendingTones([.one, .two])))
        #expect(when(report(.tonesSent(operationId: "send-1")), call) == then(.dtmfSent(step("send-1"))))
    }

    @Test func from1To18TonesAreSentToAParticipantInTheCall() {
        for count in [1, 18] {
            let operation = sendingTones(Array(repeating: .five, count: count))
            #expect(when(automate(.sendDtmf(operation)), liveCall()) == then(.dtmfSendRequested(operation)))
        }
        for count in [0, 19] {
            #expect(
                when(automate(.sendDtmf(sendingTones(Array(repeating: .five, count: count)))), liveCall())
                    == refused(.badArgument("Between 1 and 18 tones can be sent at a time.", target: "tones")))
        }
        #expect(
            when(automate(.sendDtmf(sendingTones([.one], to: phone))), liveCall(dialling(phone)))
                == refused(notInCall(phone, target: "targetParticipant")))
    }
}

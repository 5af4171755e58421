import Foundation
import Testing

@testable import AtriumDelivery
@testable import AtriumDomain

/// What each call event tells the call connections (no database: the mapping is pure).
struct CallbackPublicationTests {
    static let app = "8:acs:resource_app"
    static let phone = "4:+14255550100"

    /// A call with two connections, `a` and `b`, and a user in it.
    static var call: Call {
        CallDecider.replay([
            .started(CallStarted(callId: "call", roomId: "12345678901234567", startedBy: app, startedByRole: nil)),
            .applicationConnected(
                CallApplicationConnected(
                    connectionId: "a", callbackUri: "http://a/cb", operationContext: "ctx-a", application: app)),
            .applicationConnected(
                CallApplicationConnected(
                    connectionId: "b", callbackUri: "http://b/cb", operationContext: nil, application: app)),
            .participantJoined(CallParticipantJoined(rawId: "8:acs:resource_user", role: .presenter)),
        ])
    }

    func callbacks(_ event: CallEvent, from call: Call = Self.call) -> [CallbackPublication.Callback] {
        CallbackPublication.callbacks(for: event, before: call, after: CallDecider.evolve(call, event))
    }

    func dialing(_ call: Call) -> Call {
        let invitation = CallInvitation(
            invitationId: "inv", connectionId: "a", operationContext: "add", timeoutSeconds: 30)
        return CallDecider.evolve(
            call,
            .dialOutRequested(
                CallDialOutRequested(
                    phoneNumber: Self.phone, requestedBy: Self.app, sourceCallerIdNumber: "+18005550100",
                    invitation: invitation)))
    }

    @Test func aBusyPhoneGivesTheAddingConnectionAddParticipantFailedWithTheSIPStatus() {
        let sent = callbacks(
            .dialOutFailed(CallDialOutFailed(rawId: Self.phone, failure: .init(.busy))), from: dialing(Self.call))
        #expect(sent.map(\.name) == ["AddParticipantFailed"])
        #expect(sent.first?.connectionId == "a")
        #expect(sent.first?.operationContext == "add")
        #expect(sent.first?.result.code == 486)
    }

    @Test func anAnsweredPhoneGivesAddParticipantSucceededThenEveryoneTheNewParticipants() {
        let sent = callbacks(.dialOutAnswered(CallDialOutAnswered(rawId: Self.phone)), from: dialing(Self.call))
        #expect(sent.map(\.name) == ["AddParticipantSucceeded", "ParticipantsUpdated", "ParticipantsUpdated"])
        #expect(sent.map(\.connectionId) == ["a", "a", "b"])
        guard case .array(let participants)? = sent[1].data.first(where: { $0.key == "participants" })?.value else {
            Issue.record("no participants in \(sent[1])")
            return
        }
        #expect(participants.count == 2)
    }

    @Test func hangingUpDisconnectsOnlyThatConnectionWhichHearsNothingMore() {
        let hungUp = callbacks(.applicationDisconnected(CallApplicationDisconnected(connectionId: "a")))
        #expect(hungUp.map(\.name) == ["CallDisconnected"])
        #expect(hungUp.map(\.connectionId) == ["a"])
        #expect(hungUp.first?.operationContext == "ctx-a")
        let after = CallDecider.evolve(
            Self.call, .applicationDisconnected(CallApplicationDisconnected(connectionId: "a")))
        let muted = callbacks(
            .participantMuted(CallParticipantMuted(rawId: "8:acs:resource_user", mutedBy: Self.app)), from: after)
        #expect(muted.map(\.connectionId) == ["b"])
    }

    @Test func theCallsEndDisconnectsEveryConnectionAndStopsItsRecording() {
        let recording = CallRecording(recordingId: "rec", stateCallbackUri: "http://recordings/cb", startedAt: Date())
        let recorded = CallDecider.evolve(Self.call, .recordingStarted(recording))
        let sent = callbacks(.ended(CallEnded(reason: .terminated)), from: recorded)
        #expect(
            sent.map(\.name) == [
                "RecordingStateChanged", "RecordingStateChanged", "RecordingStateChanged", "CallDisconnected",
                "CallDisconnected",
            ])
        #expect(Set(sent.prefix(3).map(\.destination)) == ["http://a/cb", "http://b/cb", "http://recordings/cb"])
        #expect(sent.prefix(3).allSatisfy { $0.data.contains { $0.key == "state" && $0.value == "inactive" } })
    }

    @Test func continuousRecognitionReportsEachToneNumberedAcrossTheCall() {
        var call = CallDecider.evolve(dialing(Self.call), .dialOutAnswered(CallDialOutAnswered(rawId: Self.phone)))
        call = CallDecider.evolve(call, .tonesReceived(CallTonesReceived(rawId: Self.phone, tones: [.one])))
        call = CallDecider.evolve(
            call,
            .continuousDtmfStarted(
                CallMedia.ContinuousDtmf(rawId: Self.phone, connectionId: "b", operationContext: "keys")))
        let sent = callbacks(.tonesReceived(CallTonesReceived(rawId: Self.phone, tones: [.two, .pound])), from: call)
        #expect(sent.map(\.name) == ["ContinuousDtmfRecognitionToneReceived", "ContinuousDtmfRecognitionToneReceived"])
        #expect(sent.map(\.connectionId) == ["b", "b"])
        #expect(sent.map { $0.data.first { $0.key == "sequenceId" }?.value } == [.number(2), .number(3)])
        #expect(sent.map { $0.data.first { $0.key == "tone" }?.value } == ["two", "pound"])
    }

    @Test func aConnectionMadeWithAnOldApiVersionHearsItsTonesInThatVersionsFields() {
        var call = CallDecider.evolve(
            dialing(Self.call),
            .applicationConnected(
                CallApplicationConnected(
                    connectionId: "old", callbackUri: "http://old/cb", operationContext: nil, application: Self.app,
                    apiVersion: "2023-03-06")))
        call = CallDecider.evolve(call, .dialOutAnswered(CallDialOutAnswered(rawId: Self.phone)))
        call = CallDecider.evolve(
            call,
            .continuousDtmfStarted(
                CallMedia.ContinuousDtmf(rawId: Self.phone, connectionId: "old", operationContext: "keys")))
        let tone = callbacks(.tonesReceived(CallTonesReceived(rawId: Self.phone, tones: [.five])), from: call)
        #expect(tone.map(\.connectionId) == ["old"])
        #expect(tone.first?.data.first { $0.key == "toneInfo" }?.value == ["tone": "five", "sequenceId": .number(1)])
        #expect(tone.first?.data.contains { $0.key == "tone" } == false)
    }
}

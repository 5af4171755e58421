import Foundation

@testable import AtriumDomain

// The vocabulary of the Call Automation specifications: a room whose call a server application
// connects to, the connection it acts through, and the events, commands and refusals spelled the way
// the specifications talk about them. People, the clock and the room come from RoomFixtures.swift.

let automatedCallId = "call-automated"
/// The server application's identifier in the call.
let ivr = "28:acs:ivr-application"
let connection = "connection-1"
let secondConnection = "connection-2"
let callbackUri = "https://app.example/callbacks"
let secondPhone = "4:+14255550199"
/// The number callees see: the application's own.
let callerIdNumber = "+18005550100"
let stranger = "8:acs:resource_stranger"
let teamsUser = "8:orgid:00000000-0000-0000-0000-000000000001"

/// Alice is Presenter and Bob Attendee on the roster; dial-out is allowed unless said otherwise.
func automatedRoom(pstnDialOutEnabled: Bool = true, _ more: RoomEvent...) -> Room {
    given(
        [
            created(validFrom: now.addingTimeInterval(-60), pstnDialOutEnabled: pstnDialOutEnabled),
            added(alice, .presenter), added(bob, .attendee),
        ] + more)
}

/// The application started the room's call through `connection`, Alice joined it, then `more` happened.
func liveCall(_ more: CallEvent...) -> Call {
    CallDecider.replay([callStarted, applicationConnected(), joinedCall(alice)] + more)
}

// MARK: Events

let callStarted = CallEvent.started(
    CallStarted(callId: automatedCallId, roomId: roomId.value, startedBy: ivr, startedByRole: nil))

func applicationConnected(_ connectionId: String = connection) -> CallEvent {
    .applicationConnected(
        CallApplicationConnected(
            connectionId: connectionId, callbackUri: callbackUri, operationContext: nil, application: ivr))
}

func applicationDisconnected(_ connectionId: String = connection) -> CallEvent {
    .applicationDisconnected(CallApplicationDisconnected(connectionId: connectionId))
}

func joinedCall(_ rawId: String, _ role: Role = .presenter) -> CallEvent {
    .participantJoined(CallParticipantJoined(rawId: rawId, role: role))
}

func leftCall(_ rawId: String) -> CallEvent {
    .participantLeft(CallParticipantLeft(rawId: rawId))
}

func invitation(_ invitationId: String, timeout: Int = 30) -> CallInvitation {
    CallInvitation(invitationId: invitationId, connectionId: connection, operationContext: nil, timeoutSeconds: timeout)
}

/// The application dials a phone: the leg rings until the carrier reports.
func dialling(_ rawId: String = phone, invitation invitationId: String = "invitation-1") -> CallEvent {
    .dialOutRequested(
        CallDialOutRequested(
            phoneNumber: rawId, requestedBy: ivr, sourceCallerIdNumber: callerIdNumber,
            invitation: invitation(invitationId)))
}

func answered(_ rawId: String = phone) -> CallEvent {
    .dialOutAnswered(CallDialOutAnswered(rawId: rawId))
}

func invitedByApplication(_ rawId: String, invitation invitationId: String = "invitation-1") -> CallEvent {
    .participantInvited(CallParticipantInvited(rawId: rawId, invitedBy: ivr, invitation: invitation(invitationId)))
}

/// A leg the call's end takes with it.
func removedWithTheCall(_ rawId: String) -> CallEvent {
    .participantRemoved(CallParticipantRemoved(rawId: rawId, reason: .callEnded, removedBy: nil))
}

let endedEmpty = CallEvent.ended(CallEnded(reason: .lastParticipantLeft))

// MARK: Media

let prompt = PlaySource.file(uri: "https://media.example/prompt-3s.wav")

func play(_ operationId: String, to playTo: [String] = [], sources: [PlaySource] = [prompt]) -> PlayOperation {
    PlayOperation(
        operationId: operationId, connectionId: connection, operationContext: nil, sources: sources, playTo: playTo,
        loop: false)
}

/// A media operation's started, completed, canceled or sent step.
func step(_ operationId: String) -> CallMediaOperationEvent {
    CallMediaOperationEvent(operationId: operationId)
}

func dtmfRecognition(
    _ operationId: String = "recognize-1", of target: String = alice, maxTones: Int = 4,
    stopTones: [DtmfTone] = [.pound], initialSilence: Int = 5, interTone: Int = 2
) -> RecognizeOperation {
    RecognizeOperation(
        operationId: operationId, connectionId: connection, operationContext: nil, targetRawId: target,
        maxTonesToCollect: maxTones, stopTones: stopTones, initialSilenceTimeoutSeconds: initialSilence,
        interToneTimeoutSeconds: interTone, prompt: [])
}

func tonesReceived(_ tones: [DtmfTone], from rawId: String = alice) -> CallEvent {
    .tonesReceived(CallTonesReceived(rawId: rawId, tones: tones))
}

func recognized(
    _ tones: [DtmfTone], _ completion: RecognizeCompletion, operation operationId: String = "recognize-1"
) -> CallEvent {
    .recognizeCompleted(CallRecognizeCompleted(operationId: operationId, tones: tones, completion: completion))
}

func sendingTones(_ tones: [DtmfTone], to target: String = alice, operation: String = "send-1") -> SendDtmfOperation {
    SendDtmfOperation(
        operationId: operation, connectionId: connection, operationContext: nil, targetRawId: target, tones: tones)
}

func listening(to rawId: String = alice, by connectionId: String = connection) -> CallMedia.ContinuousDtmf {
    CallMedia.ContinuousDtmf(rawId: rawId, connectionId: connectionId, operationContext: nil)
}

// MARK: Commands

func connectApplication(
    _ connectionId: String = connection, to room: Room = automatedRoom(), at instant: Date = now
) -> CallCommand {
    .connect(
        ConnectCall(
            connectionId: connectionId, callId: automatedCallId, callbackUri: callbackUri, operationContext: nil,
            application: ivr, room: room, now: instant))
}

/// What the application asks through a connection.
func automate(
    _ action: AutomationAction, by connectionId: String = connection, in room: Room = automatedRoom()
) -> CallCommand {
    .automate(action, AutomationContext(connectionId: connectionId, room: room, now: now))
}

func adding(
    _ rawId: String, invitation invitationId: String = "invitation-1", callerId: String? = callerIdNumber,
    timeout: Int = 30
) -> AutomationAction {
    .add(
        AddParticipant(
            invitationId: invitationId, rawId: rawId, sourceCallerIdNumber: callerId,
            invitationTimeoutSeconds: timeout, operationContext: nil))
}

/// What the telephone network or the media clock reports.
func report(_ progress: CallProgress) -> CallCommand {
    .progress(progress, now: now)
}

func pressed(_ tones: [DtmfTone], by rawId: String = alice) -> CallCommand {
    report(.tonesPressed(rawId: rawId, tones: tones))
}

/// A roster member leaving through their own client.
func leaving(_ rawId: String) -> CallCommand {
    .leave(
        ClientContext(
            actor: CommunicationIdentifier(rawId: rawId)!, callId: automatedCallId, room: automatedRoom(), now: now))
}

// MARK: Refusals

func connectionNotConnected(_ connectionId: String = connection) -> DomainError {
    DomainError(.notFound, "Call connection \(connectionId) is not connected to a call.", target: "callConnectionId")
}

func notInCall(_ rawId: String, target: String = "rawId") -> DomainError {
    DomainError(.notFound, "\(rawId) is not in the call.", target: target)
}

let pstnDialOutDisabled = DomainError(
    .forbidden, "PSTN dial-out is not enabled for this room (pstnDialOutEnabled is false).",
    target: "pstnDialOutEnabled")

extension Result where Failure == DomainError {
    /// The refusal, if the command was refused.
    var error: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}

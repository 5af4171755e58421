import Foundation

/// How call events are written to and read from the log.
extension CallEvent: EventCodable {
    public var eventType: String {
        switch self {
        case .started: "CallStarted"
        case .participantJoined: "CallParticipantJoined"
        case .participantLeft: "CallParticipantLeft"
        case .participantRemoved: "CallParticipantRemoved"
        case .participantMuted: "CallParticipantMuted"
        case .participantUnmuted: "CallParticipantUnmuted"
        case .videoChanged: "CallParticipantVideoChanged"
        case .screenShareChanged: "CallParticipantScreenShareChanged"
        case .participantInvited: "CallParticipantInvited"
        case .dialOutRequested: "CallDialOutRequested"
        case .participantRoleChanged: "CallParticipantRoleChanged"
        case .ended: "CallEnded"
        case .applicationConnected: "CallApplicationConnected"
        case .applicationDisconnected: "CallApplicationDisconnected"
        case .dialOutRinging: "CallDialOutRinging"
        case .dialOutAnswered: "CallDialOutAnswered"
        case .dialOutFailed: "CallDialOutFailed"
        case .invitationExpired: "CallInvitationExpired"
        case .addCanceled: "CallAddParticipantCanceled"
        case .holdChanged: "CallParticipantHoldChanged"
        case .playRequested: "CallPlayRequested"
        case .playStarted: "CallPlayStarted"
        case .playCompleted: "CallPlayCompleted"
        case .playCanceled: "CallPlayCanceled"
        case .playFailed: "CallPlayFailed"
        case .recognizeStarted: "CallRecognizeStarted"
        case .tonesReceived: "CallTonesReceived"
        case .recognizeCompleted: "CallRecognizeCompleted"
        case .recognizeFailed: "CallRecognizeFailed"
        case .recognizeCanceled: "CallRecognizeCanceled"
        case .continuousDtmfStarted: "CallContinuousDtmfStarted"
        case .continuousDtmfStopped: "CallContinuousDtmfStopped"
        case .dtmfSendRequested: "CallDtmfSendRequested"
        case .dtmfSent: "CallDtmfSent"
        case .recordingStarted: "CallRecordingStarted"
        case .recordingStateChanged: "CallRecordingStateChanged"
        case .recordingStopped: "CallRecordingStopped"
        case .recordingFileReady: "CallRecordingFileReady"
        }
    }

    public var schemaVersion: Int { 1 }

    /// Every type a call's stream may hold.
    public static let eventTypes = [
        "CallStarted",
        "CallParticipantJoined",
        "CallParticipantLeft",
        "CallParticipantRemoved",
        "CallParticipantMuted",
        "CallParticipantUnmuted",
        "CallParticipantVideoChanged",
        "CallParticipantScreenShareChanged",
        "CallParticipantInvited",
        "CallDialOutRequested",
        "CallParticipantRoleChanged",
        "CallEnded",
        "CallApplicationConnected",
        "CallApplicationDisconnected",
        "CallDialOutRinging",
        "CallDialOutAnswered",
        "CallDialOutFailed",
        "CallInvitationExpired",
        "CallAddParticipantCanceled",
        "CallParticipantHoldChanged",
        "CallPlayRequested",
        "CallPlayStarted",
        "CallPlayCompleted",
        "CallPlayCanceled",
        "CallPlayFailed",
        "CallRecognizeStarted",
        "CallTonesReceived",
        "CallRecognizeCompleted",
        "CallRecognizeFailed",
        "CallRecognizeCanceled",
        "CallContinuousDtmfStarted",
        "CallContinuousDtmfStopped",
        "CallDtmfSendRequested",
        "CallDtmfSent",
        "CallRecordingStarted",
        "CallRecordingStateChanged",
        "CallRecordingStopped",
        "CallRecordingFileReady",
    ]

    public func encodedData() throws -> Data {
        switch self {
        case .started(let e): try EventJSON.encode(e)
        case .participantJoined(let e): try EventJSON.encode(e)
        case .participantLeft(let e): try EventJSON.encode(e)
        case .participantRemoved(let e): try EventJSON.encode(e)
        case .participantMuted(let e): try EventJSON.encode(e)
        case .participantUnmuted(let e): try EventJSON.encode(e)
        case .videoChanged(let e): try EventJSON.encode(e)
        case .screenShareChanged(let e): try EventJSON.encode(e)
        case .participantInvited(let e): try EventJSON.encode(e)
        case .dialOutRequested(let e): try EventJSON.encode(e)
        case .participantRoleChanged(let e): try EventJSON.encode(e)
        case .ended(let e): try EventJSON.encode(e)
        case .applicationConnected(let e): try EventJSON.encode(e)
        case .applicationDisconnected(let e): try EventJSON.encode(e)
        case .dialOutRinging(let e): try EventJSON.encode(e)
        case .dialOutAnswered(let e): try EventJSON.encode(e)
        case .dialOutFailed(let e): try EventJSON.encode(e)
        case .invitationExpired(let e): try EventJSON.encode(e)
        case .addCanceled(let e): try EventJSON.encode(e)
        case .holdChanged(let e): try EventJSON.encode(e)
        case .playRequested(let e): try EventJSON.encode(e)
        case .playStarted(let e): try EventJSON.encode(e)
        case .playCompleted(let e): try EventJSON.encode(e)
        case .playCanceled(let e): try EventJSON.encode(e)
        case .playFailed(let e): try EventJSON.encode(e)
        case .recognizeStarted(let e): try EventJSON.encode(e)
        case .tonesReceived(let e): try EventJSON.encode(e)
        case .recognizeCompleted(let e): try EventJSON.encode(e)
        case .recognizeFailed(let e): try EventJSON.encode(e)
        case .recognizeCanceled(let e): try EventJSON.encode(e)
        case .continuousDtmfStarted(let e): try EventJSON.encode(e)
        case .continuousDtmfStopped(let e): try EventJSON.encode(e)
        case .dtmfSendRequested(let e): try EventJSON.encode(e)
        case .dtmfSent(let e): try EventJSON.encode(e)
        case .recordingStarted(let e): try EventJSON.encode(e)
        case .recordingStateChanged(let e): try EventJSON.encode(e)
        case .recordingStopped(let e): try EventJSON.encode(e)
        case .recordingFileReady(let e): try EventJSON.encode(e)
        }
    }

    public init(eventType: String, schemaVersion: Int, data: Data) throws {
        switch eventType {
        case "CallStarted": self = .started(try EventJSON.decode(data))
        case "CallParticipantJoined": self = .participantJoined(try EventJSON.decode(data))
        case "CallParticipantLeft": self = .participantLeft(try EventJSON.decode(data))
        case "CallParticipantRemoved": self = .participantRemoved(try EventJSON.decode(data))
        case "CallParticipantMuted": self = .participantMuted(try EventJSON.decode(data))
        case "CallParticipantUnmuted": self = .participantUnmuted(try EventJSON.decode(data))
        case "CallParticipantVideoChanged": self = .videoChanged(try EventJSON.decode(data))
        case "CallParticipantScreenShareChanged": self = .screenShareChanged(try EventJSON.decode(data))
        case "CallParticipantInvited": self = .participantInvited(try EventJSON.decode(data))
        case "CallDialOutRequested": self = .dialOutRequested(try EventJSON.decode(data))
        case "CallParticipantRoleChanged": self = .participantRoleChanged(try EventJSON.decode(data))
        case "CallEnded": self = .ended(try EventJSON.decode(data))
        case "CallApplicationConnected": self = .applicationConnected(try EventJSON.decode(data))
        case "CallApplicationDisconnected": self = .applicationDisconnected(try EventJSON.decode(data))
        case "CallDialOutRinging": self = .dialOutRinging(try EventJSON.decode(data))
        case "CallDialOutAnswered": self = .dialOutAnswered(try EventJSON.decode(data))
        case "CallDialOutFailed": self = .dialOutFailed(try EventJSON.decode(data))
        case "CallInvitationExpired": self = .invitationExpired(try EventJSON.decode(data))
        case "CallAddParticipantCanceled": self = .addCanceled(try EventJSON.decode(data))
        case "CallParticipantHoldChanged": self = .holdChanged(try EventJSON.decode(data))
        case "CallPlayRequested": self = .playRequested(try EventJSON.decode(data))
        case "CallPlayStarted": self = .playStarted(try EventJSON.decode(data))
        case "CallPlayCompleted": self = .playCompleted(try EventJSON.decode(data))
        case "CallPlayCanceled": self = .playCanceled(try EventJSON.decode(data))
        case "CallPlayFailed": self = .playFailed(try EventJSON.decode(data))
        case "CallRecognizeStarted": self = .recognizeStarted(try EventJSON.decode(data))
        case "CallTonesReceived": self = .tonesReceived(try EventJSON.decode(data))
        case "CallRecognizeCompleted": self = .recognizeCompleted(try EventJSON.decode(data))
        case "CallRecognizeFailed": self = .recognizeFailed(try EventJSON.decode(data))
        case "CallRecognizeCanceled": self = .recognizeCanceled(try EventJSON.decode(data))
        case "CallContinuousDtmfStarted": self = .continuousDtmfStarted(try EventJSON.decode(data))
        case "CallContinuousDtmfStopped": self = .continuousDtmfStopped(try EventJSON.decode(data))
        case "CallDtmfSendRequested": self = .dtmfSendRequested(try EventJSON.decode(data))
        case "CallDtmfSent": self = .dtmfSent(try EventJSON.decode(data))
        case "CallRecordingStarted": self = .recordingStarted(try EventJSON.decode(data))
        case "CallRecordingStateChanged": self = .recordingStateChanged(try EventJSON.decode(data))
        case "CallRecordingStopped": self = .recordingStopped(try EventJSON.decode(data))
        case "CallRecordingFileReady": self = .recordingFileReady(try EventJSON.decode(data))
        default: throw EventDecodingError.unknownType(eventType)
        }
    }
}

import Foundation

/// A recording of a call: its state only (Atrium stores no media).
public struct CallRecording: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable {
        case active
        case inactive
    }

    public var recordingId: String
    public var state: State
    /// ACS's `recordingKind`, as on the wire.
    public var kind: String
    public var contentType: String
    public var channelType: String
    public var format: String
    /// Where RecordingStateChanged goes besides the call connections' callbacks.
    public var stateCallbackUri: String?
    public var startedAt: Date

    public init(
        recordingId: String, state: State = .active, kind: String = "azureCommunicationServices",
        contentType: String = "audio", channelType: String = "mixed", format: String = "wav",
        stateCallbackUri: String?, startedAt: Date
    ) {
        self.recordingId = recordingId
        self.state = state
        self.kind = kind
        self.contentType = contentType
        self.channelType = channelType
        self.format = format
        self.stateCallbackUri = stateCallbackUri
        self.startedAt = startedAt
    }
}

/// What may be done to a call's recording (ACS `/calling/recordings`).
public enum RecordingAction: Sendable {
    case start(CallRecording)
    case pause(recordingId: String)
    case resume(recordingId: String)
    case stop(recordingId: String)
}

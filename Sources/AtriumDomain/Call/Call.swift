import Foundation

/// The Call aggregate's state (stream `call-{callId}`): who is in a room's call and how.
public struct Call: Equatable, Sendable {
    public enum Lifecycle: Equatable, Sendable {
        case notStarted
        case active
        case ended
    }

    public var lifecycle: Lifecycle = .notStarted
    public var id: String?
    public var roomId: String?
    public var startedBy: String?
    public var endReason: CallEndReason?
    /// In the order they joined (or began to be dialled).
    public var participants: [CallParticipant] = []
    /// Roster members invited into the call who have not joined yet.
    public var invited: [String] = []
    /// Server applications' connections to the call (Call Automation), connected or not.
    public var connections: [CallConnection] = []
    /// Participants a connection is adding, until they are in or the attempt ends.
    public var pendingAdds: [PendingAdd] = []
    public var media = CallMedia()
    /// Recordings not yet stopped.
    public var recordings: [CallRecording] = []
    /// Recordings whose file is written (kept after the call ends: the file comes after).
    public var recordingFiles: Set<String> = []

    public init() {}

    public var isActive: Bool { lifecycle == .active }

    public func connection(_ connectionId: String) -> CallConnection? {
        connections.first { $0.connectionId == connectionId }
    }

    public var connectedConnections: [CallConnection] { connections.filter(\.isConnected) }

    public func recording(_ recordingId: String) -> CallRecording? {
        recordings.first { $0.recordingId == recordingId }
    }

    /// Nobody left: no participant has connected and no application is connected. A phone leg
    /// still ringing does not keep a call going.
    public var isEmpty: Bool {
        !participants.contains { $0.state == .connected } && connectedConnections.isEmpty
    }

    public func participant(_ rawId: String) -> CallParticipant? {
        participants.first { $0.rawId == rawId }
    }

    mutating func update(_ rawId: String, _ change: (inout CallParticipant) -> Void) {
        if let index = participants.firstIndex(where: { $0.rawId == rawId }) { change(&participants[index]) }
    }

    mutating func updateRecording(_ recordingId: String, _ change: (inout CallRecording) -> Void) {
        if let index = recordings.firstIndex(where: { $0.recordingId == recordingId }) { change(&recordings[index]) }
    }
}

/// One participant of a call: a roster member (with the role they hold now) or a PSTN leg (no role).
public struct CallParticipant: Equatable, Sendable {
    public enum State: String, Codable, Sendable {
        /// A PSTN leg being dialled: it counts as in the call once the carrier answers.
        case connecting = "Connecting"
        case connected = "Connected"
    }

    public var rawId: String
    public var role: Role?
    public var state: State
    public var muted: Bool
    public var videoOn: Bool
    public var screenSharing: Bool
    public var onHold: Bool
    /// A phone leg being dialled whose far end has answered provisionally (180/183).
    public var ringing = false

    public init(
        rawId: String, role: Role?, state: State, muted: Bool = false, videoOn: Bool = false,
        screenSharing: Bool = false, onHold: Bool = false
    ) {
        self.rawId = rawId
        self.role = role
        self.state = state
        self.muted = muted
        self.videoOn = videoOn
        self.screenSharing = screenSharing
        self.onHold = onHold
    }

    public var isPhone: Bool { role == nil }
}

/// Why a call ended.
public enum CallEndReason: String, Codable, Sendable {
    case lastParticipantLeft = "LastParticipantLeft"
    case roomDeleted = "RoomDeleted"
    case roomExpired = "RoomExpired"
    /// A server application terminated it for everyone.
    case terminated = "Terminated"
}

/// A room call as the client calling API shows it.
public struct CallRow: Equatable, Sendable {
    public var callId: String
    public var roomId: String
    /// `Active` or `Ended`.
    public var state: String
    public var startedBy: String
    public var endReason: String?
    public var participants: [CallParticipantRow]

    public init(
        callId: String, roomId: String, state: String, startedBy: String, endReason: String?,
        participants: [CallParticipantRow]
    ) {
        self.callId = callId
        self.roomId = roomId
        self.state = state
        self.startedBy = startedBy
        self.endReason = endReason
        self.participants = participants
    }
}

public struct CallParticipantRow: Equatable, Sendable {
    public var rawId: String
    /// Nil for a PSTN leg.
    public var role: String?
    /// `Connecting` or `Connected`.
    public var state: String
    public var muted: Bool
    public var videoOn: Bool
    public var screenSharing: Bool

    public init(rawId: String, role: String?, state: String, muted: Bool, videoOn: Bool, screenSharing: Bool) {
        self.rawId = rawId
        self.role = role
        self.state = state
        self.muted = muted
        self.videoOn = videoOn
        self.screenSharing = screenSharing
    }
}

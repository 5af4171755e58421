/// A call to place: who to reach, under which Call-ID, with which SDP offer, and how long to let it ring.
public struct SIPOutgoingCall: Sendable {
    /// The SIP Call-ID to use; the caller derives it from something stable (the log), so it is known before.
    public var callId: String
    /// The number or user dialled: the user part of the Request-URI `sip:<toUser>@<trunk host>:<port>`.
    public var toUser: String
    /// The caller id number in From; "atrium" when nil.
    public var fromUser: String?
    /// The SDP offer's text (made with `SessionDescription.offer(...)`).
    public var offer: String
    /// No final answer by then: CANCEL, and the call fails with 408 unless it answered meanwhile.
    public var ringTimeout: Duration

    public init(callId: String, toUser: String, fromUser: String? = nil, offer: String, ringTimeout: Duration) {
        self.callId = callId
        self.toUser = toUser
        self.fromUser = fromUser
        self.offer = offer
        self.ringTimeout = ringTimeout
    }
}

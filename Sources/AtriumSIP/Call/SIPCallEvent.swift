/// What happened to a call, in order. The last event of a call is `answered`'s ending (`ended`), `failed`
/// or `canceled`; after it the stream finishes.
public enum SIPCallEvent: Sendable, Equatable {
    /// 100 Trying: a hop has the INVITE.
    case trying
    /// 180-189 (Ringing, Session Progress…); an SDP body in it is early media.
    case ringing(status: Int, earlyMedia: String?)
    /// A 2xx with the SDP answer; the ACK is already sent.
    case answered(answer: String)
    /// A final non-2xx answer, or 408 "Request Timeout" for our own timeouts (Timer B, the ring timeout),
    /// or the 401/407 of a challenge that came back after it was answered.
    case failed(status: Int, reason: String)
    /// Our CANCEL took effect (the INVITE ended with 487), after `SIPCall.hangUp()` on an unanswered call.
    case canceled
    /// The answered call ended: by the far end's BYE (`byRemote`, status nil), or by ours and its final response
    /// (status nil when none came in time).
    case ended(byRemote: Bool, status: Int?)

    /// Whether this event ends the call.
    public var isTerminal: Bool {
        switch self {
        case .failed, .canceled, .ended: return true
        case .trying, .ringing, .answered: return false
        }
    }
}

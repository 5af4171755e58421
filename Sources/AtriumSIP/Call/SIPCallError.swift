/// Why hold or unhold could not be done.
public enum SIPCallError: Error, Equatable, CustomStringConvertible {
    /// The call is not answered, or already ended.
    case notEstablished
    /// Another re-INVITE of ours is still waiting for its answer.
    case requestPending
    /// The far end refused the re-INVITE (491 Request Pending, 488…), or it timed out (408).
    case refused(status: Int, reason: String)
    /// Our offer is not an SDP this module can read, so its direction cannot be changed.
    case unreadableOffer(String)

    public var description: String {
        switch self {
        case .notEstablished: return "the call is not established"
        case .requestPending: return "a re-INVITE is already pending"
        case .refused(let status, let reason): return "re-INVITE refused: \(status) \(reason)"
        case .unreadableOffer(let reason): return "our offer cannot be re-offered: \(reason)"
        }
    }
}

/// A request of ours waiting for its final response (RFC 3261 §17.1), and what its outcome is for.
struct ClientTransaction: Sendable {
    enum Purpose: Sendable, Equatable {
        /// The INVITE that places the call.
        case invite
        /// A re-INVITE changing our offer's direction (hold, unhold).
        case reinvite(SessionDescription)
        case bye
        case cancel
    }

    var request: SIPMessage
    var purpose: Purpose
    /// The statuses (401, 407) whose challenges this request's chain already answered: a second is a failure.
    var answeredChallenges: Set<Int> = []
    var receivedProvisional = false
    var completed = false
    /// The next retransmission interval (Timer A or E), doubled at each.
    var interval: Duration

    var branch: String { request.topVia?.branch ?? "" }
    /// Branch and method: a CANCEL shares its INVITE's branch but is a transaction of its own (RFC 3261 §17.1.3).
    var key: String { Self.key(branch: branch, method: request.method ?? "") }

    static func key(branch: String, method: String) -> String { "\(branch) \(method)" }
    var isInvite: Bool { request.method == "INVITE" }
}

/// The timers of one call; each is a task, cancelled or replaced by the next of the same key.
enum CallTimer: Hashable, Sendable {
    /// Timer A (INVITE) or E (non-INVITE) of the transaction with this key: resend over UDP.
    case retransmit(transaction: String)
    /// Timer B or F of the transaction with this key: give up.
    case timeout(transaction: String)
    /// The call's ring timeout: CANCEL if no final answer yet.
    case ring
    /// Our 2xx to a re-INVITE of theirs, resent until their ACK (RFC 3261 §13.3.1.4), by its CSeq number.
    case answerRetransmit(cseq: UInt32)
    /// The end of the wait for retransmissions after the call ended.
    case linger
}

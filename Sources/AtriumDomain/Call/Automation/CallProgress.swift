/// What the telephone network and the media clock report about a call: a phone leg answered,
/// failed or hung up, keys pressed on a line, a play or a send finished, a wait timed out.
///
/// Reports may come again (a timer fired twice around a crash): each names the operation or leg
/// it is about, and the decider ignores one whose subject is no longer pending.
public enum CallProgress: Codable, Equatable, Sendable {
    case legAnswered(rawId: String)
    case legFailed(rawId: String, failure: PhoneLegFailure)
    case legHungUp(rawId: String)
    case tonesPressed(rawId: String, tones: [DtmfTone])
    case playFinished(operationId: String)
    /// `collected`: how many tones the recognition had when the wait began; a tone since restarts it.
    case recognizeTimedOut(operationId: String, collected: Int)
    case tonesSent(operationId: String)
    case invitationExpired(invitationId: String)

    public var commandName: String {
        switch self {
        case .legAnswered: "AnswerPhoneLeg"
        case .legFailed: "FailPhoneLeg"
        case .legHungUp: "HangUpPhoneLeg"
        case .tonesPressed: "ReceiveTones"
        case .playFinished: "FinishPlay"
        case .recognizeTimedOut: "TimeOutRecognize"
        case .tonesSent: "FinishSendingTones"
        case .invitationExpired: "ExpireInvitation"
        }
    }
}

/// Why a phone leg did not connect, with the SIP status a carrier gives.
public struct PhoneLegFailure: Codable, Equatable, Sendable {
    public enum Reason: String, Codable, Sendable {
        case busy = "Busy"
        case noAnswer = "NoAnswer"
        case declined = "Declined"
        case unreachable = "Unreachable"
    }

    public var reason: Reason
    public var sipCode: Int

    public init(_ reason: Reason) {
        self.reason = reason
        self.sipCode =
            switch reason {
            case .busy: 486
            case .noAnswer: 408
            case .declined: 603
            case .unreachable: 404
            }
    }

    public var message: String {
        switch reason {
        case .busy: "The callee is busy."
        case .noAnswer: "The callee did not answer before the invitation timed out."
        case .declined: "The callee declined the call."
        case .unreachable: "The number could not be reached."
        }
    }
}

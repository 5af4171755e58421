/// What the telephone network and the media clock report about a call: a phone leg ringing,
/// answered, failed or hung up, keys pressed on a line, a play or a send finished, a wait timed out.
///
/// Reports may come again (a timer fired twice around a crash): each names the operation or leg
/// it is about, and the decider ignores one whose subject is no longer pending.
public enum CallProgress: Codable, Equatable, Sendable {
    /// `sipCode`: the provisional answer (180, or 183 with early media).
    case legRinging(rawId: String, sipCode: Int)
    /// `sipCode`: the final answer, when a SIP trunk carried the leg.
    case legAnswered(rawId: String, sipCode: Int? = nil)
    case legFailed(rawId: String, failure: PhoneLegFailure)
    /// `cause`: who ended it and how, as the audit shows it ("BYE from the far end").
    case legHungUp(rawId: String, cause: String? = nil)
    case tonesPressed(rawId: String, tones: [DtmfTone])
    case playFinished(operationId: String)
    /// A source could not be played (not fetched, not decoded, not spoken).
    case playFailed(operationId: String, failure: PlayFailure)
    /// `collected`: how many tones the recognition had when the wait began; a tone since restarts it.
    case recognizeTimedOut(operationId: String, collected: Int)
    case tonesSent(operationId: String)
    case invitationExpired(invitationId: String)
    /// A recording's audio is written: the file is ready (also after the call ended).
    case recordingFileReady(recordingId: String, file: RecordingFile)

    public var commandName: String {
        switch self {
        case .legRinging: "RingPhoneLeg"
        case .legAnswered: "AnswerPhoneLeg"
        case .legFailed: "FailPhoneLeg"
        case .legHungUp: "HangUpPhoneLeg"
        case .tonesPressed: "ReceiveTones"
        case .playFinished: "FinishPlay"
        case .playFailed: "FailPlay"
        case .recognizeTimedOut: "TimeOutRecognize"
        case .tonesSent: "FinishSendingTones"
        case .invitationExpired: "ExpireInvitation"
        case .recordingFileReady: "FinishRecordingFile"
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
        case forbidden = "Forbidden"
        /// Any other final answer (a server error, a request the trunk refused).
        case failed = "Failed"
    }

    public var reason: Reason
    public var sipCode: Int
    /// The far end's reason phrase ("Busy Here"), when a SIP trunk carried the leg.
    public var sipReason: String?

    public init(_ reason: Reason) {
        self.reason = reason
        self.sipCode =
            switch reason {
            case .busy: 486
            case .noAnswer: 408
            case .declined: 603
            case .unreachable: 404
            case .forbidden: 403
            case .failed: 500
            }
    }

    /// A final SIP answer other than 2xx, as ACS reports it (RFC 3261 §21 for the classes).
    public init(sipCode: Int, sipReason: String?) {
        self.sipCode = sipCode
        self.sipReason = sipReason
        self.reason =
            switch sipCode {
            case 486, 600: .busy
            case 408, 480, 487: .noAnswer
            case 603: .declined
            case 404, 484, 604: .unreachable
            case 403: .forbidden
            default: .failed
            }
    }

    public var message: String {
        switch reason {
        case .busy: "The callee is busy."
        case .noAnswer: "The callee did not answer before the invitation timed out."
        case .declined: "The callee declined the call."
        case .unreachable: "The number could not be reached."
        case .forbidden: "The trunk refused to place the call."
        case .failed: "The call could not be placed" + (sipReason.map { ": \($0)." } ?? ".")
        }
    }
}

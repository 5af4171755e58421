import AtriumDomain
import AtriumSIP

extension SIPCallEvent {
    /// What the log records of this SIP answer on `rawId`'s leg; nil for what it does not (a 100
    /// Trying, the 487 that follows our own CANCEL, the 200 to our own BYE: the command that
    /// caused them is already in the log).
    func progress(of rawId: String) -> CallProgress? {
        switch self {
        case .trying, .canceled, .ended(byRemote: false, _):
            nil
        case .ringing(let status, _):
            .legRinging(rawId: rawId, sipCode: status)
        case .answered:
            .legAnswered(rawId: rawId, sipCode: 200)
        case .failed(let status, let reason):
            .legFailed(rawId: rawId, failure: PhoneLegFailure(sipCode: status, sipReason: reason))
        case .ended(byRemote: true, _):
            .legHungUp(rawId: rawId, cause: "BYE from the far end")
        }
    }
}

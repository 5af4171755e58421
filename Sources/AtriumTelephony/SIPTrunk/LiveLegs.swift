import AtriumRTP
import AtriumSIP

/// A phone leg this node placed and still carries: its SIP dialog and its audio.
struct LiveLeg: Sendable {
    let leg: PhoneLeg
    /// The dial's log event id: a retried dial finds the leg it already placed.
    let legId: String
    let sip: SIPCall
    let audio: RTPLeg
    let cause: CarrierCause
}

/// The legs this node carries, by dial and by call and participant.
actor LiveLegs {
    private var byLegId: [String: LiveLeg] = [:]
    /// Answered legs: only they carry audio.
    private var answered: Set<String> = []

    func contains(legId: String) -> Bool { byLegId[legId] != nil }

    func add(_ leg: LiveLeg) { byLegId[leg.legId] = leg }

    func markAnswered(_ leg: LiveLeg) { answered.insert(leg.legId) }

    func remove(_ leg: LiveLeg) {
        byLegId[leg.legId] = nil
        answered.remove(leg.legId)
    }

    /// The live leg to `leg`'s number in its call (one at most: a number is dialled again only
    /// once its leg has ended).
    func find(_ leg: PhoneLeg) -> LiveLeg? {
        byLegId.values.first { $0.leg == leg }
    }

    /// `leg` if it has been answered.
    func answeredLeg(_ leg: PhoneLeg) -> LiveLeg? {
        find(leg).flatMap { answered.contains($0.legId) ? $0 : nil }
    }

    func all() -> [LiveLeg] { Array(byLegId.values) }
}

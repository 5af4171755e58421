/// Turns received RFC 4733 packets into digits: each tone reported once, when its end bit arrives.
///
/// A tone is identified by its RTP timestamp (RFC 4733 §2.5.2.1: every packet of one event carries the
/// timestamp of its start), so the redundant end packets and a retransmitted start are not new tones,
/// and the marker bit, which senders set inconsistently, is not relied upon.
struct TelephoneEventReceiver {
    /// Timestamps of tones already reported, the latest last; a few suffice to absorb late repeats.
    private var reported: [UInt32] = []
    private static let remembered = 8

    /// The digit to report for this packet, if it ends a tone not reported yet.
    mutating func receive(_ event: TelephoneEvent, timestamp: UInt32) -> Character? {
        guard event.isEnd, !reported.contains(timestamp) else { return nil }
        reported.append(timestamp)
        if reported.count > Self.remembered { reported.removeFirst() }
        return event.digit
    }
}

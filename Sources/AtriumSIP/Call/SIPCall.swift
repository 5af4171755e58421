/// A call placed by `SIPUserAgent.invite(_:)`: its events, and what can be done to it.
public final class SIPCall: Sendable {
    public let callId: String
    /// Progress and outcome, in order; finishes after the terminal event.
    public let events: AsyncStream<SIPCallEvent>
    let session: CallSession

    init(callId: String, events: AsyncStream<SIPCallEvent>, session: CallSession) {
        self.callId = callId
        self.events = events
        self.session = session
    }

    /// Ends the call from our side: CANCEL while unanswered (`.canceled` once the 487 comes), BYE once answered
    /// (`.ended(byRemote: false, …)`). Returns once the request is sent; the outcome arrives on `events`.
    public func hangUp() async {
        await session.hangUp()
    }

    /// Puts the far end on hold: a re-INVITE offering `a=sendonly` (or `a=inactive` when we stop sending too).
    /// Returns once the far end accepted it; throws `SIPCallError` otherwise.
    public func hold(_ direction: MediaDirection = .sendonly) async throws {
        try await session.reinvite(direction: direction)
    }

    /// Takes the far end off hold: a re-INVITE offering `a=sendrecv`.
    public func unhold() async throws {
        try await session.reinvite(direction: .sendrecv)
    }
}

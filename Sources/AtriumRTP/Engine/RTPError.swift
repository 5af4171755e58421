/// Why a media operation could not be done.
public enum RTPError: Error, Sendable, Equatable {
    /// Every even port of the range is taken.
    case noFreePort(ClosedRange<Int>)
    /// The remote's host is neither an address nor a name that resolves.
    case unresolvableHost(String)
    /// Digits need a connected leg.
    case notConnected
    /// The far end did not negotiate `telephone-event/8000`.
    case telephoneEventsNotNegotiated
    /// Not a DTMF digit (0-9, `*`, `#`, A-D).
    case invalidDigit(Character)
    /// The leg was closed.
    case closed
    /// The engine was shut down.
    case shutDown
}

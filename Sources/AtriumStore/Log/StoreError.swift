/// Failures of the event store that callers act on (anything else is an infrastructure error).
public enum StoreError: Error, Equatable, Sendable {
    /// The stream was not at the expected version: someone else wrote first.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion)
    /// A result for this Repeatability-Request-ID is already stored.
    case duplicateRequest(requestId: String)
    /// PostgreSQL refused the append (a constraint or a value it cannot store); nothing was written.
    case appendRefused(stream: String, reason: String)
}

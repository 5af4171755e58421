import Foundation

/// A request that must take effect at most once (ACS `Repeatability-Request-ID` / `-First-Sent`).
public struct Repeatability: Sendable {
    public var requestId: String
    public var firstSent: Date
    /// `METHOD path`: an id reused for a different operation is refused rather than answered wrongly.
    public var operation: String

    public init(requestId: String, firstSent: Date, operation: String) {
        self.requestId = requestId
        self.firstSent = firstSent
        self.operation = operation
    }
}

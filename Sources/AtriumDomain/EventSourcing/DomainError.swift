/// A broken rule, carrying exactly what the client will see in the ACS error body.
///
/// The HTTP layer maps `code` to a status in one place; nothing else builds error bodies.
public struct DomainError: Error, Equatable, Sendable {
    public enum Code: String, Sendable {
        case badRequest = "BadRequest"
        case notFound = "NotFound"
        case conflict = "Conflict"
        /// The caller is known but may not do this (a missing capability, not on the roster).
        case forbidden = "Forbidden"
    }

    /// One item of the error's `details` array (ACS uses `BadArgument` with the offending field as target).
    public struct Detail: Equatable, Sendable {
        public var code: String
        public var message: String
        public var target: String?

        public init(code: String, message: String, target: String? = nil) {
            self.code = code
            self.message = message
            self.target = target
        }
    }

    public var code: Code
    public var message: String
    public var target: String?
    public var details: [Detail]

    public init(_ code: Code, _ message: String, target: String? = nil, details: [Detail] = []) {
        self.code = code
        self.message = message
        self.target = target
        self.details = details
    }

    /// A 400 whose single detail names the offending argument, the shape ACS uses for validation failures.
    public static func badArgument(_ message: String, target: String) -> DomainError {
        DomainError(
            .badRequest, message, target: target,
            details: [Detail(code: "BadArgument", message: message, target: target)])
    }
}

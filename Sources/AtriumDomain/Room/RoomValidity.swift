import Foundation

/// When a room may be used: a window of at most 180 days that must not have ended already.
public struct RoomValidity: Equatable, Sendable {
    public static let maximumSpan: TimeInterval = 180 * 24 * 60 * 60

    public var validFrom: Date
    public var validUntil: Date

    public init(validFrom: Date, validUntil: Date) {
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// The window a new room gets for whatever the request leaves out.
    public static func defaulted(validFrom: Date?, validUntil: Date?, now: Date) -> RoomValidity {
        let from = validFrom ?? now
        return RoomValidity(validFrom: from, validUntil: validUntil ?? from.addingTimeInterval(maximumSpan))
    }

    /// Checks the ACS rules, with the messages ACS answers.
    public func validate(now: Date) throws(DomainError) {
        guard validUntil > now else {
            throw DomainError.badArgument("The time range end is in the past.", target: "ValidUntil")
        }
        guard validFrom < validUntil, validUntil.timeIntervalSince(validFrom) <= Self.maximumSpan else {
            throw DomainError.badArgument("The time range is incorrect, or larger than 180 days.", target: "ValidUntil")
        }
    }
}

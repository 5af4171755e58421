import AtriumDomain
import Foundation

/// An aggregate's state at a moment of its history, folded by its decider from the log alone.
public struct AuditState: Sendable {
    public enum Aggregate: Sendable {
        case room(Room)
        case call(Call)
        case identity(Identity)
        case subscription(SubscriptionState)
    }

    public var stream: StreamName
    /// How many events were folded: the stream version the state is at (0 before the first event).
    public var version: Int64
    /// When the last folded event was recorded (nil at version 0).
    public var recordedAt: Date?
    public var aggregate: Aggregate
}

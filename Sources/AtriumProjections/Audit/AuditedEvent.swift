import AtriumDomain
import AtriumStore
import Foundation

/// A log event read back as its aggregate's domain event, upcast to the current schema.
public enum AuditedEvent: Equatable, Sendable {
    case room(RoomEvent)
    case call(CallEvent)
    case identity(IdentityEvent)
    case subscription(SubscriptionEvent)

    /// Decodes `event` with the codec of the stream's category (where old shapes are upcast).
    public init(_ event: RecordedEvent, of category: StreamName.Category) throws {
        switch category {
        case .room: self = .room(try event.decode())
        case .call: self = .call(try event.decode())
        case .identity: self = .identity(try event.decode())
        case .subscription: self = .subscription(try event.decode())
        }
    }

    /// The event's data in the current shape: what an upcast old event looks like today.
    public func encodedData() throws -> Data {
        switch self {
        case .room(let event): try event.encodedData()
        case .call(let event): try event.encodedData()
        case .identity(let event): try event.encodedData()
        case .subscription(let event): try event.encodedData()
        }
    }

    /// One readable line: what happened, for a timeline.
    public func description(in stream: StreamName) -> String {
        switch self {
        case .room(let event): event.auditDescription
        case .call(let event): event.auditDescription(callId: stream.id)
        case .identity(let event): event.auditDescription
        case .subscription(let event): event.auditDescription
        }
    }
}

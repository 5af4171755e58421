import AtriumDomain
import AtriumStore
import Foundation

/// Turns log events into published events. Call events need the call as it was before them
/// (`CallStates`).
public final class Publisher: Sendable {
    private let calls: CallStates

    public init(store: EventStore) {
        self.calls = CallStates(store: store)
    }

    public func publish(_ event: RecordedEvent) async throws -> PublishedEvent? {
        if let roomId = event.aggregateId(in: .room) {
            return RoomPublication.publish(try event.decode(as: RoomEvent.self), roomId: roomId, source: event)
        }
        guard event.streamName?.category == .call else { return nil }
        let callEvent = try event.decode(as: CallEvent.self)
        let (before, _) = try await calls.advance(through: event, callEvent)
        return CallPublication.publish(callEvent, before: before, source: event)
    }
}

import AtriumDomain
import AtriumStore
import Foundation
import Synchronization

/// Turns log events into published events. Call events need the call as it was before them, kept
/// per stream and advanced in log order; when the kept state is not exactly one version behind
/// (first sight, or a batch that rolled back and came again) it is rebuilt from the stream.
public final class Publisher: Sendable {
    private let store: EventStore
    private let calls = Mutex([String: CallPublicationState]())
    /// Bounds memory: past this many calls the kept states are dropped and rebuilt on demand.
    private let maximumKeptCalls = 10_000

    public init(store: EventStore) {
        self.store = store
    }

    public func publish(_ event: RecordedEvent) async throws -> PublishedEvent? {
        if event.streamId.hasPrefix("room-") {
            let roomId = String(event.streamId.dropFirst("room-".count))
            return RoomPublication.publish(try event.decode(as: RoomEvent.self), roomId: roomId, source: event)
        }
        guard event.streamId.hasPrefix("call-") else { return nil }
        let callEvent = try event.decode(as: CallEvent.self)
        var state = try await stateBefore(event)
        let published = CallPublication.publish(callEvent, before: state, source: event)
        state.evolve(callEvent, source: event)
        calls.withLock { kept in
            if kept.count >= maximumKeptCalls { kept.removeAll(keepingCapacity: true) }
            kept[event.streamId] = state
        }
        return published
    }

    private func stateBefore(_ event: RecordedEvent) async throws -> CallPublicationState {
        if let kept = calls.withLock({ $0[event.streamId] }), kept.version == event.streamVersion - 1 {
            return kept
        }
        var state = CallPublicationState()
        for earlier in try await store.readStream(event.streamId) where earlier.streamVersion < event.streamVersion {
            state.evolve(try earlier.decode(as: CallEvent.self), source: earlier)
        }
        return state
    }
}

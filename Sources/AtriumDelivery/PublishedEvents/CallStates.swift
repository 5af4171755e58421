import AtriumDomain
import AtriumStore
import Foundation
import Synchronization

/// Each call as it was before the log event at hand, kept per stream and advanced in log order;
/// when the kept state is not exactly one version behind (first sight, or a batch that rolled
/// back and came again) it is rebuilt from the stream.
final class CallStates: Sendable {
    private let store: EventStore
    private let kept = Mutex([String: CallPublicationState]())
    /// Bounds memory: past this many calls the kept states are dropped and rebuilt on demand.
    private let maximumKeptCalls = 10_000

    init(store: EventStore) {
        self.store = store
    }

    /// The state before `event`, and after it (which is kept for the next event of the stream).
    func advance(through event: RecordedEvent, _ callEvent: CallEvent) async throws -> (
        before: CallPublicationState, after: CallPublicationState
    ) {
        let before = try await stateBefore(event)
        var after = before
        after.evolve(callEvent, source: event)
        kept.withLock { kept in
            if kept.count >= maximumKeptCalls { kept.removeAll(keepingCapacity: true) }
            kept[event.streamId] = after
        }
        return (before, after)
    }

    private func stateBefore(_ event: RecordedEvent) async throws -> CallPublicationState {
        if let state = kept.withLock({ $0[event.streamId] }), state.version == event.streamVersion - 1 {
            return state
        }
        var state = CallPublicationState()
        for earlier in try await store.readStream(event.streamId) where earlier.streamVersion < event.streamVersion {
            state.evolve(try earlier.decode(as: CallEvent.self), source: earlier)
        }
        return state
    }
}

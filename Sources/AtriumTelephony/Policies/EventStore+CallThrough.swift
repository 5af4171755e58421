import AtriumDomain
import AtriumStore

extension EventStore {
    /// The call as it was right after `event` (or, not `including` it, right before).
    func call(through event: RecordedEvent, including: Bool = true) async throws -> Call {
        let history = try await readStream(event.streamId)
        let last = including ? event.streamVersion : event.streamVersion - 1
        return CallDecider.replay(
            try history.prefix { $0.streamVersion <= last }.map { try $0.decode(as: CallEvent.self) })
    }
}

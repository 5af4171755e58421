import AtriumDomain
import AtriumStore

extension EventStore {
    /// The call as it was right after `event` (its stream read up to the event's version).
    func call(through event: RecordedEvent) async throws -> Call {
        let history = try await readStream(event.streamId)
        return CallDecider.replay(
            try history.prefix { $0.streamVersion <= event.streamVersion }.map { try $0.decode(as: CallEvent.self) })
    }
}

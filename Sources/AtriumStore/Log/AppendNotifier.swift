import Logging
import PostgresNIO
import Synchronization

/// Tells the log's consumers, on every node, that events were appended: `NOTIFY atrium_events`,
/// sent after the append has committed and coalesced so that a burst of appends costs one notification
/// (at most one every `minimumInterval`). Its payload names the event types appended since the last
/// one (`AppendedTypes`), so a consumer of a few types sleeps through everything else.
///
/// Notifying inside the append transaction would hold PostgreSQL's notify lock through every
/// commit and serialise all writers; outside it, at most one notification is in flight at a time.
final class AppendNotifier: Sendable {
    private struct State {
        var inFlight = false
        var pending = false
        var types = AppendedTypes()
    }

    static let channel = "atrium_events"
    /// Under load a notification is always due; spacing them bounds their cost (each is a statement
    /// and a commit) at the price of waking consumers up to this much later.
    static let minimumInterval = Duration.milliseconds(15)

    private let client: PostgresClient
    private let logger: Logger
    private let state = Mutex(State())

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Called after a commit of events of `types` (nil: unknown, so every consumer looks). Starts a
    /// notification unless one is on its way, in which case one more follows it.
    func poke(types: [String]?) {
        let start = state.withLock { state in
            state.types.add(types)
            if state.inFlight {
                state.pending = true
                return false
            }
            state.inFlight = true
            return true
        }
        if start { Task { await self.send() } }
    }

    private func send() async {
        while true {
            let payload = state.withLock { state in
                state.pending = false
                defer { state.types = AppendedTypes() }
                return state.types.payload
            }
            do {
                try await client.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
            } catch {
                // Consumers also poll: a lost notification only delays them.
                logger.debug("NOTIFY failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: Self.minimumInterval)
            let again = state.withLock { state in
                if state.pending { return true }
                state.inFlight = false
                return false
            }
            if !again { return }
        }
    }
}

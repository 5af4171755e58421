import Dispatch
import Foundation
import Logging
import Synchronization

/// The last resort behind `serve --shutdown-timeout`: once a stop has begun, a process still running
/// when the time is up says so, stops its embedded PostgreSQL and exits.
///
/// The stop itself is graceful (requests in flight answered, feeds and consumers ended); this only
/// fires when something ignores that. It runs on a Dispatch timer, outside Swift concurrency, so
/// that whatever holds the stop up (a task that ignores cancellation, a blocked executor) cannot
/// hold this up too. Work in hand is left as it would be by a crash: in the log, the outbox and the
/// timers, for the next start or another node.
final class ShutdownDeadline: Sendable {
    private enum State {
        case idle, armed, finished
    }

    private let limit: Duration
    private let embedded: EmbeddedPostgres?
    private let logger: Logger
    private let state = Mutex(State.idle)

    /// `limit`: the whole stop, the embedded PostgreSQL's included; the exit comes at 90% of it, which
    /// leaves time to stop that PostgreSQL.
    init(limit: Duration, embedded: EmbeddedPostgres?, logger: Logger) {
        self.limit = limit
        self.embedded = embedded
        self.logger = logger
    }

    /// Starts the clock (at the first call only).
    func arm() {
        let armed = state.withLock { state in
            guard case .idle = state else { return false }
            state = .armed
            return true
        }
        guard armed else { return }
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) * 1e-18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds * 0.9) { self.expire() }
    }

    /// The stop finished in time: the clock no longer matters.
    func disarm() {
        state.withLock { $0 = .finished }
    }

    private func expire() {
        let expired = state.withLock { state in
            guard case .armed = state else { return false }
            state = .finished
            return true
        }
        guard expired else { return }
        logger.critical(
            "the server did not stop within --shutdown-timeout; exiting now, leaving unfinished work for the next start",
            metadata: ["shutdown-timeout": "\(limit)"])
        embedded?.stop(.immediate)
        exit(EXIT_FAILURE)
    }
}

import Dispatch
import Foundation
import Logging
import ServiceLifecycle
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
    /// What the stop still waits for (services by name, then the steps after them), so that the
    /// last resort can say what held it up.
    private let waitingFor = Mutex<[String]>([])
    /// When the stop began: how long each service took to stop is logged at debug level.
    private let armedAt = Mutex<ContinuousClock.Instant?>(nil)

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
        armedAt.withLock { $0 = ContinuousClock.now }
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) * 1e-18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds * 0.9) { self.expire() }
    }

    /// `service`, reported by `name` while it runs. With `leftBehindAfter`, a service still running
    /// that long after it was told to stop (or cancelled) is left behind: the stop goes on without it.
    func tracking<Wrapped: Service>(_ service: Wrapped, as name: String, leftBehindAfter: Duration? = nil)
        -> some Service
    {
        Tracked(service, name: name, deadline: self, leftBehindAfter: leftBehindAfter)
    }

    fileprivate func leftBehind(_ name: String, after grace: Duration) {
        logger.warning(
            "a service did not stop when told to; the stop goes on without it",
            metadata: ["service": "\(name)", "waited": "\(grace)"])
    }

    fileprivate func began(_ name: String) {
        waitingFor.withLock { $0.append(name) }
    }

    fileprivate func ended(_ name: String) {
        waitingFor.withLock { names in
            if let index = names.firstIndex(of: name) { names.remove(at: index) }
        }
        if let armedAt = armedAt.withLock({ $0 }) {
            logger.debug(
                "service stopped", metadata: ["service": "\(name)", "after": "\(ContinuousClock.now - armedAt)"])
        }
    }

    /// A step of the stop after the services (closing clients, stopping PostgreSQL), reported until the next.
    func step(_ name: String) {
        waitingFor.withLock { $0 = [name] }
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
            metadata: [
                "shutdown-timeout": "\(limit)",
                "waiting-for": "\(waitingFor.withLock { $0.joined(separator: ", ") })",
            ])
        embedded?.stop(.immediate)
        exit(EXIT_FAILURE)
    }
}

/// A service that tells the deadline when it starts and when it has finished; with `leftBehindAfter`,
/// one that has not stopped that long after being told to is left behind (see `Abandonable`).
private struct Tracked<Wrapped: Service>: Service {
    let wrapped: Wrapped
    let name: String
    let deadline: ShutdownDeadline
    let leftBehindAfter: Duration?

    init(_ wrapped: Wrapped, name: String, deadline: ShutdownDeadline, leftBehindAfter: Duration?) {
        self.wrapped = wrapped
        self.name = name
        self.deadline = deadline
        self.leftBehindAfter = leftBehindAfter
    }

    func run() async throws {
        deadline.began(name)
        defer { deadline.ended(name) }
        guard let grace = leftBehindAfter else { return try await wrapped.run() }
        let wrapped = wrapped
        if try await Abandonable.run(grace: grace, { try await wrapped.run() }) == .leftBehind {
            deadline.leftBehind(name, after: grace)
        }
    }
}

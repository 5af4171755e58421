import ServiceLifecycle
import Synchronization

/// Runs a service's work so that a stop never waits on it for long.
///
/// PostgresNIO never answers a statement written to a connection that is going away (PostgreSQL
/// stopped or restarted under it), and nothing cancels that wait: a consumer caught in it ignores
/// both the graceful stop and cancellation, and would hold the whole stop until the last resort.
/// So the work runs as a task of its own: when the stop is asked for (or the caller cancelled), it
/// is told so as usual and given `grace` to end; after that the caller returns without it. What it
/// held is left as a crash leaves it: in the log, the outbox and the timers.
enum Abandonable {
    enum Ending: Equatable {
        case stopped, leftBehind
    }

    static func run(grace: Duration, _ work: @escaping @Sendable () async throws -> Void) async throws -> Ending {
        let outcome = Outcome()
        // Task-locals (the graceful-stop signal among them) go with the task.
        let running = Task { outcome.settle(await Result { try await work() }.map { .stopped }) }
        let watchdog = Task {
            try? await gracefulShutdown()
            try? await Task.sleep(for: grace)
            outcome.settle(.success(.leftBehind))
        }
        defer { watchdog.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            running.cancel()
            Task {
                try? await Task.sleep(for: grace)
                outcome.settle(.success(.leftBehind))
            }
        }
    }

    /// The first of the work's end and the grace's end.
    private final class Outcome: Sendable {
        private enum State {
            case waiting(CheckedContinuation<Ending, any Error>?)
            case settled(Result<Ending, any Error>)
        }
        private let state = Mutex(State.waiting(nil))

        func settle(_ result: Result<Ending, any Error>) {
            let waiter: CheckedContinuation<Ending, any Error>? = state.withLock { state in
                guard case .waiting(let waiter) = state else { return nil }
                state = .settled(result)
                return waiter
            }
            waiter?.resume(with: result)
        }

        func value() async throws -> Ending {
            try await withCheckedThrowingContinuation { continuation in
                let settled: Result<Ending, any Error>? = state.withLock { state in
                    switch state {
                    case .waiting:
                        state = .waiting(continuation)
                        return nil
                    case .settled(let result):
                        return result
                    }
                }
                if let settled { continuation.resume(with: settled) }
            }
        }
    }
}

/// Runs work with a time limit: past the limit the work is cancelled, and whatever it then comes to
/// (a value, or the error its cancellation caused) is what the caller gets.
///
/// The work is waited for even after the limit, never abandoned: a statement already sent to
/// PostgreSQL may have committed, and only its own answer says so. What cancellation interrupts is
/// waiting — for a pooled connection, or in the append queue — which is where an unreachable
/// database leaves a caller forever.
public enum Deadline {
    /// The outcome of `operation` and whether the limit passed before it finished.
    ///
    /// At `limit`, `keepWaiting` may grant more time, up to `longest` in all: a database that is
    /// slow but there is waited for longer than one that is gone.
    public static func run<T: Sendable>(
        _ limit: Duration, extendedTo longest: Duration? = nil,
        while keepWaiting: @escaping @Sendable () async -> Bool = { false },
        _ operation: () async throws -> T
    ) async -> (outcome: Result<T, any Error>, expired: Bool) {
        await withoutActuallyEscaping(operation) { operation in
            // Called once, from the one child task below, which ends before this function returns.
            let work = UncheckedWork(operation: operation)
            return await withTaskGroup(of: Step<T>.self) { group in
                group.addTask { .finished(await Result { try await work.operation() }) }
                group.addTask {
                    // A cancelled sleep means the work finished first.
                    guard (try? await Task.sleep(for: limit)) != nil else { return .timerCancelled }
                    if let longest, longest > limit, await keepWaiting() {
                        guard (try? await Task.sleep(for: longest - limit)) != nil else { return .timerCancelled }
                    }
                    return .expired
                }
                var expired = false
                while let step = await group.next() {
                    switch step {
                    case .finished(let outcome):
                        group.cancelAll()
                        return (outcome, expired)
                    case .expired:
                        expired = true
                        group.cancelAll()
                    case .timerCancelled:
                        continue
                    }
                }
                preconditionFailure("the work's child task always finishes")
            }
        }
    }

    private enum Step<T: Sendable>: Sendable {
        case finished(Result<T, any Error>)
        case expired
        case timerCancelled
    }

    private struct UncheckedWork<T>: @unchecked Sendable {
        let operation: () async throws -> T
    }
}

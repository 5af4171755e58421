/// Wakes waiting tasks: rung on every NOTIFY, waited on with a timeout (the polling fallback).
///
/// Rings coalesce: many notifications while nobody waits mean one more pass, not many. A ring wakes
/// every waiter (the delivery lanes wait together).
public actor Doorbell {
    private var rung = false
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextId = 0

    public init() {}

    public func ring() {
        guard !waiters.isEmpty else {
            rung = true
            return
        }
        let woken = waiters
        waiters = [:]
        for continuation in woken.values { continuation.resume() }
    }

    /// Returns when rung (or at once if rung meanwhile), after `timeout`, or when the task is
    /// cancelled: a stopping server must not wait out the polling interval of every waiter in turn.
    public func wait(timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        nextId += 1
        let id = nextId
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Cancelled before waiting: the handler below has already run, and found no waiter.
                guard !Task.isCancelled else { return continuation.resume() }
                waiters[id] = continuation
                Task {
                    try? await Task.sleep(for: timeout)
                    self.expire(id)
                }
            }
        } onCancel: {
            Task { await self.expire(id) }
        }
    }

    private func expire(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }
}

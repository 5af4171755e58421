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

    /// Returns when rung (or at once if rung meanwhile), or after `timeout`.
    public func wait(timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        nextId += 1
        let id = nextId
        await withCheckedContinuation { continuation in
            waiters[id] = continuation
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }
}

/// Wakes a waiting consumer: rung on every NOTIFY, waited on with a timeout (the polling fallback).
///
/// Rings coalesce: many notifications while the consumer is busy mean one more pass, not many.
actor Doorbell {
    private var rung = false
    private var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    private var nextId = 0

    func ring() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            rung = true
        }
    }

    /// Returns when rung (or at once if rung meanwhile), or after `timeout`.
    func wait(timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        nextId += 1
        let id = nextId
        await withCheckedContinuation { continuation in
            waiter = (id, continuation)
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume()
    }
}

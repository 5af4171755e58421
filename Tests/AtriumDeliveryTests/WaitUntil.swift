import Testing

/// Waits for `condition`, checking every 25 ms; past `timeout` the test records why and stops. The
/// default is generous: the whole suite runs at once on two cores, and only a failure waits it out.
func waitUntil(timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(25))
    }
}

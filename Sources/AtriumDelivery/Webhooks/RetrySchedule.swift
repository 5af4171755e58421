import Foundation

/// Event Grid's delivery rules: which answers are final, and when to try again.
public enum RetrySchedule {
    /// Event Grid's: after the 1st, 2nd, … failed attempt; then every 12 hours.
    public static let eventGridDelays: [Duration] = [
        .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(600), .seconds(1_800), .seconds(3_600),
        .seconds(10_800), .seconds(21_600),
    ]

    /// What an attempt's answer means.
    public enum Verdict: Equatable, Sendable {
        case delivered
        /// Not worth trying again (400, 401, 403, 413): dead-lettered at once.
        case rejected
        case retry(after: Duration)
    }

    /// - Parameters:
    ///   - status: the HTTP status, nil when there was no answer (connection refused, timeout).
    ///   - attempt: 1 for the first attempt.
    ///   - retryAfter: the answer's Retry-After, in seconds, when it had one.
    ///   - jitter: a number in 0..<1 (random in production), spreading retries over up to +20%.
    ///   - delays: the schedule (shorter ones in tests).
    public static func verdict(
        status: Int?, attempt: Int, retryAfter: Duration?, jitter: Double, delays: [Duration] = eventGridDelays
    ) -> Verdict {
        if let status, (200...204).contains(status) { return .delivered }
        if let status, [400, 401, 403, 413].contains(status) { return .rejected }
        if let retryAfter, retryAfter > .zero { return .retry(after: retryAfter) }
        let delay = delay(afterFailure: attempt, jitter: jitter, delays: delays)
        switch status {
        case 408: return .retry(after: max(delay, .seconds(120)))
        case 503: return .retry(after: max(delay, .seconds(30)))
        default: return .retry(after: delay)
        }
    }

    /// The wait after the `failure`th failure in a row (1 for the first), up to 20% longer.
    public static func delay(afterFailure failure: Int, jitter: Double, delays: [Duration] = eventGridDelays)
        -> Duration
    {
        let base: Duration = failure > delays.count || delays.isEmpty ? .seconds(43_200) : delays[max(failure, 1) - 1]
        return base * (1 + 0.2 * jitter)
    }

    /// Retry-After as seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return .seconds(max(seconds, 0)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(max(Int64(date.timeIntervalSince(now) * 1000), 0))
    }
}

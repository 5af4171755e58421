import Foundation
import Synchronization

/// Which endpoints are failing, so that the log tells when one starts failing and when it recovers,
/// not every failed attempt: an endpoint down for a day is retried hundreds of times.
///
/// A failure here is an attempt the endpoint is to blame for: no answer, or an answer that asks for a
/// retry (5xx, 429, …). A rejected event (a 4xx) says nothing about the endpoint and neither starts
/// nor ends a failing spell; a delivery ends it.
///
/// Asked once per attempt, on the delivery's path: a lock held for a dictionary lookup, not an
/// actor's hop.
final class EndpointHealth: Sendable {
    /// A change worth a log line.
    enum Change: Sendable, Equatable {
        /// The first failure after success (or since the node started), and why.
        case startedFailing(reason: String, outcome: String)
        /// The first delivery after `failures` failed attempts, `since` the first of them.
        case recovered(failures: Int, since: Date, lastReason: String)
    }

    private struct Spell {
        var since: Date
        var failures: Int
        var lastReason: String
    }

    private let failing = Mutex<[String: Spell]>([:])

    /// Records how an attempt at `endpoint` ended; returns the change it makes, if any.
    func attempted(_ endpoint: String, verdict: RetrySchedule.Verdict, result: DeliveryAttempt.Result, now: Date)
        -> Change?
    {
        failing.withLock { failing in
            switch verdict {
            case .delivered:
                guard let spell = failing.removeValue(forKey: endpoint) else { return nil }
                return .recovered(failures: spell.failures, since: spell.since, lastReason: spell.lastReason)
            case .rejected:
                return nil
            case .retry:
                if var spell = failing[endpoint] {
                    spell.failures += 1
                    spell.lastReason = result.reason
                    failing[endpoint] = spell
                    return nil
                }
                failing[endpoint] = Spell(since: now, failures: 1, lastReason: result.reason)
                return .startedFailing(reason: result.reason, outcome: result.outcome)
            }
        }
    }
}

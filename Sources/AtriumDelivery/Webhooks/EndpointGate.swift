import Foundation

/// What a node has open at each endpoint, and which endpoints are resting after a failure: the
/// claims ask it how much each endpoint may take, the attempts tell it how they ended.
///
/// An endpoint that gives no answer (refused, reset, timed out) rests as a whole, for as long as a
/// failed event waits before its retry (growing with each failed round), then gets one attempt at a
/// time until one is answered. Any answer, even an error status, ends that: the endpoint is up, and
/// each event follows its own schedule. The rest is also written to the outbox (the endpoint's due
/// rows are postponed), so that the other nodes hold back too.
actor EndpointGate {
    private struct Endpoint {
        var inFlight = 0
        /// Failed rounds in a row; more than zero means one attempt at a time.
        var failedRounds = 0
        var restingUntil: Date?
    }

    private let settings: DeliverySettings
    private var endpoints: [String: Endpoint] = [:]
    private var inFlight = 0

    init(settings: DeliverySettings) {
        self.settings = settings
    }

    /// How much the next claim may take; nothing (zero rows) when the node is at its limit.
    func limits(now: Date) -> Outbox.ClaimLimits {
        var limits = Outbox.ClaimLimits(
            rows: inFlight < settings.maxAttemptsInFlight ? settings.claimSize : 0,
            requestsPerEndpoint: settings.maxAttemptsPerEndpoint, lease: settings.lease)
        for (name, endpoint) in endpoints {
            let free = (endpoint.failedRounds > 0 ? 1 : settings.maxAttemptsPerEndpoint) - endpoint.inFlight
            if free <= 0 || (endpoint.restingUntil.map { $0 > now } ?? false) {
                limits.excluded.append(name)
            } else if free < settings.maxAttemptsPerEndpoint {
                limits.slots[name] = free
            }
        }
        return limits
    }

    func started(_ endpoint: String) {
        endpoints[endpoint, default: Endpoint()].inFlight += 1
        inFlight += 1
    }

    /// How an attempt's end changes what may be claimed.
    struct Release: Sendable {
        /// Until when the endpoint rests, when this failure starts a rest (failures of attempts
        /// that were open meanwhile belong to the same round).
        var rest: Date?
        /// Whether the end freed a share that was full (the endpoint's or the node's): rows that
        /// were left unclaimed may be claimed now.
        var freedAFullShare: Bool
    }

    /// Records how an attempt ended.
    func finished(_ endpoint: String, answered: Bool, jitter: Double, now: Date) -> Release {
        var state = endpoints[endpoint, default: Endpoint()]
        let share = state.failedRounds > 0 ? 1 : settings.maxAttemptsPerEndpoint
        let wasFull = state.inFlight >= share || inFlight >= settings.maxAttemptsInFlight
        inFlight -= 1
        state.inFlight -= 1
        var rest: Date?
        if answered {
            state.failedRounds = 0
            state.restingUntil = nil
        } else if state.restingUntil.map({ $0 <= now }) ?? true {
            state.failedRounds += 1
            let delay = RetrySchedule.delay(
                afterFailure: state.failedRounds, jitter: jitter, delays: settings.retryDelays)
            rest = now.addingTimeInterval(delay.seconds)
            state.restingUntil = rest
        }
        endpoints[endpoint] = state.inFlight == 0 && state.failedRounds == 0 ? nil : state
        return Release(rest: rest, freedAFullShare: wasFull)
    }
}

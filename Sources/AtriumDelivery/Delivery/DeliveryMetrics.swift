import CoreMetrics
import Foundation

/// Per-subscription delivery figures, through swift-metrics (exported by whatever backend the
/// process bootstraps; `atrium serve` serves Prometheus text at /metrics).
public struct DeliveryMetrics: Sendable {
    public init() {}

    func attempted(_ batch: DeliveryBatch, result: DeliveryAttempt.Result, verdict: RetrySchedule.Verdict, now: Date) {
        let name = batch.subscription.name
        switch verdict {
        case .delivered:
            Counter(label: "atrium_deliveries_delivered_total", dimensions: [("subscription", name)])
                .increment(by: batch.rows.count)
            let latency = Timer(label: "atrium_delivery_latency_seconds", dimensions: [("subscription", name)])
            for row in batch.rows {
                latency.recordNanoseconds(Int64(max(now.timeIntervalSince(row.committedAt), 0) * 1e9))
            }
        case .rejected, .retry:
            let reason = result.status.map { "http_\($0)" } ?? (result.outcome == "timeout" ? "timeout" : "no_answer")
            Counter(
                label: "atrium_delivery_failed_attempts_total",
                dimensions: [("subscription", name), ("reason", reason)]
            ).increment(by: batch.rows.count)
        }
    }

    func deadLettered(_ subscription: String, reason: String, kept: Bool) {
        Counter(
            label: kept ? "atrium_deliveries_dead_lettered_total" : "atrium_deliveries_dropped_total",
            dimensions: [("subscription", subscription), ("reason", reason)]
        ).increment()
    }
}

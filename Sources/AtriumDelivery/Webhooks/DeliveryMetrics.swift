import CoreMetrics
import Foundation

/// Delivery figures by subscription, through swift-metrics (exported by whatever backend the
/// process bootstraps; `atrium serve` serves Prometheus text at /metrics, with the help texts of
/// its `MetricFamilies`).
///
/// Call connections' callbacks count together under `subscription="callback:*"`: each connection
/// is an endpoint of its own, and a series per connection would grow without end. (A colon is in no
/// subscription's name, so the label never merges a subscription's figures with the callbacks'.)
public struct DeliveryMetrics: Sendable {
    /// The `subscription` label of every call connection's callbacks.
    public static let callbacksLabel = "callback:*"

    public init() {}

    func attempted(_ batch: DeliveryBatch, result: DeliveryAttempt.Result, verdict: RetrySchedule.Verdict, now: Date) {
        let name = Self.label(of: batch)
        switch verdict {
        case .delivered:
            Counter(label: "atrium_deliveries_delivered_total", dimensions: [("subscription", name)])
                .increment(by: batch.rows.count)
            let latency = Timer(label: "atrium_delivery_latency_seconds", dimensions: [("subscription", name)])
            for row in batch.rows {
                latency.recordNanoseconds(Int64(max(now.timeIntervalSince(row.committedAt), 0) * 1e9))
            }
        case .rejected, .retry:
            Counter(
                label: "atrium_delivery_failed_attempts_total",
                dimensions: [("subscription", name), ("reason", result.reason)]
            ).increment(by: batch.rows.count)
        }
    }

    func deadLettered(_ batch: DeliveryBatch, reason: String, kept: Bool) {
        Counter(
            label: kept ? "atrium_deliveries_dead_lettered_total" : "atrium_deliveries_dropped_total",
            dimensions: [("subscription", Self.label(of: batch)), ("reason", reason)]
        ).increment()
    }

    private static func label(of batch: DeliveryBatch) -> String {
        batch.isCallback ? callbacksLabel : batch.subscription.name
    }
}

/// Every metric family `atrium serve` exports, with the help text `/metrics` gives it (`# HELP`).
///
/// The metrics are made where they are counted, through swift-metrics, which carries no help
/// text; `DocumentedMetricsFactory` finds it here. A family missing from this list is exported
/// without `# HELP`, which the conformance suite's `/metrics` test refuses.
enum MetricFamilies {
    static let help: [String: String] = [
        // Commands (AtriumApplication's CommandMetrics).
        "atrium_commands_total":
            "Commands handled, by command and outcome (appended, unchanged, replayed, refused, failed).",
        "atrium_command_conflicts_total":
            "Commands decided again because another writer appended to the stream first, by command.",
        "atrium_append_duration_seconds": "Time to append a command's events to the log.",
        // Delivery (AtriumDelivery's DeliveryMetrics); call connections' callbacks are
        // subscription="callback:*".
        "atrium_deliveries_delivered_total": "Events delivered, by subscription.",
        "atrium_delivery_latency_seconds": "Time from an event's commit to its delivery, by subscription.",
        "atrium_delivery_failed_attempts_total":
            "Events in failed delivery attempts, by subscription and reason: http_<status>, or dns, refused, tls, "
            + "timeout, connection when no answer came.",
        "atrium_deliveries_dead_lettered_total": "Events dead-lettered, by subscription and dead-letter reason.",
        "atrium_deliveries_dropped_total":
            "Events given up without a dead letter (dead-lettering off), by subscription and reason.",
        // Sampled from the database (AtriumDelivery's PublishingGauges).
        "atrium_outbox_queued_events": "Deliveries pending in the outbox, by subscription.",
        "atrium_outbox_dead_letters": "Dead letters in the outbox, by subscription.",
        "atrium_consumer_lag_events": "Events of the log a consumer has not read yet, by consumer.",
        "atrium_oldest_transaction_age_seconds":
            "Age of the database's oldest open transaction; the log's readers wait behind it.",
        "atrium_rebuild_running": "1 while a rebuild or verify of this kind runs, else 0.",
        "atrium_rebuild_events_done": "Events a rebuild or verify has gone through.",
        "atrium_rebuild_events_total": "Events a rebuild or verify has to go through.",
    ]
}

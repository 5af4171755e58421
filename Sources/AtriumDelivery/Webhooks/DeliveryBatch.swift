import AtriumDomain
import Foundation

/// The rows sent in one request: one event, or up to the subscription's batch limits.
struct DeliveryBatch: Sendable {
    var subscription: EventSubscription
    var rows: [Outbox.Claimed]

    /// Where it goes: its rows share their endpoint.
    var endpoint: String { rows.first?.endpoint ?? subscription.name }

    /// A call connection's callback (addressed to its callback URI), not a subscription's event.
    var isCallback: Bool { rows.first?.destination != nil }

    /// The attempt number the receiver sees (`aeg-delivery-count` is this minus one).
    var attempt: Int { rows.map(\.attempts).max() ?? 1 }

    var body: String { DeliveryEnvelope.batch(rows.map(\.payload)) }

    /// The Standard Webhooks message id: the event's id, or one derived from all of them.
    var messageId: String {
        if rows.count == 1 { return rows[0].eventId.uuidString.lowercased() }
        return NameBasedUUID.make("batch/" + rows.map { $0.eventId.uuidString.lowercased() }.joined(separator: ","))
            .uuidString.lowercased()
    }

    /// Splits a subscription's claimed rows by maxEventsPerBatch and preferredBatchSizeInKilobytes
    /// (an event larger than the preferred size still goes, alone).
    static func make(_ rows: [Outbox.Claimed], for subscription: EventSubscription) -> [DeliveryBatch] {
        let maxEvents = max(subscription.batching.maxEventsPerBatch, 1)
        let maxBytes = subscription.batching.preferredBatchSizeInKilobytes * 1024
        var batches: [DeliveryBatch] = []
        var current: [Outbox.Claimed] = []
        var bytes = 0
        for row in rows {
            let size = row.payload.utf8.count + 1
            if !current.isEmpty && (current.count == maxEvents || bytes + size > maxBytes) {
                batches.append(DeliveryBatch(subscription: subscription, rows: current))
                current = []
                bytes = 0
            }
            current.append(row)
            bytes += size
        }
        if !current.isEmpty { batches.append(DeliveryBatch(subscription: subscription, rows: current)) }
        return batches
    }
}

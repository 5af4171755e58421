import Logging

/// Writes each attempt's outcome to the outbox as soon as the attempt ends, without one write per
/// attempt under load: what ends while a write is under way goes into the next one (as the log's
/// appends are grouped).
///
/// A write that fails leaves its rows leased: they come due again when the lease ends
/// (at-least-once).
actor OutcomeRecorder {
    private let outbox: Outbox
    private var pending = Outbox.Outcomes()
    private var isWriting = false

    init(outbox: Outbox) {
        self.outbox = outbox
    }

    /// Returns once `outcomes` are written, or handed to the write under way (which the caller
    /// of that write awaits).
    func record(_ outcomes: Outbox.Outcomes) async {
        pending.append(outcomes)
        guard !isWriting else { return }
        isWriting = true
        defer { isWriting = false }
        while !pending.isEmpty {
            let batch = pending
            pending = Outbox.Outcomes()
            do {
                try await outbox.record(batch)
            } catch {
                outbox.logger.warning(
                    "delivery outcomes not recorded; the rows come due again when their lease ends",
                    metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}

import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation
import Logging

/// Records what a gateway learns as it happens (a SIP answer, a far end's BYE, a tone heard, a
/// prompt played out) as a progress command on the call, with the carrier as actor and the log
/// event that caused it.
///
/// The network does not wait for the database: a report that cannot be recorded (PostgreSQL away)
/// is tried again for a while, then logged and given up. The decider ignores a report whose
/// subject is gone, so a report recorded late or twice changes nothing.
public struct CarrierReporter: Sendable {
    let calls: CommandHandler<CallDecider>
    let actor: String
    let logger: Logger
    /// How long a report is tried before it is given up.
    let patience: Duration

    public init(store: EventStore, actor: String, patience: Duration = .seconds(60)) {
        self.calls = CommandHandler(store: store, maxAttempts: 32)
        self.actor = actor
        self.logger = store.logger
        self.patience = patience
    }

    public func report(_ progress: CallProgress, on callId: String, cause: CarrierCause) async {
        let giveUpAt = ContinuousClock.now + patience
        var pause = Duration.milliseconds(100)
        while true {
            do {
                try await calls.record(
                    progress, on: callId, actor: actor, correlationId: cause.correlationId,
                    causationId: cause.causationId, at: Timestamp.normalized(Date()))
                return
            } catch {
                guard !Task.isCancelled, ContinuousClock.now + pause < giveUpAt else {
                    logger.error(
                        "carrier report not recorded",
                        metadata: [
                            "call": "\(callId)", "report": "\(progress.commandName)",
                            "error": "\(String(reflecting: error))",
                        ])
                    return
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
    }
}

import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation

extension CommandHandler where D == CallDecider {
    /// Records what the network or the media clock reports as a `progress` command on its call, with
    /// the reporter as actor and the log event that caused the report.
    func record(
        _ progress: CallProgress, on callId: String, actor: String, correlationId: UUID, causationId: UUID,
        at now: Date
    ) async throws {
        let command = CallCommand.progress(progress, now: now)
        let context = CommandContext(actor: actor, correlationId: correlationId, causationId: causationId, now: now)
        _ = try await execute(command, named: command.name, on: StreamName.call(callId).streamId, context: context)
    }
}

import AtriumDomain
import Foundation

/// A report about a call that is due later: a phone answering, a play ending, a wait running out.
public struct CallTimer: Sendable, Equatable {
    /// Unique: the causing event and the purpose, so that scheduling again (a policy's batch
    /// retried after a crash) adds nothing.
    public var key: String
    public var callId: String
    public var dueAt: Date
    public var progress: CallProgress
    /// Who reports it, as the audit trail shows (`carrier:simulated`, `policy:media`).
    public var actor: String
    public var correlationId: UUID
    /// The log event that made it due.
    public var causationId: UUID

    public init(
        key: String, callId: String, dueAt: Date, progress: CallProgress, actor: String, correlationId: UUID,
        causationId: UUID
    ) {
        self.key = key
        self.callId = callId
        self.dueAt = dueAt
        self.progress = progress
        self.actor = actor
        self.correlationId = correlationId
        self.causationId = causationId
    }
}

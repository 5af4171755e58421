import AtriumDomain
import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// The `call_timers` table: scheduled in a policy's transaction, claimed when due by any node.
public struct CallTimers: Sendable {
    public static let channel = "atrium_timers"
    /// A claimed timer is someone's for this long; a node that dies holding it leaves it to fire
    /// again (harmless: the decider ignores reports about what is no longer pending).
    static let lease = Duration.seconds(30)

    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Adds timers in `transaction` (a timer already scheduled under its key is left as it is) and
    /// wakes the timer services when it commits.
    public static func schedule(_ timers: [CallTimer], on transaction: PostgresConnection, logger: Logger) async throws
    {
        guard !timers.isEmpty else { return }
        let progress = try timers.map { String(decoding: try EventJSON.encode($0.progress), as: UTF8.self) }
        let query: PostgresQuery = """
            INSERT INTO call_timers (timer_key, call_id, due_at, progress, actor, correlation_id, causation_id)
            SELECT * FROM unnest(\(timers.map(\.key))::text[], \(timers.map(\.callId))::text[],
                                 \(timers.map(\.dueAt))::timestamptz[], \(progress)::jsonb[],
                                 \(timers.map(\.actor))::text[], \(timers.map(\.correlationId))::uuid[],
                                 \(timers.map(\.causationId))::uuid[])
            ON CONFLICT (timer_key) DO NOTHING
            """
        try await transaction.query(query, logger: logger)
        try await transaction.query("SELECT pg_notify(\(Self.channel), '')", logger: logger)
    }

    /// A timer claimed for firing.
    public struct Claimed: Sendable {
        public var id: Int64
        public var timer: CallTimer
    }

    /// Due timers, earliest first, leased to this node.
    func claimDue(limit: Int) async throws -> [Claimed] {
        let leaseSeconds = Int(Self.lease.components.seconds)
        let query: PostgresQuery = """
            UPDATE call_timers t
               SET due_at = now() + make_interval(secs => \(leaseSeconds)), attempts = t.attempts + 1
              FROM (SELECT id, due_at FROM call_timers WHERE due_at <= now()
                     ORDER BY due_at LIMIT \(limit) FOR UPDATE SKIP LOCKED) AS due
             WHERE t.id = due.id
            RETURNING t.id, t.timer_key, t.call_id, due.due_at, t.progress::text, t.actor, t.correlation_id,
                      t.causation_id
            """
        var claimed: [Claimed] = []
        for try await (id, key, callId, dueAt, progress, actor, correlationId, causationId) in try await client.query(
            query, logger: logger
        ).decode((Int64, String, String, Date, String, String, UUID, UUID).self) {
            let timer = CallTimer(
                key: key, callId: callId, dueAt: dueAt, progress: try EventJSON.decode(Data(progress.utf8)),
                actor: actor, correlationId: correlationId, causationId: causationId)
            claimed.append(Claimed(id: id, timer: timer))
        }
        return claimed.sorted { $0.timer.dueAt < $1.timer.dueAt }
    }

    func delete(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await client.query("DELETE FROM call_timers WHERE id = ANY(\(ids)::int8[])", logger: logger)
    }

    /// How long until the next timer is due (nil when none is scheduled).
    func untilNextDue() async throws -> Duration? {
        let rows = try await client.query(
            "SELECT EXTRACT(EPOCH FROM (min(due_at) - now()))::float8 FROM call_timers", logger: logger)
        for try await seconds in rows.decode(Double?.self) {
            return seconds.map { .milliseconds(Int64(max($0, 0) * 1_000)) }
        }
        return nil
    }
}

import Foundation
import Logging
import PostgresNIO

/// The leases of the phone legs nodes carry (table `phone_leg_leases`): taken before a leg is
/// dialled, renewed while its node runs, released when it ends, and taken over from a node that
/// stopped renewing (it died).
struct PhoneLegLeases: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// This process: its leases are its legs.
    let node: UUID

    /// A leg whose node stopped renewing its lease, now in the hands of the node that took it over.
    struct Orphan: Sendable {
        let legId: String
        let callId: String
        let rawId: String
        let answered: Bool
        let correlationId: UUID
        let causationId: UUID
    }

    /// Takes the lease of a leg about to be dialled; false when some node already dialled it (a
    /// dial retried after a crash: it is not placed twice).
    func take(legId: String, callId: String, rawId: String, correlationId: UUID, causationId: UUID) async throws
        -> Bool
    {
        let rows = try await client.query(
            """
            INSERT INTO phone_leg_leases (leg_id, call_id, raw_id, node, correlation_id, causation_id)
            VALUES (\(legId), \(callId), \(rawId), \(node), \(correlationId), \(causationId))
            ON CONFLICT (leg_id) DO NOTHING RETURNING leg_id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    func markAnswered(legId: String) async throws {
        try await client.query(
            "UPDATE phone_leg_leases SET answered = true WHERE leg_id = \(legId)", logger: logger)
    }

    func release(legId: String) async throws {
        try await client.query("DELETE FROM phone_leg_leases WHERE leg_id = \(legId)", logger: logger)
    }

    /// Every lease of this node, renewed.
    func renew() async throws {
        try await client.query(
            "UPDATE phone_leg_leases SET renewed_at = now() WHERE node = \(node)", logger: logger)
    }

    /// Takes the leases not renewed for `after` (their node died) and returns their legs, to be
    /// ended in the log; each is taken by one node only.
    func takeOver(notRenewedFor after: Duration) async throws -> [Orphan] {
        let seconds = Double(after.components.seconds)
        let rows = try await client.query(
            """
            DELETE FROM phone_leg_leases WHERE leg_id IN (
                SELECT leg_id FROM phone_leg_leases
                 WHERE renewed_at < now() - make_interval(secs => \(seconds))
                 FOR UPDATE SKIP LOCKED)
            RETURNING leg_id, call_id, raw_id, answered, correlation_id, causation_id
            """, logger: logger)
        var orphans: [Orphan] = []
        for try await (legId, callId, rawId, answered, correlationId, causationId) in rows.decode(
            (String, String, String, Bool, UUID, UUID).self)
        {
            orphans.append(
                Orphan(
                    legId: legId, callId: callId, rawId: rawId, answered: answered, correlationId: correlationId,
                    causationId: causationId))
        }
        return orphans
    }
}

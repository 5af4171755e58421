import AtriumStore
import Foundation
import Logging
import PostgresNIO

/// The outbox table: rows waiting for delivery, and dead letters.
///
/// A worker claims due rows with `FOR UPDATE SKIP LOCKED` and leases them (moves `due_at` past the
/// delivery timeout), so nodes share the work without holding a transaction over HTTP; a node that
/// dies mid-delivery leaves its rows to come due again when the lease ends (at-least-once).
public struct Outbox: Sendable {
    public static let channel = "atrium_outbox"

    public let client: PostgresClient
    public let logger: Logger

    /// Begins the workers' statements (each names `async` among its tables): their commits do not
    /// wait for the disk. A claim or an outcome lost in a crash of PostgreSQL only means that its
    /// row is delivered again (at-least-once), and on a busy disk that wait (one WAL flush per
    /// statement) was most of a claim's time, on every delivery's way.
    static let withoutWaitingForTheDisk =
        "WITH async AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))"

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A row claimed for one delivery attempt.
    public struct Claimed: Sendable {
        public var id: Int64
        public var subscription: String
        public var eventId: UUID
        public var payload: String
        /// Including this attempt.
        public var attempts: Int
        public var committedAt: Date
        /// Where its time to live counts from: the commit, or the last redrive.
        public var liveSince: Date
        /// A call connection's callback URI; nil for a subscription's event.
        public var destination: String?

        /// Where it goes, as far as keeping endpoints apart is concerned: its subscription, or its
        /// callback URI (shared by the connections that gave the same one).
        public var endpoint: String { destination ?? subscription }
    }

    /// How much one claim may take, so that no endpoint gets more than its share.
    struct ClaimLimits: Sendable {
        /// Rows in all.
        var rows: Int
        /// Requests one endpoint may be sent (times its batch size in rows), unless `slots` says less.
        var requestsPerEndpoint: Int
        /// Endpoints with fewer free requests: some in flight already, or failing (one probe).
        var slots: [String: Int] = [:]
        /// Endpoints that get nothing now: full, or resting after a failure.
        var excluded: [String] = []
        var lease: Duration
    }

    /// Due rows of validated subscriptions, and call connections' callbacks, oldest first within
    /// each endpoint's share, leased to this worker. A subscription's rows wait until the fan-out
    /// has passed its creation: rows left by an earlier subscription of the same name, deleted
    /// since, are purged by then (FanOut), never delivered to this one. Retried rows come first
    /// within an endpoint: a failing endpoint's probe is its oldest failure, which moves on towards
    /// its dead letter. A
    /// callback waits while an earlier one of its connection is pending (in flight or waiting to be
    /// retried): a connection hears its callbacks in order.
    func claim(_ limits: ClaimLimits) async throws -> [Claimed] {
        let leaseSeconds = Double(limits.lease.components.seconds)
        // Only the first due rows are ranked (an excluded endpoint's backlog is skipped first), so a
        // claim costs the same whatever waits behind.
        let scan = limits.rows * 4
        let slotEndpoints = Array(limits.slots.keys)
        let slotCounts = slotEndpoints.map { Int32(limits.slots[$0] ?? 0) }
        let query: PostgresQuery = """
            \(unescaped: Self.withoutWaitingForTheDisk)
            UPDATE outbox o
               SET due_at = now() + make_interval(secs => \(leaseSeconds)), attempts = o.attempts + 1,
                   last_attempt_at = now()
              FROM async, (SELECT l.id FROM outbox l
                     WHERE l.id = ANY(ARRAY(
                             SELECT r.id
                               FROM (SELECT d.id, d.due_at, d.endpoint, d.per_request,
                                            row_number() OVER (PARTITION BY d.endpoint
                                                               ORDER BY d.attempts DESC, d.due_at, d.id) AS n
                                       FROM (SELECT c.id, c.due_at, c.attempts,
                                                    COALESCE(c.destination, c.subscription) AS endpoint,
                                                    GREATEST(COALESCE((s.definition->'batching'->>'maxEventsPerBatch')::int,
                                                                      1), 1) AS per_request
                                               FROM outbox c
                                               LEFT JOIN event_subscriptions s ON s.name = c.subscription
                                               LEFT JOIN consumer_checkpoints f ON f.consumer = \(FanOut.consumerName)
                                              WHERE c.state = 'pending' AND c.due_at <= now()
                                                AND COALESCE(c.destination, c.subscription) <> ALL(\(limits.excluded)::text[])
                                                AND (s.validation_code IS NULL AND s.name IS NOT NULL
                                                     AND (f.transaction_id, f.global_position)
                                                         >= (s.created_transaction_id, s.created_position)
                                                     OR c.destination IS NOT NULL
                                                        AND NOT EXISTS (SELECT 1 FROM outbox p
                                                                         WHERE p.subscription = c.subscription
                                                                           AND p.state = 'pending' AND p.id < c.id))
                                              ORDER BY c.due_at
                                              LIMIT \(scan)) AS d) AS r
                               LEFT JOIN unnest(\(slotEndpoints)::text[], \(slotCounts)::int4[]) AS f(endpoint, slots)
                                      ON f.endpoint = r.endpoint
                              WHERE r.n <= COALESCE(f.slots, \(limits.requestsPerEndpoint)) * r.per_request
                              ORDER BY r.due_at
                              LIMIT \(limits.rows)))
                       AND l.state = 'pending' AND l.due_at <= now()
                     FOR UPDATE OF l SKIP LOCKED) AS due
             WHERE o.id = due.id
            RETURNING o.id, o.subscription, o.event_id, o.payload, o.attempts, o.committed_at,
                      COALESCE(o.redriven_at, o.committed_at), o.destination
            """
        var claimed: [Claimed] = []
        for try await (id, subscription, eventId, payload, attempts, committedAt, liveSince, destination)
            in try await client.query(query, logger: logger).decode(
                (Int64, String, UUID, String, Int32, Date, Date, String?).self)
        {
            claimed.append(
                Claimed(
                    id: id, subscription: subscription, eventId: eventId, payload: payload, attempts: Int(attempts),
                    committedAt: committedAt, liveSince: liveSince, destination: destination))
        }
        return claimed.sorted { $0.id < $1.id }
    }

    /// What became of attempted rows, written in one statement per kind.
    struct Outcomes: Sendable {
        var delivered: [Int64] = []
        var retried: [(id: Int64, dueAt: Date, outcome: String, lastReason: String)] = []
        var dead: [(id: Int64, outcome: String, lastReason: String, reason: String)] = []
        var dropped: [Int64] = []
        /// Endpoints resting after a failure: their other rows wait until then.
        var postponed: [(endpoint: String, until: Date)] = []

        var isEmpty: Bool {
            delivered.isEmpty && retried.isEmpty && dead.isEmpty && dropped.isEmpty && postponed.isEmpty
        }

        mutating func append(_ other: Outcomes) {
            delivered += other.delivered
            retried += other.retried
            dead += other.dead
            dropped += other.dropped
            postponed += other.postponed
        }
    }

    func record(_ outcomes: Outcomes) async throws {
        let removed = outcomes.delivered + outcomes.dropped
        if !removed.isEmpty {
            try await client.query(
                "\(unescaped: Self.withoutWaitingForTheDisk) DELETE FROM outbox USING async WHERE id = ANY(\(removed)::int8[])",
                logger: logger)
        }
        if !outcomes.retried.isEmpty {
            let query: PostgresQuery = """
                \(unescaped: Self.withoutWaitingForTheDisk)
                UPDATE outbox o SET due_at = r.due_at, last_outcome = r.outcome, last_reason = r.last_reason
                  FROM async, unnest(\(outcomes.retried.map(\.id))::int8[], \(outcomes.retried.map(\.dueAt))::timestamptz[],
                              \(outcomes.retried.map(\.outcome))::text[], \(outcomes.retried.map(\.lastReason))::text[])
                              AS r(id, due_at, outcome, last_reason)
                 WHERE o.id = r.id
                """
            try await client.query(query, logger: logger)
        }
        if !outcomes.dead.isEmpty {
            let query: PostgresQuery = """
                \(unescaped: Self.withoutWaitingForTheDisk)
                UPDATE outbox o SET state = 'dead', dead_at = now(), last_outcome = d.outcome,
                                    last_reason = d.last_reason, dead_reason = d.reason
                  FROM async, unnest(\(outcomes.dead.map(\.id))::int8[], \(outcomes.dead.map(\.outcome))::text[],
                              \(outcomes.dead.map(\.lastReason))::text[], \(outcomes.dead.map(\.reason))::text[])
                              AS d(id, outcome, last_reason, reason)
                 WHERE o.id = d.id
                """
            try await client.query(query, logger: logger)
        }
        // After the retries: a failed row due before its endpoint's rest waits for it too. Rows in
        // flight elsewhere are moved as well; their own outcome overwrites it.
        if !outcomes.postponed.isEmpty {
            let query: PostgresQuery = """
                \(unescaped: Self.withoutWaitingForTheDisk)
                UPDATE outbox o SET due_at = p.until
                  FROM async, unnest(\(outcomes.postponed.map(\.endpoint))::text[],
                              \(outcomes.postponed.map(\.until))::timestamptz[]) AS p(endpoint, until)
                 WHERE o.state = 'pending' AND o.due_at < p.until
                   AND (o.destination IS NULL AND o.subscription = p.endpoint OR o.destination = p.endpoint)
                """
            try await client.query(query, logger: logger)
        }
    }

    // MARK: Operators

    /// A row as `atrium outbox list` shows it.
    public struct Entry: Sendable, Codable {
        public var id: Int64
        public var subscription: String
        /// Lower case, as deliveries carry it.
        public var eventId: String
        public var eventType: String
        public var subject: String
        public var state: String
        public var attempts: Int
        public var dueAt: Date
        public var committedAt: Date
        public var lastAttemptAt: Date?
        public var lastOutcome: String?
        /// Why the last attempt failed: `http_<status>`, `dns`, `refused`, `tls`, `timeout` or
        /// `connection`.
        public var lastReason: String?
        public var deadReason: String?
        public var deadAt: Date?
    }

    public func list(dead: Bool, subscription: String?, limit: Int) async throws -> [Entry] {
        let query: PostgresQuery = """
            SELECT id, subscription, event_id, event_type, subject, state, attempts, due_at, committed_at,
                   last_attempt_at, last_outcome, last_reason, dead_reason, dead_at
              FROM outbox
             WHERE state = \(dead ? "dead" : "pending") AND (\(subscription)::text IS NULL OR subscription = \(subscription))
             ORDER BY id LIMIT \(limit)
            """
        var entries: [Entry] = []
        for try await row in try await client.query(query, logger: logger).decode(
            (
                Int64, String, UUID, String, String, String, Int32, Date, Date, Date?, String?, String?, String?,
                Date?
            ).self)
        {
            entries.append(
                Entry(
                    id: row.0, subscription: row.1, eventId: row.2.uuidString.lowercased(), eventType: row.3,
                    subject: row.4, state: row.5,
                    attempts: Int(row.6), dueAt: row.7, committedAt: row.8, lastAttemptAt: row.9, lastOutcome: row.10,
                    lastReason: row.11, deadReason: row.12, deadAt: row.13))
        }
        return entries
    }

    /// Which dead letters to deliver again.
    public enum RedriveScope: Sendable {
        case one(id: Int64)
        case subscription(String)
        case all
    }

    /// Dead letters back to pending, due now, with a fresh attempt count and time to live (counted
    /// from the redrive; `committed_at` stays, so latency figures stay true); returns how many.
    public func redrive(_ scope: RedriveScope, deadSince: Date?) async throws -> Int {
        let (id, subscription): (Int64?, String?) =
            switch scope {
            case .one(let id): (id, nil)
            case .subscription(let name): (nil, name)
            case .all: (nil, nil)
            }
        let query: PostgresQuery = """
            UPDATE outbox SET state = 'pending', due_at = now(), attempts = 0, redriven_at = now(),
                              dead_at = NULL, dead_reason = NULL
             WHERE state = 'dead'
               AND (\(id)::int8 IS NULL OR id = \(id))
               AND (\(subscription)::text IS NULL OR subscription = \(subscription))
               AND (\(deadSince)::timestamptz IS NULL OR dead_at >= \(deadSince))
            RETURNING 1
            """
        var count = 0
        for try await _ in try await client.query(query, logger: logger) { count += 1 }
        if count > 0 { try await client.query("SELECT pg_notify(\(Self.channel), '')", logger: logger) }
        return count
    }
}

import AtriumDomain
import Foundation
import Logging
import PostgresNIO

/// The event log on PostgreSQL: append to a stream, read a stream, read the whole log gap-free.
public struct EventStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    private let notifier: AppendNotifier
    private let batcher: AppendBatcher

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.notifier = AppendNotifier(client: client, logger: logger)
        self.batcher = AppendBatcher(client: client, logger: logger)
    }

    /// The outcome of an append: where the last event landed.
    public struct Appended: Sendable {
        public var globalPositions: [Int64]
        public var streamVersion: Int64
    }

    /// Appends events to one stream atomically, together with the inline read models and, when
    /// given, the command's result for later retries.
    ///
    /// It commits on its own (grouped with concurrent appends, each isolated from the others) and
    /// then wakes the log's consumers.
    @discardableResult
    public func append(
        to stream: String, expected: ExpectedVersion, events: [NewEvent], recordedAt: Date,
        result: StoredCommandResult? = nil
    ) async throws -> Appended {
        precondition(!events.isEmpty, "an append needs at least one event")
        let pending = PendingAppend(
            stream: stream, expectedVersion: expected.sqlValue, recordedAt: recordedAt,
            result: try result.map { String(decoding: try EventJSON.encode($0), as: UTF8.self) },
            eventIds: events.map(\.eventId), eventTypes: events.map(\.eventType),
            schemaVersions: events.map { Int32($0.schemaVersion) },
            data: events.map { String(decoding: $0.data, as: UTF8.self) },
            metadata: events.map(\.metadata.jsonText))
        // Grouped with concurrent appends (see AppendBatcher).
        switch try await batcher.append(pending) {
        case .appended(let positions, let version):
            notifier.poke(types: pending.eventTypes)
            return Appended(globalPositions: positions, streamVersion: version)
        case .conflict:
            throw StoreError.wrongExpectedVersion(stream: stream, expected: expected)
        case .duplicate:
            throw StoreError.duplicateRequest(requestId: result?.requestId ?? "")
        case .failed(let message):
            throw StoreError.appendRefused(stream: stream, reason: message)
        }
    }

    /// A stream's events after `version`, in order: all of them, or the first `limit`.
    public func readStream(_ stream: String, after version: Int64 = 0, limit: Int? = nil) async throws
        -> [RecordedEvent]
    {
        // Commands load whole streams: their statement stays as it was, without a LIMIT.
        let query: PostgresQuery =
            if let limit {
                """
                SELECT \(unescaped: RecordedEventRow.columns) FROM events
                 WHERE stream_id = \(stream) AND stream_version > \(version)
                 ORDER BY stream_version
                 LIMIT \(limit)
                """
            } else {
                """
                SELECT \(unescaped: RecordedEventRow.columns) FROM events
                 WHERE stream_id = \(stream) AND stream_version > \(version)
                 ORDER BY stream_version
                """
            }
        return try await RecordedEventRow.decodeAll(try await client.query(query, logger: logger))
    }

    /// The next events of the whole log after `position`, in commit-safe order.
    ///
    /// Only transactions older than the oldest one still running are read: everything below that
    /// barrier has finished, so the set never changes behind a reader and no event is skipped.
    public func readAll(after position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        // ORDER BY names the table's columns: unqualified, `transaction_id` would be the selected
        // `transaction_id::text::bigint`, which no index has, and every page would sort the log.
        let query: PostgresQuery = """
            SELECT \(unescaped: RecordedEventRow.columns) FROM events
             WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
               AND (transaction_id, global_position) > (\(String(position.transactionId))::xid8, \(position.globalPosition))
             ORDER BY events.transaction_id, events.global_position
             LIMIT \(limit)
            """
        return try await RecordedEventRow.decodeAll(try await client.query(query, logger: logger))
    }

    /// The selected events among the next `scanLimit` events of the whole log after
    /// `position`, the position of the last event scanned (nil when none lay under the barrier),
    /// and how many were scanned.
    ///
    /// For consumers that act on a few event types: the skipped events never leave PostgreSQL,
    /// yet the cursor moves past them. The second statement sees exactly the scanned range,
    /// because everything up to `scannedThrough` was below the first statement's barrier and so
    /// had finished committing or aborting.
    public func readAll(
        after position: LogPosition, scanLimit: Int, selection: EventSelection
    ) async throws -> (events: [RecordedEvent], scannedThrough: LogPosition?, scanned: Int) {
        if case .all = selection {
            let events = try await readAll(after: position, limit: scanLimit)
            return (events, events.last?.position, events.count)
        }
        let scan: PostgresQuery = """
            SELECT transaction_id::text::bigint, global_position, count(*) OVER () FROM (
                SELECT transaction_id, global_position FROM events
                 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                   AND (transaction_id, global_position) > (\(String(position.transactionId))::xid8, \(position.globalPosition))
                 ORDER BY transaction_id, global_position
                 LIMIT \(scanLimit)) AS scanned
             ORDER BY transaction_id DESC, global_position DESC
             LIMIT 1
            """
        let last = try await client.query(scan, logger: logger).decode((Int64, Int64, Int64).self).first { _ in true }
        guard let (tx, global, scanned) = last else { return ([], nil, 0) }
        let through = LogPosition(transactionId: tx, globalPosition: global)
        // Either the names, bound, or the chooser's query: whichever is not NULL.
        let (names, chooser): ([String]?, String) =
            switch selection {
            case .all: (nil, "NULL::text[]")  // handled above
            case .types(let names): (names, "NULL::text[]")
            case .typesChosenBy(let sql, _): (nil, sql)
            }
        let query: PostgresQuery = """
            SELECT \(unescaped: RecordedEventRow.columns) FROM events
             WHERE (transaction_id, global_position) > (\(String(position.transactionId))::xid8, \(position.globalPosition))
               AND (transaction_id, global_position) <= (\(String(through.transactionId))::xid8, \(through.globalPosition))
               AND event_type = ANY(COALESCE(\(names)::text[], (\(unescaped: chooser))))
             ORDER BY events.transaction_id, events.global_position
            """
        return (
            try await RecordedEventRow.decodeAll(try await client.query(query, logger: logger)), through, Int(scanned)
        )
    }

    /// The types a selection's query chooses now (`EventSelection.typesChosenBy`).
    public func chosenTypes(_ sql: String) async throws -> [String] {
        let query = PostgresQuery(unsafeSQL: "SELECT COALESCE((\(sql)), '{}'::text[])")
        for try await types in try await client.query(query, logger: logger).decode([String].self) { return types }
        return []
    }

    /// Where the log ends now (its last committed event), barrier or not; nil when it is empty.
    public func lastPosition() async throws -> LogPosition? {
        let query: PostgresQuery = """
            SELECT transaction_id::text::bigint, global_position FROM events
             ORDER BY events.transaction_id DESC, events.global_position DESC
             LIMIT 1
            """
        for try await (tx, position) in try await client.query(query, logger: logger).decode((Int64, Int64).self) {
            return LogPosition(transactionId: tx, globalPosition: position)
        }
        return nil
    }

    /// Whether any event lies after `position`, barrier or not: an empty `readAll` with events
    /// waiting means a transaction (in any database of the cluster) still holds the barrier back.
    public func hasEvents(after position: LogPosition) async throws -> Bool {
        let query: PostgresQuery = """
            SELECT EXISTS (SELECT 1 FROM events
             WHERE (transaction_id, global_position) > (\(String(position.transactionId))::xid8, \(position.globalPosition)))
            """
        return try await client.query(query, logger: logger).decode(Bool.self).first { _ in true } ?? false
    }

    /// Stores the result of a repeatable request that changed nothing (so appended nothing);
    /// false when a result for its id was stored first.
    public func storeResult(_ result: StoredCommandResult) async throws -> Bool {
        let answer = result.answer
        let headers = String(decoding: try EventJSON.encode(answer.attributes), as: UTF8.self)
        let query: PostgresQuery = """
            INSERT INTO command_results (request_id, first_sent, operation, status, headers, body)
            VALUES (\(result.requestId), \(result.firstSent), \(result.operation), \(Int32(answer.code)),
                    \(headers)::jsonb, \(answer.body))
            ON CONFLICT (request_id) DO NOTHING
            RETURNING 1
            """
        return try await client.query(query, logger: logger).decode(Int32.self).first { _ in true } != nil
    }

    /// The stored first result of a repeatable request, if there is one.
    public func storedResult(requestId: String) async throws -> StoredCommandResult? {
        let query: PostgresQuery = """
            SELECT request_id, first_sent, operation, status, headers::text, body
              FROM command_results WHERE request_id = \(requestId)
            """
        for try await (id, firstSent, operation, status, headers, body) in try await client.query(query, logger: logger)
            .decode((String, Date, String, Int32, String, String).self)
        {
            return StoredCommandResult(
                requestId: id, firstSent: firstSent, operation: operation,
                answer: CommandAnswer(
                    code: Int(status), attributes: try EventJSON.decode(Data(headers.utf8)), body: body))
        }
        return nil
    }
}

/// How an event row is selected and decoded, shared by every reader of the log.
enum RecordedEventRow {
    static let columns = """
        transaction_id::text::bigint, global_position, stream_id, stream_version, event_id, event_type, \
        schema_version, data::text, metadata::text, recorded_at
        """

    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await (tx, position, stream, version, id, type, schema, data, metadata, recordedAt) in rows.decode(
            (Int64, Int64, String, Int64, UUID, String, Int32, String, String, Date).self)
        {
            events.append(
                RecordedEvent(
                    position: LogPosition(transactionId: tx, globalPosition: position), streamId: stream,
                    streamVersion: version, eventId: id, eventType: type, schemaVersion: Int(schema),
                    data: Data(data.utf8), metadata: try EventJSON.decode(Data(metadata.utf8)), recordedAt: recordedAt))
        }
        return events
    }
}

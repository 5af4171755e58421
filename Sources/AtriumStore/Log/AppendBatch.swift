import AtriumDomain
import Foundation
import PostgresNIO

/// One append of a batch, encoded and ready to bind.
struct PendingAppend: Sendable {
    var stream: String
    var expectedVersion: Int64?
    var recordedAt: Date
    var result: String?
    var eventIds: [UUID]
    var eventTypes: [String]
    var schemaVersions: [Int32]
    var data: [String]
    var metadata: [String]
}

/// What happened to one append of a batch.
enum AppendOutcome: Sendable {
    case appended(positions: [Int64], streamVersion: Int64)
    case conflict
    case duplicate
    /// PostgreSQL refused this append alone (SQLSTATE and message); the rest of its batch went on.
    case failed(String)
}

/// `append_batch_fast` (Migrations/functions/append_batch_fast.sql): several appends, one statement,
/// one transaction. Expected conflicts and repeated request ids are answered per item; anything else
/// aborts the whole batch.
struct AppendBatch: PostgresPreparedStatement {
    // Stored: the protocol's default name is `String(reflecting:)`, worked out on every execution.
    static let name = "AtriumStore.AppendBatch"
    static let sql = """
        SELECT item, outcome, global_position, stream_version, message
          FROM append_batch_fast($1, $2, $3::timestamptz[], $4, $5, $6, $7, $8, $9::jsonb[], $10::jsonb[])
        """
    static let bindingDataTypes = AppendBatchBindings.dataTypes
    typealias Row = AppendBatchBindings.Row

    var appends: [PendingAppend]

    func makeBindings() throws -> PostgresBindings { try AppendBatchBindings.make(appends) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// `append_batch` (Migrations/functions/append_batch.sql): the same, each item in its own
/// savepoint, so an item that raises fails alone. Slower; used when the fast form aborted.
struct GuardedAppendBatch: PostgresPreparedStatement {
    static let name = "AtriumStore.GuardedAppendBatch"
    static let sql = """
        SELECT item, outcome, global_position, stream_version, message
          FROM append_batch($1, $2, $3::timestamptz[], $4, $5, $6, $7, $8, $9::jsonb[], $10::jsonb[])
        """
    static let bindingDataTypes = AppendBatchBindings.dataTypes
    typealias Row = AppendBatchBindings.Row

    var appends: [PendingAppend]

    func makeBindings() throws -> PostgresBindings { try AppendBatchBindings.make(appends) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The parameters both forms take, and the rows both return.
enum AppendBatchBindings {
    static let dataTypes: [PostgresDataType] = [
        .textArray, .int8Array, .textArray, .textArray, .int4Array, .uuidArray, .textArray, .int4Array, .textArray,
        .textArray,
    ]
    typealias Row = (Int32, String, Int64?, Int64?, String?)

    static func make(_ appends: [PendingAppend]) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 10)
        bindings.append(appends.map(\.stream))
        // -2 stands for "any version" and '' for "no stored result": arrays cannot carry NULL here.
        bindings.append(appends.map { $0.expectedVersion ?? -2 })
        bindings.append(appends.map { Timestamp.format($0.recordedAt) })
        bindings.append(appends.map { $0.result ?? "" })
        bindings.append(appends.map { Int32($0.eventIds.count) })
        bindings.append(appends.flatMap(\.eventIds))
        bindings.append(appends.flatMap(\.eventTypes))
        bindings.append(appends.flatMap(\.schemaVersions))
        bindings.append(appends.flatMap(\.data))
        bindings.append(appends.flatMap(\.metadata))
        return bindings
    }
}

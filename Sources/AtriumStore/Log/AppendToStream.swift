import Foundation
import PostgresNIO

/// One append inside a caller's transaction, prepared once per connection (see `append_to_stream`
/// in Migrations/functions/append_to_stream.sql for what it does).
struct AppendToStream: PostgresPreparedStatement {
    static let name = "AtriumStore.AppendToStream"
    static let sql = """
        SELECT global_position, stream_version
          FROM append_to_stream($1, $2, $3, $4, $5, $6::jsonb[], $7::jsonb[], $8, $9::jsonb)
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .int8, .uuidArray, .textArray, .int4Array, .textArray, .textArray, .timestamptz, .text,
    ]
    typealias Row = (Int64, Int64)

    var append: PendingAppend

    init(_ append: PendingAppend) { self.append = append }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 9)
        bindings.append(append.stream)
        bindings.append(append.expectedVersion)
        bindings.append(append.eventIds)
        bindings.append(append.eventTypes)
        bindings.append(append.schemaVersions)
        bindings.append(append.data)
        bindings.append(append.metadata)
        bindings.append(append.recordedAt)
        bindings.append(append.result)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

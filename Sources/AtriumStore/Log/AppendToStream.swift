import Foundation
import PostgresNIO

/// The append: the hottest statement, prepared once per connection (see `append_to_stream` in
/// Migrations/0002 for what it does).
struct AppendToStream: PostgresPreparedStatement {
    static let sql = """
        SELECT global_position, stream_version
          FROM append_to_stream($1, $2, $3, $4, $5, $6::jsonb[], $7::jsonb[], $8, $9::jsonb)
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .int8, .uuidArray, .textArray, .int4Array, .textArray, .textArray, .timestamptz, .text,
    ]
    typealias Row = (Int64, Int64)

    var stream: String
    var expectedVersion: Int64?
    var eventIds: [UUID]
    var eventTypes: [String]
    var schemaVersions: [Int32]
    var data: [String]
    var metadata: [String]
    var recordedAt: Date
    var result: String?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 9)
        try bindings.append(stream)
        try bindings.append(expectedVersion)
        try bindings.append(eventIds)
        try bindings.append(eventTypes)
        try bindings.append(schemaVersions)
        try bindings.append(data)
        try bindings.append(metadata)
        try bindings.append(recordedAt)
        try bindings.append(result)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

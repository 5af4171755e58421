import Foundation

/// An event that can be stored in the log: named, versioned, JSON.
///
/// Old shapes are upcast in `init(eventType:schemaVersion:data:)`; stored events are never rewritten.
public protocol EventCodable: Sendable {
    var eventType: String { get }
    var schemaVersion: Int { get }
    func encodedData() throws -> Data
    init(eventType: String, schemaVersion: Int, data: Data) throws
}

public enum EventDecodingError: Error, Equatable {
    case unknownType(String)
    /// A schema version this code does not know: written by a newer Atrium.
    case unsupportedSchemaVersion(String, Int)
}

/// The JSON conventions of event data: ISO 8601 timestamps with microseconds, stable key order.
public enum EventJSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ data: Data, as type: T.Type = T.self) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "Not an ISO 8601 timestamp: \(text)")
            }
            return date
        }
        return try decoder.decode(type, from: data)
    }
}

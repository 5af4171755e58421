import Foundation

/// How identity events are written to and read from the log: a type name, a schema version and JSON data.
extension IdentityEvent: EventCodable {
    public var eventType: String {
        switch self {
        case .created: "IdentityCreated"
        case .accessTokenIssued: "AccessTokenIssued"
        case .accessTokensRevoked: "AccessTokensRevoked"
        case .deleted: "IdentityDeleted"
        }
    }

    public var schemaVersion: Int {
        switch self {
        case .accessTokenIssued: AccessTokenIssued.schemaVersion
        case .created, .accessTokensRevoked, .deleted: 1
        }
    }

    public func encodedData() throws -> Data {
        switch self {
        case .created(let e): try EventJSON.encode(e)
        case .accessTokenIssued(let e): try EventJSON.encode(e)
        case .accessTokensRevoked(let e): try EventJSON.encode(e)
        case .deleted(let e): try EventJSON.encode(e)
        }
    }

    public init(eventType: String, schemaVersion: Int, data: Data) throws {
        switch eventType {
        case "IdentityCreated": self = .created(try EventJSON.decode(data))
        case "AccessTokenIssued":
            switch schemaVersion {
            case 1: self = .accessTokenIssued(try EventJSON.decode(data, as: AccessTokenIssuedV1.self).upcast())
            case AccessTokenIssued.schemaVersion: self = .accessTokenIssued(try EventJSON.decode(data))
            default: throw EventDecodingError.unsupportedSchemaVersion(eventType, schemaVersion)
            }
        case "AccessTokensRevoked": self = .accessTokensRevoked(try EventJSON.decode(data))
        case "IdentityDeleted": self = .deleted(try EventJSON.decode(data))
        default: throw EventDecodingError.unknownType(eventType)
        }
    }
}

import AtriumDomain
import Foundation
import Hummingbird

/// Reading request bodies as JSON objects, and their fields with typed, targeted errors.
enum JSONBody {
    /// The body as a JSON object; an empty body counts as `{}`.
    static func object(of request: Request) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: RequestLimits.maxBodyBytes)
        let bytes = Array(buffer: buffer)
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return .object([]) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw APIError.badRequest(error.message)
        }
        guard case .object = value else { throw APIError.badRequest("The request body must be a JSON object.") }
        try StorableText.require(value)
        return value
    }

    /// Refuses properties the operation does not define: a misspelt field must not pass silently.
    static func requireOnly(_ allowed: Set<String>, in object: JSONValue) throws {
        guard case .object(let members) = object else { return }
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw APIError.badRequest(
                "The property '\(unknown.key)' is not allowed here. Allowed: \(allowed.sorted().joined(separator: ", ")).",
                target: unknown.key)
        }
    }

    /// A date-time field; absent and null are nil.
    static func date(_ name: String, in object: JSONValue) throws -> Date? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let date = Timestamp.parse(text) else {
                throw APIError.badRequest("'\(name)' must be an RFC 3339 date-time, got '\(text)'.", target: name)
            }
            return Timestamp.normalized(date)
        case let other?:
            throw APIError.badRequest("'\(name)' must be a date-time string, got \(other.typeName).", target: name)
        }
    }

    /// A boolean field; absent and null are nil.
    static func bool(_ name: String, in object: JSONValue) throws -> Bool? {
        switch object[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw APIError.badRequest("'\(name)' must be a boolean, got \(other.typeName).", target: name)
        }
    }
}

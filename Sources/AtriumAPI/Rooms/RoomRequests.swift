import AtriumDomain
import Foundation

/// Request bodies of the Rooms API, read into the fields of room commands.
///
/// The SDK sends `null` for every property it was not given (create: default; update: unchanged).
enum RoomRequests {
    struct Properties {
        var validFrom: Date?
        var validUntil: Date?
        var pstnDialOutEnabled: Bool?
    }

    static func properties(_ body: JSONValue) throws -> Properties {
        Properties(
            validFrom: try JSONBody.date("validFrom", in: body), validUntil: try JSONBody.date("validUntil", in: body),
            pstnDialOutEnabled: try JSONBody.bool("pstnDialOutEnabled", in: body))
    }

    /// `{rawId: {role} | null}` in the order sent; null removes (on create there is nothing to remove).
    static func rosterChanges(_ value: JSONValue?, required: Bool) throws -> [RosterChange] {
        switch value {
        case nil, .null?:
            if required {
                throw APIError.badRequest("'participants' is required.", target: "participants")
            }
            return []
        case .object(let members)?:
            return try members.map { member in
                switch member.value {
                case .null:
                    return RosterChange(rawId: member.key, action: .remove)
                case .object:
                    try JSONBody.requireOnly(["role"], in: member.value)
                    switch member.value["role"] {
                    case nil, .null?: return RosterChange(rawId: member.key, action: .set(role: nil))
                    case .string(let role)?: return RosterChange(rawId: member.key, action: .set(role: role))
                    case let other?:
                        throw APIError.badRequest("'role' must be a string, got \(other.typeName).", target: "role")
                    }
                default:
                    throw APIError.badRequest(
                        "Each participant must map to an object like {\"role\": \"Attendee\"}, or null to remove it.",
                        target: member.key)
                }
            }
        case let other?:
            throw APIError.badRequest(
                "'participants' must be an object keyed by raw id, got \(other.typeName).", target: "participants")
        }
    }
}

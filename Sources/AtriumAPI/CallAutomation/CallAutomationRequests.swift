import AtriumDomain
import Foundation

/// Reading Call Automation request bodies as the SDK sends them. ACS options Atrium does not carry
/// out are refused (`UnsupportedOptions`); properties ACS does not define are ignored, as ACS
/// ignores what it does not know; what Atrium acts on is checked with targeted errors.
enum CallAutomationRequests {
    /// A `CommunicationIdentifierModel`: `{rawId, communicationUser: {id}}`, `{rawId?, phoneNumber:
    /// {value}}`, …; the raw id it names.
    static func identifier(_ value: JSONValue?, field: String) throws -> String {
        guard let value, case .object = value else {
            throw APIError.badRequest("'\(field)' is required and must be a communication identifier.", target: field)
        }
        var rawId: String?
        if case .string(let raw)? = value["rawId"], !raw.isEmpty {
            rawId = raw
        } else if case .string(let number)? = value["phoneNumber"]?["value"] {
            rawId = "4:" + number
        } else if case .string(let id)? = value["communicationUser"]?["id"] {
            rawId = id
        }
        guard let rawId, CommunicationIdentifier(rawId: rawId) != nil else {
            throw APIError.badRequest("Invalid format for communication identifier.", target: field)
        }
        return rawId
    }

    /// A `PhoneNumberIdentifierModel`, `{value: "+1…"}`; nil when absent.
    static func phoneNumber(_ value: JSONValue?, field: String) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .object?:
            guard case .string(let number)? = value?["value"], CommunicationIdentifier.isPhoneNumber(number) else {
                throw APIError.badRequest("'\(field)' must be a phone number in E.164 format.", target: field)
            }
            return number
        default:
            throw APIError.badRequest("'\(field)' must be a phone number object {value}.", target: field)
        }
    }

    /// A string field; absent and null are nil.
    static func string(_ name: String, in object: JSONValue, maxLength: Int = 5_000) throws -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let value)?:
            guard value.count <= maxLength else {
                throw APIError.badRequest("'\(name)' is longer than \(maxLength) characters.", target: name)
            }
            return value
        case let other?: throw APIError.badRequest("'\(name)' must be a string, got \(other.typeName).", target: name)
        }
    }

    /// An integer field; absent and null are nil.
    static func integer(_ name: String, in object: JSONValue) throws -> Int? {
        switch object[name] {
        case nil, .null?: return nil
        case .number(let value)? where value == value.rounded() && abs(value) < 1e9: return Int(value)
        case let other?: throw APIError.badRequest("'\(name)' must be an integer, got \(other.typeName).", target: name)
        }
    }

    /// An absolute http(s) URL where callbacks are sent.
    static func callbackUri(_ name: String, in object: JSONValue, required: Bool) throws -> String? {
        guard let text = try string(name, in: object, maxLength: 2_048) else {
            if required { throw APIError.badRequest("'\(name)' is required.", target: name) }
            return nil
        }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil
        else { throw APIError.badRequest("'\(name)' must be an absolute http or https URL.", target: name) }
        return text
    }

    /// A play source: `{kind: "file", file: {uri}}`, `{kind: "text", text: {text, voiceName?}}` or
    /// `{kind: "ssml", ssml: {ssmlText}}` (the voice is the SSML's own `<voice name>`).
    static func playSource(_ value: JSONValue, field: String) throws -> PlaySource {
        switch value["kind"] {
        case .string(let kind)? where kind.lowercased() == "file":
            guard case .string(let uri)? = value["file"]?["uri"], let url = URL(string: uri),
                ["http", "https"].contains(url.scheme?.lowercased() ?? "")
            else { throw APIError.badRequest("A file source needs 'file.uri', an http or https URL.", target: field) }
            return .file(uri: uri)
        case .string(let kind)? where kind.lowercased() == "text":
            guard case .string(let text)? = value["text"]?["text"], !text.isEmpty, text.count <= 4_000 else {
                throw APIError.badRequest("A text source needs 'text.text', 1 to 4000 characters.", target: field)
            }
            let voice: String? = if case .string(let name)? = value["text"]?["voiceName"] { name } else { nil }
            return .text(text: text, voiceName: voice)
        case .string(let kind)? where kind.lowercased() == "ssml":
            guard case .string(let ssml)? = value["ssml"]?["ssmlText"], ssml.count <= 4_000,
                ssml.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<speak")
            else {
                throw APIError.badRequest(
                    "An SSML source needs 'ssml.ssmlText', a <speak> document of at most 4000 characters.",
                    target: field)
            }
            return .ssml(ssml: ssml)
        case .string(let kind)?:
            throw APIError.badRequest(
                "Play sources of kind '\(kind)' are not supported: use 'file', 'text' or 'ssml'.", target: field)
        default:
            throw APIError.badRequest("A play source needs a 'kind'.", target: field)
        }
    }

    static func playSources(_ value: JSONValue?, field: String) throws -> [PlaySource] {
        guard case .array(let items)? = value, !items.isEmpty, items.count <= 10 else {
            throw APIError.badRequest("'\(field)' must be an array of 1 to 10 play sources.", target: field)
        }
        return try items.map { try playSource($0, field: field) }
    }

    static func identifiers(_ value: JSONValue?, field: String) throws -> [String] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?: return try items.map { try identifier($0, field: field) }
        default: throw APIError.badRequest("'\(field)' must be an array of communication identifiers.", target: field)
        }
    }

    static func tones(_ value: JSONValue?, field: String) throws -> [DtmfTone] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?:
            return try items.map { item in
                guard case .string(let name) = item, let tone = DtmfTone(wireName: name) else {
                    throw APIError.badRequest(
                        "'\(field)' holds tones by name: zero…nine, a…d, pound, asterisk.", target: field)
                }
                return tone
            }
        default: throw APIError.badRequest("'\(field)' must be an array of tones.", target: field)
        }
    }

    static func bool(_ name: String, in object: JSONValue?) throws -> Bool? {
        guard let object else { return nil }
        return try JSONBody.bool(name, in: object)
    }
}

import AtriumDomain

/// Text PostgreSQL can store. Neither `text` nor `jsonb` takes U+0000 (jsonb refuses even the
/// escaped `\u0000`), so a request carrying one is refused here with the field named, before a
/// command is decided: were it to reach an append, PostgreSQL would refuse it there, and a refused
/// parameter fails every append that shares its statement.
///
/// Every other Unicode scalar is storable: strings reaching the server are valid UTF-8, and the
/// JSON parser already refuses unpaired surrogates.
enum StorableText {
    /// Refuses a JSON body with U+0000 in any key or string, naming the first one's path
    /// (`filter.includedEventTypes[0]`).
    static func require(_ value: JSONValue) throws {
        if let path = pathToNUL(in: value, at: "") {
            throw APIError.badRequest(
                "'\(path)' contains a NUL character (U+0000), which cannot be stored.", target: path)
        }
    }

    /// Refuses a percent-decoded path parameter or query value with U+0000 (`%00`).
    static func require(_ text: some StringProtocol, named name: String) throws {
        if text.unicodeScalars.contains("\0") {
            throw APIError.badRequest(
                "'\(name)' contains a NUL character (%00), which cannot be stored.", target: name)
        }
    }

    private static func pathToNUL(in value: JSONValue, at path: String) -> String? {
        switch value {
        case .string(let text):
            return text.unicodeScalars.contains("\0") ? path : nil
        case .array(let values):
            for (index, element) in values.enumerated() {
                if let found = pathToNUL(in: element, at: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for member in members {
                let memberPath = path.isEmpty ? member.key : "\(path).\(member.key)"
                if member.key.unicodeScalars.contains("\0") { return memberPath }
                if let found = pathToNUL(in: member.value, at: memberPath) { return found }
            }
            return nil
        case .null, .bool, .number:
            return nil
        }
    }
}

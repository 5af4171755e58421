import Foundation

/// Writes a flat JSON object, key by key, exactly as `EventJSON.encode` would (callers give the keys
/// in sorted order). Events and their metadata are encoded on every append, and this is several
/// times cheaper than `JSONEncoder`; tests hold the two to the same bytes.
public struct JSONObjectWriter {
    private var text = "{"

    public init() {}

    public mutating func string(_ key: String, _ value: String) {
        member(key)
        Self.appendQuoted(value, to: &text)
    }

    public mutating func string(_ key: String, _ value: String?) {
        if let value { string(key, value) }
    }

    public mutating func bool(_ key: String, _ value: Bool) {
        member(key)
        text += value ? "true" : "false"
    }

    public mutating func date(_ key: String, _ value: Date) {
        string(key, Timestamp.format(value))
    }

    public mutating func uuid(_ key: String, _ value: UUID?) {
        if let value { string(key, value.uuidString) }
    }

    public var json: String { text + "}" }

    private mutating func member(_ key: String) {
        if text.utf8.count > 1 { text += "," }
        Self.appendQuoted(key, to: &text)
        text += ":"
    }

    /// A JSON string literal, escaped as Foundation's encoder escapes it.
    public static func quoted(_ value: String) -> String {
        var result = ""
        appendQuoted(value, to: &result)
        return result
    }

    /// Appends `value` as a JSON string literal: in place, since events are written on every append.
    static func appendQuoted(_ value: String, to result: inout String) {
        result += "\""
        defer { result += "\"" }
        var value = value  // `withUTF8` may first make the string's storage contiguous
        let needsEscaping = value.withUTF8 { bytes in
            bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
        guard needsEscaping else {
            result += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
    }
}

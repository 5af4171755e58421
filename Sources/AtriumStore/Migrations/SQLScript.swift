import Foundation

/// Splits a SQL script into statements at top-level semicolons.
///
/// PostgresNIO speaks only the extended protocol, which takes one statement at a time. Quotes,
/// quoted identifiers, comments and dollar-quoted bodies (`$$ ... $$`, `$tag$ ... $tag$`) are kept whole.
enum SQLScript {
    static func statements(in script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty, !isOnlyComments(statement) { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        func copy(until end: Int) {
            current.append(contentsOf: chars[index..<min(end, chars.count)])
            index = min(end, chars.count)
        }

        while index < chars.count {
            let c = chars[index]
            let next = index + 1 < chars.count ? chars[index + 1] : nil
            switch c {
            case "'", "\"":
                var end = index + 1
                while end < chars.count {
                    if chars[end] == c {
                        if end + 1 < chars.count, chars[end + 1] == c { end += 2 } else { break }
                    } else {
                        end += 1
                    }
                }
                copy(until: end + 1)
            case "-" where next == "-":
                var end = index
                while end < chars.count, chars[end] != "\n" { end += 1 }
                copy(until: end)
            case "/" where next == "*":
                var end = index + 2
                while end + 1 < chars.count, !(chars[end] == "*" && chars[end + 1] == "/") { end += 1 }
                copy(until: end + 2)
            case "$":
                guard let tag = dollarTag(in: chars, at: index) else {
                    copy(until: index + 1)
                    break
                }
                let body = index + tag.count
                var end = body
                while end < chars.count, !matches(tag, in: chars, at: end) { end += 1 }
                copy(until: end + tag.count)
            case ";":
                index += 1
                flush()
            default:
                copy(until: index + 1)
            }
        }
        flush()
        return statements
    }

    /// `$tag$` starting at `index`, if there is one.
    private static func dollarTag(in chars: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        var end = index + 1
        while end < chars.count,
            chars[end] == "_" || chars[end].properties.isAlphabetic
                || (end > index + 1 && ("0"..."9").contains(chars[end]))
        {
            end += 1
        }
        guard end < chars.count, chars[end] == "$" else { return nil }
        return Array(chars[index...end])
    }

    private static func matches(_ tag: [Unicode.Scalar], in chars: [Unicode.Scalar], at index: Int) -> Bool {
        index + tag.count <= chars.count && Array(chars[index..<index + tag.count]) == tag
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
    }
}

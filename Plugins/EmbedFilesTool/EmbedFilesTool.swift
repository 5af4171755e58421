import Foundation

/// Writes a Swift file holding the text of some files, for the EmbedMigrations and EmbedResources
/// plugins: `embed-files <output.swift> <type name> <root folder> <file>...` gives
/// `enum <type name> { static let files: [String: String] }`, each file's text by its path under
/// the root folder, as raw string literals (readable, and byte for byte the file).
@main
struct EmbedFilesTool {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.count >= 3 else {
            FileHandle.standardError.write(
                Data("usage: embed-files <output.swift> <type name> <root> <file>...\n".utf8))
            exit(2)
        }
        let output = URL(fileURLWithPath: arguments[arguments.startIndex])
        let typeName = arguments[arguments.startIndex + 1]
        let root = URL(fileURLWithPath: arguments[arguments.startIndex + 2]).standardizedFileURL.path + "/"
        var entries: [String] = []
        for path in arguments.dropFirst(3).sorted() {
            let file = URL(fileURLWithPath: path).standardizedFileURL.path
            guard file.hasPrefix(root) else { throw OutsideRoot(file: file, root: root) }
            let text = try String(contentsOfFile: file, encoding: .utf8)
            entries.append("        \(quoted(String(file.dropFirst(root.count)))): \(literal(text)),\n")
        }
        let source = """
            // Generated at build time by EmbedFilesTool (Plugins/): do not edit.
            enum \(typeName) {
                /// Each embedded file's text, by its path under the folder it was embedded from.
                static let files: [String: String] = [
            \(entries.isEmpty ? "        :\n" : entries.joined())    ]
            }

            """
        try Data(source.utf8).write(to: output, options: .atomic)
    }

    /// A one-line literal of a path.
    static func quoted(_ path: String) -> String {
        "\"" + path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A raw multi-line literal whose value is exactly `text`: with more `#` than any run of them
    /// in the text, nothing inside can end it or escape.
    static func literal(_ text: String) -> String {
        var longestRun = 0
        var run = 0
        for character in text {
            run = character == "#" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let hashes = String(repeating: "#", count: longestRun + 1)
        return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
    }

    struct OutsideRoot: Error, CustomStringConvertible {
        var file: String
        var root: String
        var description: String { "\(file) is not under \(root)" }
    }
}

import Foundation

/// The resource's access key: `ATRIUM_ACCESS_KEY`, else the one kept in the data folder, else a new one.
enum AccessKey {
    enum Source {
        case environment
        case file(URL)
        case generated(URL)
    }

    static func resolve(dataDirectory: URL) throws -> (key: String, source: Source) {
        if let found = find(dataDirectory: dataDirectory) { return found }
        let file = dataDirectory.appendingPathComponent("access-key")
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        try EmbeddedPostgres.writeSecret(key, to: file)
        return (key, .generated(file))
    }

    /// The key a server already uses (for the tools that talk to it), never a new one.
    static func existing(dataDirectory: URL) -> String? {
        find(dataDirectory: dataDirectory)?.key
    }

    private static func find(dataDirectory: URL) -> (key: String, source: Source)? {
        if let key = ProcessInfo.processInfo.environment["ATRIUM_ACCESS_KEY"], !key.isEmpty {
            return (key, .environment)
        }
        let file = dataDirectory.appendingPathComponent("access-key")
        guard
            let stored = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            !stored.isEmpty
        else { return nil }
        return (stored, .file(file))
    }
}

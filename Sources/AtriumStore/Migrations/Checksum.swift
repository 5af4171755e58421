import Crypto
import Foundation

/// SHA-256 of a schema file's text, in hex: what `schema_migrations` and `schema_functions` record.
enum Checksum {
    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

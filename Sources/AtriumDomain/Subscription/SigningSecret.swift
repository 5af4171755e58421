import Foundation

/// A Standard Webhooks signing secret: `whsec_` and the base64 of 24 to 64 random bytes. The
/// decoded bytes are the HMAC-SHA256 key of the `webhook-signature` header.
public struct SigningSecret: Equatable, Sendable {
    public static let prefix = "whsec_"
    public static let keyLength = 24...64

    /// The secret as the subscriber holds it (`whsec_…`).
    public let text: String
    /// The HMAC key.
    public let key: [UInt8]

    /// Nil unless `text` is a well-formed secret. Padding may be left out, as some generators do.
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        var encoded = String(text.dropFirst(Self.prefix.count))
        if encoded.utf8.count % 4 != 0 { encoded += String(repeating: "=", count: 4 - encoded.utf8.count % 4) }
        guard let bytes = Data(base64Encoded: encoded), Self.keyLength.contains(bytes.count) else { return nil }
        self.text = text
        self.key = Array(bytes)
    }
}

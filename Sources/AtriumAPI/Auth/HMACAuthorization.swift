/// The fields of an `HMAC-SHA256 SignedHeaders=a;b;c&Signature=…` Authorization value.
///
/// Parsed by hand on the UTF-8 view: it runs on every request, and Foundation's string helpers
/// (case-insensitive search, trimming) cost more here than the HMAC itself.
struct HMACAuthorization: Sendable {
    /// Lower-cased, in the order the client signed them.
    var signedHeaders: [String]
    var signature: String

    /// Nil unless both `SignedHeaders` and `Signature` are present. Field names are matched
    /// case-insensitively and may be padded with spaces, as the SDKs' variants write them.
    init?(_ authorization: String) {
        var signedHeaders: [String]?
        var signature: String?
        let afterScheme = authorization.utf8.firstIndex(of: UInt8(ascii: " ")).map {
            authorization.utf8.index(after: $0)
        }
        for part in authorization.utf8[(afterScheme ?? authorization.utf8.startIndex)...].split(
            separator: UInt8(ascii: "&"))
        {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = Self.lowercasedTrimmed(part[..<equals])
            let value = Substring(part[part.index(after: equals)...])
            if name == "signedheaders" {
                signedHeaders = value.split(separator: ";").map { Self.lowercasedTrimmed($0.utf8) }
            } else if name == "signature" {
                signature = String(value)
            }
        }
        guard let signedHeaders, let signature else { return nil }
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    private static func lowercasedTrimmed(_ bytes: some Collection<UInt8>) -> String {
        var bytes = Array(bytes)
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        let start = bytes.firstIndex { $0 != UInt8(ascii: " ") } ?? bytes.endIndex
        return String(
            decoding: bytes[start...].map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

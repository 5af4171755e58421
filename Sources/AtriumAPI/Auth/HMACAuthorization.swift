/// The fields of an `HMAC-SHA256 SignedHeaders=a;b;c&Signature=…` Authorization value.
///
/// Parsed by hand on the value's bytes: it runs on every request, and Foundation's string helpers
/// (case-insensitive search, trimming) cost more here than the HMAC itself.
struct HMACAuthorization: Sendable {
    /// Lower-cased, in the order the client signed them.
    var signedHeaders: [String]
    var signature: String

    /// Nil unless both `SignedHeaders` and `Signature` are present. Field names are matched
    /// case-insensitively and may be padded with spaces, as the SDKs' variants write them.
    init?(_ authorization: String) {
        let bytes = Array(authorization.utf8)
        var signedHeaders: [String]?
        var signature: String?
        let afterScheme = bytes.firstIndex(of: UInt8(ascii: " ")).map { $0 + 1 } ?? 0
        for part in bytes[afterScheme...].split(separator: UInt8(ascii: "&")) {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = Self.trimmed(part[..<equals])
            let value = part[(equals + 1)...]
            if Self.equalsIgnoringCase(name, "signedheaders") {
                signedHeaders = value.split(separator: UInt8(ascii: ";")).map(Self.lowercasedTrimmed)
            } else if Self.equalsIgnoringCase(name, "signature") {
                signature = String(decoding: value, as: UTF8.self)
            }
        }
        guard let signedHeaders, let signature else { return nil }
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") }),
            let last = bytes.lastIndex(where: { $0 != UInt8(ascii: " ") })
        else { return [] }
        return bytes[first...last]
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercaseName: StaticString) -> Bool {
        bytes.count == lowercaseName.utf8CodeUnitCount
            && zip(bytes, UnsafeBufferPointer(start: lowercaseName.utf8Start, count: lowercaseName.utf8CodeUnitCount))
                .allSatisfy { lowercased($0) == $1 }
    }

    private static func lowercasedTrimmed(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: trimmed(bytes).map(lowercased), as: UTF8.self)
    }
}

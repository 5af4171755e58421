/// A `WWW-Authenticate` (401) or `Proxy-Authenticate` (407) digest challenge (RFC 2617, RFC 7616).
struct DigestChallenge: Sendable, Equatable {
    enum Algorithm: String, Sendable {
        case md5 = "MD5"
        case sha256 = "SHA-256"
    }

    var realm: String
    var nonce: String
    var opaque: String?
    var algorithm: Algorithm
    /// Whether the challenge offers `qop=auth` (then the answer carries qop, nc and cnonce).
    var offersAuthQop: Bool

    /// Parses a challenge; nil for another scheme, a missing realm or nonce, or an algorithm not supported
    /// (`-sess` variants and `auth-int` only are refused: answering them wrong would only earn another challenge).
    init?(parsing value: String) {
        let trimmed = value.trimmingSIPWhitespace()
        guard trimmed.lowercased().hasPrefix("digest ") else { return nil }
        var fields: [String: String] = [:]
        for element in SIPHeaderValue.splitList(String(trimmed.dropFirst("digest ".count))) {
            let pair = element.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            fields[pair[0].trimmingSIPWhitespace().lowercased()] = SIPHeaderValue.unquoted(
                pair[1].trimmingSIPWhitespace())
        }
        guard let realm = fields["realm"], let nonce = fields["nonce"] else { return nil }
        guard let algorithm = Algorithm(rawValue: (fields["algorithm"] ?? "MD5").uppercased()) else { return nil }
        let qops = (fields["qop"] ?? "").split(separator: ",").map { $0.trimmingSIPWhitespace().lowercased() }
        guard qops.isEmpty || qops.contains("auth") else { return nil }
        self.realm = realm
        self.nonce = nonce
        self.opaque = fields["opaque"]
        self.algorithm = algorithm
        self.offersAuthQop = qops.contains("auth")
    }
}

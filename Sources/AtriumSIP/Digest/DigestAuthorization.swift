import Crypto

/// The answer to a digest challenge, as an `Authorization` or `Proxy-Authorization` header value.
struct DigestAuthorization: Sendable, Equatable {
    var username: String
    var realm: String
    var nonce: String
    var uri: String
    var response: String
    var algorithm: DigestChallenge.Algorithm
    var opaque: String?
    /// Present with `qop=auth`: the client nonce and the nonce count.
    var cnonce: String?
    var nonceCount: String?

    /// Computes the response: `H(H(user:realm:password):nonce[:nc:cnonce:qop]:H(method:uri))`.
    init(
        challenge: DigestChallenge, credentials: SIPCredentials, method: String, uri: String, cnonce: String,
        nonceCount: UInt32 = 1
    ) {
        let hash = Self.hasher(challenge.algorithm)
        let ha1 = hash("\(credentials.username):\(challenge.realm):\(credentials.password)")
        let ha2 = hash("\(method):\(uri)")
        username = credentials.username
        realm = challenge.realm
        nonce = challenge.nonce
        self.uri = uri
        algorithm = challenge.algorithm
        opaque = challenge.opaque
        if challenge.offersAuthQop {
            let count = String(nonceCount, radix: 16)
            let nc = String(repeating: "0", count: max(0, 8 - count.count)) + count
            self.cnonce = cnonce
            self.nonceCount = nc
            response = hash("\(ha1):\(challenge.nonce):\(nc):\(cnonce):auth:\(ha2)")
        } else {
            response = hash("\(ha1):\(challenge.nonce):\(ha2)")
        }
    }

    var headerValue: String {
        var fields = [
            "username=\(SIPHeaderValue.quoted(username))", "realm=\(SIPHeaderValue.quoted(realm))",
            "nonce=\(SIPHeaderValue.quoted(nonce))", "uri=\(SIPHeaderValue.quoted(uri))",
            "response=\(SIPHeaderValue.quoted(response))", "algorithm=\(algorithm.rawValue)",
        ]
        if let cnonce, let nonceCount {
            fields += ["cnonce=\(SIPHeaderValue.quoted(cnonce))", "qop=auth", "nc=\(nonceCount)"]
        }
        if let opaque { fields.append("opaque=\(SIPHeaderValue.quoted(opaque))") }
        return "Digest " + fields.joined(separator: ", ")
    }

    private static func hasher(_ algorithm: DigestChallenge.Algorithm) -> (String) -> String {
        switch algorithm {
        case .md5: return { hex(Insecure.MD5.hash(data: Array($0.utf8))) }
        case .sha256: return { hex(SHA256.hash(data: Array($0.utf8))) }
        }
    }

    private static func hex(_ digest: some Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

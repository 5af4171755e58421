import Crypto
import Foundation

/// Verifies ACS HMAC-SHA256 request signatures, as the Azure SDKs compute them.
///
/// String to sign: `VERB\npathAndQuery\n<values of SignedHeaders joined by ;>`, keyed with the
/// base64-decoded access key. The Rooms client signs the percent-decoded path and query, the
/// Identity and Call Automation clients the raw one: both forms are tried.
public struct HMACAuthenticator: Sendable {
    /// The access key's bytes; user tokens derive their own key from them.
    let keyBytes: Data

    /// HMAC with the key already absorbed: a copy per request skips hashing the padded key again
    /// (HMAC is a value type; its hash state is copied on write).
    private let keyedMAC: HMAC<SHA256>

    /// The key is the access key's base64-decoded bytes.
    public init?(accessKey base64: String) {
        guard let bytes = Data(base64Encoded: base64), !bytes.isEmpty else { return nil }
        keyBytes = bytes
        keyedMAC = HMAC<SHA256>(key: SymmetricKey(data: bytes))
    }

    /// The parts of a request that take part in the signature.
    public struct SignedRequest: Sendable {
        public var method: String
        public var target: String
        public var headers: [String: String]  // lower-cased names; `host` is the authority
        public var body: [UInt8]

        public init(method: String, target: String, headers: [String: String], body: [UInt8]) {
            self.method = method
            self.target = target
            self.headers = headers
            self.body = body
        }
    }

    public func verify(_ request: SignedRequest, now: Date) throws(APIError) {
        try verify(request, authorization: request.headers["authorization"].flatMap(HMACAuthorization.init), now: now)
    }

    /// `authorization` is the request's Authorization header, already parsed (the middleware needs
    /// its header names first); nil when it is missing or malformed.
    func verify(_ request: SignedRequest, authorization parsed: HMACAuthorization?, now: Date) throws(APIError) {
        guard let authorization = request.headers["authorization"] else {
            throw .unauthorized("The Authorization header is missing: sign the request with HMAC-SHA256.")
        }
        guard authorization.hasPrefix("HMAC-SHA256 ") else {
            throw .unauthorized("The Authorization header must use the HMAC-SHA256 scheme.")
        }
        guard let parsed, !parsed.signedHeaders.isEmpty, let signatureBytes = Data(base64Encoded: parsed.signature)
        else { throw .unauthorized("The Authorization header must carry SignedHeaders and a base64 Signature.") }
        let names = parsed.signedHeaders
        guard names.contains("host"), names.contains("x-ms-content-sha256"),
            names.contains("x-ms-date") || names.contains("date")
        else { throw .unauthorized("SignedHeaders must include x-ms-date, host and x-ms-content-sha256.") }

        let bodyHash = Data(SHA256.hash(data: request.body)).base64EncodedString()
        guard request.headers["x-ms-content-sha256"] == bodyHash else {
            throw .unauthorized("x-ms-content-sha256 does not match the SHA-256 of the request body.")
        }
        guard let dateText = request.headers["x-ms-date"] ?? request.headers["date"],
            let date = HTTPDate.parse(dateText)
        else { throw .unauthorized("x-ms-date is missing or not an RFC 1123 date.") }
        guard abs(date.timeIntervalSince(now)) <= RequestLimits.maxClockSkewSeconds else {
            throw .unauthorized("x-ms-date is more than 15 minutes away from the server's time.")
        }

        var values: [String] = []
        for name in names {
            guard let value = request.headers[name] else { throw .unauthorized("Signed header \(name) is missing.") }
            values.append(value)
        }
        let signedValues = values.joined(separator: ";")
        func signs(_ target: String) -> Bool {
            var mac = keyedMAC
            mac.update(data: Array("\(request.method)\n\(target)\n\(signedValues)".utf8))
            return mac.finalize() == signatureBytes  // constant-time
        }
        if signs(request.target) { return }
        if let decoded = request.target.removingPercentEncoding, decoded != request.target, signs(decoded) { return }
        throw .unauthorized("The request signature is not valid for this access key.")
    }

    /// Signs a request the way the SDKs do (used by the benchmark client and tests).
    public func signature(method: String, target: String, date: String, host: String, bodyHash: String) -> String {
        var mac = keyedMAC
        mac.update(data: Array("\(method)\n\(target)\n\(date);\(host);\(bodyHash)".utf8))
        return Data(mac.finalize()).base64EncodedString()
    }
}

import AtriumAPI
import Crypto
import Foundation
import Testing

/// The signature check, exactly as the Azure SDKs sign.
struct HMACAuthenticatorTests {
    static let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let now = Date(timeIntervalSince1970: 1_764_000_000)  // Mon, 24 Nov 2025 16:00:00 GMT
    static let date = "Mon, 24 Nov 2025 16:00:00 GMT"
    let authenticator = HMACAuthenticator(accessKey: Self.key)!

    func request(
        target: String, signedTarget: String? = nil, body: String = "", date: String = Self.date, key: String = Self.key
    ) -> HMACAuthenticator.SignedRequest {
        let hash = Data(SHA256.hash(data: Data(body.utf8))).base64EncodedString()
        let signature = HMACAuthenticator(accessKey: key)!.signature(
            method: "POST", target: signedTarget ?? target, date: date, host: "127.0.0.1:8080", bodyHash: hash)
        return .init(
            method: "POST", target: target,
            headers: [
                "x-ms-date": date, "host": "127.0.0.1:8080", "x-ms-content-sha256": hash,
                "authorization": "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=\(signature)",
            ], body: Array(body.utf8))
    }

    @Test func aCorrectSignatureOverTheRawTargetIsAccepted() throws {
        try authenticator.verify(
            request(target: "/identities/8%3Aacs%3Ax/:issueAccessToken?api-version=2023-10-01"), now: Self.now)
    }

    @Test func aSignatureOverTheDecodedTargetIsAcceptedToo() throws {
        // The Rooms SDK signs the percent-decoded path and query.
        try authenticator.verify(
            request(target: "/rooms/x%3Ay?api-version=2025-03-13", signedTarget: "/rooms/x:y?api-version=2025-03-13"),
            now: Self.now)
    }

    @Test func anotherKeyIsRefused() {
        let other = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(throws: APIError.self) {
            try authenticator.verify(request(target: "/rooms", key: other), now: Self.now)
        }
    }

    @Test func aTamperedBodyIsRefused() {
        var tampered = request(target: "/rooms", body: #"{"pstnDialOutEnabled": false}"#)
        tampered.body = Array(#"{"pstnDialOutEnabled": true}"#.utf8)
        #expect(throws: APIError.self) { try authenticator.verify(tampered, now: Self.now) }
    }

    @Test func aDateBeyondFifteenMinutesIsRefusedEitherWay() throws {
        try authenticator.verify(request(target: "/rooms"), now: Self.now.addingTimeInterval(14 * 60))
        #expect(throws: APIError.self) {
            try authenticator.verify(request(target: "/rooms"), now: Self.now.addingTimeInterval(16 * 60))
        }
        #expect(throws: APIError.self) {
            try authenticator.verify(request(target: "/rooms"), now: Self.now.addingTimeInterval(-16 * 60))
        }
    }

    @Test func missingOrForeignAuthorizationIsRefused() {
        var missing = request(target: "/rooms")
        missing.headers["authorization"] = nil
        #expect(throws: APIError.self) { try authenticator.verify(missing, now: Self.now) }
        var bearer = request(target: "/rooms")
        bearer.headers["authorization"] = "Bearer abc"
        #expect(throws: APIError.self) { try authenticator.verify(bearer, now: Self.now) }
    }
}

/// `x-ms-date` as the SDKs and HTTP libraries write it, and what is not a date.
struct SignedDateTests {
    let authenticator = HMACAuthenticator(accessKey: HMACAuthenticatorTests.key)!

    func verify(date: String, now: Date) throws {
        try authenticator.verify(HMACAuthenticatorTests().request(target: "/rooms", date: date), now: now)
    }

    @Test func aSingleDigitDayExtraSpacesAndUTCAreAccepted() throws {
        let now = Date(timeIntervalSince1970: 1_764_547_200)  // Mon, 1 Dec 2025 00:00:00 GMT
        try verify(date: "Mon, 1 Dec 2025 00:00:00 GMT", now: now)
        try verify(date: "Mon, 01 Dec 2025 00:00:00 UTC", now: now)
        try verify(date: "Mon,  01  Dec 2025 00:00:00 GMT", now: now)
        try verify(date: "Sun, 30 Nov 2025 23:59:59 GMT", now: now)
    }

    @Test(arguments: [
        "", "Mon, 24 Nov 2025 16:00:00", "Mon 24 Nov 2025 16:00:00 GMT", "Mon, 24 Nov 2025 16:00:00 CET",
        "Mon, 24 Foo 2025 16:00:00 GMT", "Mon, 31 Nov 2025 16:00:00 GMT", "Mon, 24 Nov 2025 24:00:00 GMT",
        "Mon, 24 Nov 2025 16-00-00 GMT", "Mon, 24 Nov 25 16:00:00 GMT", "Mon, 124 Nov 2025 16:00:00 GMT",
        "Mon, +4 Nov 2025 16:00:00 GMT", "Mon, 24 Nov 2025 16:00:00 GMT extra", "2025-11-24T16:00:00Z",
    ])
    func whatIsNotAnRFC1123DateIsRefused(date: String) {
        #expect(throws: APIError.self) { try verify(date: date, now: HMACAuthenticatorTests.now) }
    }
}

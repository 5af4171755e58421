import Crypto
import Foundation
import Testing

@testable import AtriumSIP

@Suite("Digest authentication answers")
struct DigestTests {
    @Test("RFC 2617 §3.5's worked example gives its response")
    func rfc2617Example() throws {
        let challenge = try #require(
            DigestChallenge(
                parsing:
                    #"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#
            ))
        let answer = DigestAuthorization(
            challenge: challenge, credentials: SIPCredentials(username: "Mufasa", password: "Circle Of Life"),
            method: "GET", uri: "/dir/index.html", cnonce: "0a4f113b")
        #expect(answer.response == "6629fae49393a05397450978507c4ef1")
        #expect(answer.headerValue.contains(#"qop=auth, nc=00000001"#))
        #expect(answer.headerValue.contains(#"opaque="5ccc069c403ebaf9f0171e9517f40e41""#))
        #expect(answer.headerValue.contains(#"uri="/dir/index.html""#))
    }

    @Test("without qop the response is MD5(HA1:nonce:HA2) and carries no cnonce")
    func withoutQop() throws {
        let challenge = try #require(DigestChallenge(parsing: #"Digest realm="sip.example", nonce="abc123""#))
        let answer = DigestAuthorization(
            challenge: challenge, credentials: SIPCredentials(username: "alice", password: "s3cret"),
            method: "INVITE", uri: "sip:+1@sip.example", cnonce: "unused")
        func md5(_ text: String) -> String {
            Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }
        let expected = md5("\(md5("alice:sip.example:s3cret")):abc123:\(md5("INVITE:sip:+1@sip.example"))")
        #expect(answer.response == expected)
        #expect(!answer.headerValue.contains("cnonce") && !answer.headerValue.contains("qop"))
    }

    @Test(
        "challenges of other schemes, without a nonce, or with auth-int only are not answered",
        arguments: [
            #"Basic realm="x""#, #"Digest realm="x""#, #"Digest realm="x", nonce="n", qop="auth-int""#,
            #"Digest realm="x", nonce="n", algorithm=MD5-sess"#,
        ])
    func refuses(value: String) {
        #expect(DigestChallenge(parsing: value) == nil)
    }

    @Test("credentials never show their password")
    func redactsPassword() {
        let credentials = SIPCredentials(username: "alice", password: "hunter2")
        #expect(!"\(credentials)".contains("hunter2"))
        #expect(!String(reflecting: credentials).contains("hunter2"))
        let configuration = SIPUserAgentConfiguration(trunk: SIPTrunk(host: "h"), credentials: credentials)
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(dumped.contains("alice") && !dumped.contains("hunter2"))
        #expect(!"\(configuration)".contains("hunter2"))
    }
}

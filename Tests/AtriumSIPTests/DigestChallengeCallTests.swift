import Crypto
import Foundation
import NIOCore
import Testing

@testable import AtriumSIP

/// Debian's SIPp cannot check digest answers, so this test's own UAS challenges with 401 (qop=auth) and checks
/// the Authorization with its own MD5 computation.
@Suite("Digest challenges from a trunk", .timeLimit(.minutes(1)))
struct DigestChallengeCallTests {
    static let credentials = SIPCredentials(username: "atrium-trunk", password: "correct horse")

    static func md5(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The fields of a `Digest a="b", c=d` value.
    static func fields(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in value.dropFirst("Digest ".count).components(separatedBy: ", ") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            result[pair[0]] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return result
    }

    static func challenge(_ request: SIPMessage, nonce: String, status: Int = 401) -> SIPMessage {
        SIPMessage.response(
            to: request, status: status,
            reason: status == 401 ? "Unauthorized" : "Proxy Authentication Required", toTag: "uas-\(nonce)",
            headers: [
                SIPHeader(
                    status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate",
                    #"Digest realm="atrium.test", nonce="\#(nonce)", qop="auth", algorithm=MD5, opaque="op4que""#)
            ])
    }

    @Test(
        "a 401 (Authorization) or 407 (Proxy-Authorization) is answered once: same Call-ID and From tag, CSeq + 1, new branch, uri the Request-URI; nothing of the credentials logged",
        arguments: [(401, "Authorization"), (407, "Proxy-Authorization")])
    func answersChallenge(status: Int, answerHeader: String) async throws {
        let uas = try await UDPPeer.start()
        let log = CapturedLog()
        let agent = try await UserAgentFixture.start(
            trunk: "sip:127.0.0.1:\(uas.port)", credentials: Self.credentials, logger: log.logger())
        let call = try await agent.invite(UserAgentFixture.call("digest-ok-\(status)@atrium.test"))
        let recorder = EventRecorder.record(call)

        let first = try #require(await uas.inbox.next { $0.method == "INVITE" })
        #expect(first.message[answerHeader] == nil)
        try await uas.send(Self.challenge(first.message, nonce: "n0nce1", status: status), to: first.from)
        let ack = try #require(await uas.inbox.next { $0.method == "ACK" })
        #expect(ack.message.topVia?.branch == first.message.topVia?.branch)
        #expect(ack.message.cseq == SIPCSeq(first.message.cseq?.number ?? 0, "ACK"))

        let second = try #require(await uas.inbox.next { $0.method == "INVITE" })
        #expect(second.message.callId == first.message.callId)
        #expect(second.message["From"] == first.message["From"])
        #expect(second.message.cseq?.number == (first.message.cseq?.number ?? 0) + 1)
        #expect(second.message.topVia?.branch != first.message.topVia?.branch)
        let authorization = Self.fields(try #require(second.message[answerHeader]))
        let uri = try #require(second.message.requestURI)
        #expect(authorization["uri"] == uri)
        #expect(authorization["username"] == "atrium-trunk")
        #expect(authorization["realm"] == "atrium.test" && authorization["nonce"] == "n0nce1")
        #expect(authorization["qop"] == "auth" && authorization["nc"] == "00000001")
        #expect(authorization["opaque"] == "op4que")
        let cnonce = try #require(authorization["cnonce"])
        let ha1 = Self.md5("atrium-trunk:atrium.test:correct horse")
        let ha2 = Self.md5("INVITE:\(uri)")
        #expect(authorization["response"] == Self.md5("\(ha1):n0nce1:00000001:\(cnonce):auth:\(ha2)"))

        var ok = SIPMessage.response(
            to: second.message, status: 200, reason: "OK", toTag: "uas-ok",
            headers: [
                SIPHeader("Contact", "<sip:uas@127.0.0.1:\(uas.port)>"), SIPHeader("Content-Type", "application/sdp"),
            ])
        ok.body = SessionDescription.offer(address: "127.0.0.1", port: 31_950, sessionId: 9).text
        try await uas.send(ok, to: second.from)
        let answered = await recorder.wait { $0.contains(where: \.isAnswered) }
        #expect(answered.count == 1 && answered.first?.isAnswered == true)
        let ackOfOK = try #require(await uas.inbox.next { $0.method == "ACK" })
        #expect(ackOfOK.message.cseq == SIPCSeq(second.message.cseq?.number ?? 0, "ACK"))
        #expect(ackOfOK.message.requestURI == "sip:uas@127.0.0.1:\(uas.port)")

        await call.hangUp()
        let bye = try #require(await uas.inbox.next { $0.method == "BYE" })
        #expect(bye.message.cseq?.number == (second.message.cseq?.number ?? 0) + 1)
        try await uas.send(SIPMessage.response(to: bye.message, status: 200, reason: "OK", toTag: nil), to: bye.from)
        #expect(await recorder.waitForEnd().last == .ended(byRemote: false, status: 200))
        await agent.shutdown()
        await uas.close()
        // Every line logged, at trace level, is free of the password and of the digest answer.
        #expect(log.text.contains("SIP challenge answered"))
        #expect(!log.text.contains("correct horse"))
        #expect(!log.text.contains(authorization["response"] ?? "?"))
    }

    @Test("a trunk that challenges the answered challenge again fails the call with its 401, no loop")
    func challengedTwice() async throws {
        let uas = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(uas.port)", credentials: Self.credentials)
        let call = try await agent.invite(UserAgentFixture.call("digest-twice@atrium.test"))
        let recorder = EventRecorder.record(call)
        let first = try #require(await uas.inbox.next { $0.method == "INVITE" })
        try await uas.send(Self.challenge(first.message, nonce: "one"), to: first.from)
        let second = try #require(await uas.inbox.next { $0.method == "INVITE" })
        #expect(second.message["Authorization"] != nil)
        try await uas.send(Self.challenge(second.message, nonce: "two"), to: second.from)
        #expect(await recorder.waitForEnd() == [.failed(status: 401, reason: "Unauthorized")])
        // Both challenges acknowledged, and no third INVITE.
        try await Task.sleep(for: .milliseconds(700))
        let methods = await uas.inbox.messages.compactMap(\.message.method)
        #expect(methods == ["INVITE", "ACK", "INVITE", "ACK"])
        await agent.shutdown()
        await uas.close()
    }

    @Test("without credentials a challenge fails the call at once")
    func noCredentials() async throws {
        let uas = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(uas.port)")
        let call = try await agent.invite(UserAgentFixture.call("digest-none@atrium.test"))
        let recorder = EventRecorder.record(call)
        let first = try #require(await uas.inbox.next { $0.method == "INVITE" })
        var challenge = Self.challenge(first.message, nonce: "x")
        challenge.startLine = .response(status: 407, reason: "Proxy Authentication Required")
        challenge.set("Proxy-Authenticate", challenge["WWW-Authenticate"] ?? "")
        challenge.remove("WWW-Authenticate")
        try await uas.send(challenge, to: first.from)
        #expect(await recorder.waitForEnd() == [.failed(status: 407, reason: "Proxy Authentication Required")])
        await agent.shutdown()
        await uas.close()
    }
}

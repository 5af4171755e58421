import Foundation
import NIOCore
import Testing

@testable import AtriumSIP

/// The far end played step by step by the test on a UDP socket: what SIPp cannot be made to do on cue
/// (retransmit a response, send a re-INVITE, an unknown method, a malformed datagram, or nothing at all).
@Suite("A scripted far end", .timeLimit(.minutes(1)))
struct ScriptedPeerTests {
    static func ok(_ request: SIPMessage, peerPort: Int, sdp: Bool = true) -> SIPMessage {
        var response = SIPMessage.response(
            to: request, status: 200, reason: "OK", toTag: "far",
            headers: [
                SIPHeader("Record-Route", "<sip:127.0.0.1:\(peerPort);lr>"),
                SIPHeader("Contact", "<sip:far@127.0.0.1:\(peerPort)>"),
            ])
        if sdp {
            response.add("Content-Type", "application/sdp")
            response.body = SessionDescription.offer(address: "127.0.0.1", port: 31_960, sessionId: 5).text
        }
        return response
    }

    /// A request from the far end inside the dialog the test's INVITE made.
    static func request(_ method: String, cseq: UInt32, in invite: SIPMessage, peerPort: Int, fromTag: String = "far")
        -> SIPMessage
    {
        var request = SIPMessage(
            .request(method: method, uri: invite["Contact"].flatMap(SIPNameAddress.init(parsing:))?.uri ?? ""))
        request.add("Via", "SIP/2.0/UDP 127.0.0.1:\(peerPort);branch=z9hG4bK\(method)\(cseq)\(fromTag)")
        request.add("From", "<sip:far@127.0.0.1>;tag=\(fromTag)")
        request.add("To", invite["From"] ?? "")
        request.add("Call-ID", invite.callId ?? "")
        request.add("CSeq", "\(cseq) \(method)")
        request.add("Max-Forwards", "70")
        return request
    }

    @Test(
        "a retransmitted 180 or 200 gives one event (and a second ACK); 183's SDP is early media; the route set and remote target shape the ACK"
    )
    func retransmittedAnswer() async throws {
        let peer = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(peer.port)")
        let call = try await agent.invite(UserAgentFixture.call("retransmit@atrium.test"))
        let recorder = EventRecorder.record(call)
        let invite = try #require(await peer.inbox.next { $0.method == "INVITE" })
        var ringing = SIPMessage.response(to: invite.message, status: 180, reason: "Ringing", toTag: "far")
        ringing.add("Contact", "<sip:far@127.0.0.1:\(peer.port)>")
        try await peer.send(ringing, to: invite.from)
        try await peer.send(ringing, to: invite.from)
        var progress = SIPMessage.response(to: invite.message, status: 183, reason: "Session Progress", toTag: "far")
        progress.add("Content-Type", "application/sdp")
        progress.body = SessionDescription.offer(address: "127.0.0.1", port: 31_970, sessionId: 6).text
        try await peer.send(progress, to: invite.from)
        let ok = Self.ok(invite.message, peerPort: peer.port)
        try await peer.send(ok, to: invite.from)
        let firstAck = try #require(await peer.inbox.next { $0.method == "ACK" })
        try await peer.send(ok, to: invite.from)
        let secondAck = try #require(await peer.inbox.next { $0.method == "ACK" })
        #expect(firstAck.message == secondAck.message)
        #expect(firstAck.message.requestURI == "sip:far@127.0.0.1:\(peer.port)")
        #expect(firstAck.message.values("Route") == ["<sip:127.0.0.1:\(peer.port);lr>"])
        #expect(firstAck.message.topVia?.branch != invite.message.topVia?.branch)
        #expect(firstAck.message["To"]?.hasSuffix(";tag=far") == true)
        let events = await recorder.wait(upTo: .milliseconds(300)) { _ in false }
        #expect(events.count == 3)
        #expect(events.first == .ringing(status: 180, earlyMedia: nil))
        #expect(events.dropFirst().first == .ringing(status: 183, earlyMedia: progress.body))
        #expect(events.last?.answer == ok.body)
        await agent.shutdown()
        await peer.close()
    }

    @Test("in the dialog: their re-INVITE gets 200 with our SDP, OPTIONS 200, INFO 501, wrong tags 481, BYE 200")
    func answersTheirRequests() async throws {
        let peer = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(peer.port)")
        let outgoing = UserAgentFixture.call("their-requests@atrium.test")
        let call = try await agent.invite(outgoing)
        let recorder = EventRecorder.record(call)
        let invite = try #require(await peer.inbox.next { $0.method == "INVITE" })
        try await peer.send(Self.ok(invite.message, peerPort: peer.port), to: invite.from)
        _ = try #require(await peer.inbox.next { $0.method == "ACK" })
        let agentAddress = invite.from

        func exchange(_ request: SIPMessage) async throws -> SIPMessage? {
            try await peer.send(request, to: agentAddress)
            return await peer.inbox.next { $0.status != nil && $0.cseq == request.cseq }?.message
        }
        var reinvite = Self.request("INVITE", cseq: 10, in: invite.message, peerPort: peer.port)
        reinvite.add("Content-Type", "application/sdp")
        reinvite.body = SessionDescription.offer(address: "127.0.0.1", port: 31_962, sessionId: 5).text
        let reinviteAnswer = try #require(try await exchange(reinvite))
        #expect(reinviteAnswer.status == 200)
        #expect(reinviteAnswer.body == outgoing.offer)
        // Without their ACK our 200 is sent again (UDP).
        let again = try #require(await peer.inbox.next(upTo: .seconds(2)) { $0.status == 200 && $0.cseq?.number == 10 })
        #expect(again.message == reinviteAnswer)
        var ack = Self.request("ACK", cseq: 10, in: invite.message, peerPort: peer.port)
        ack.remove("Max-Forwards")
        try await peer.send(ack, to: agentAddress)

        #expect(
            try await exchange(Self.request("OPTIONS", cseq: 11, in: invite.message, peerPort: peer.port))?.status
                == 200)
        #expect(
            try await exchange(Self.request("INFO", cseq: 12, in: invite.message, peerPort: peer.port))?.status == 501)
        let stranger = Self.request("BYE", cseq: 13, in: invite.message, peerPort: peer.port, fromTag: "stranger")
        #expect(try await exchange(stranger)?.status == 481)
        // Garbage on the socket is dropped; the dialog carries on.
        try await peer.sendRaw("INVITE garbage\r\n\r\n", to: agentAddress)
        #expect(await recorder.events.count == 1)

        let bye = Self.request("BYE", cseq: 14, in: invite.message, peerPort: peer.port)
        #expect(try await exchange(bye)?.status == 200)
        // Their retransmitted BYE gets the same 200, and no second event.
        #expect(try await exchange(bye)?.status == 200)
        let events = await recorder.waitForEnd()
        #expect(events.count == 2)
        #expect(events.last == .ended(byRemote: true, status: nil))
        await agent.shutdown()
        await peer.close()
    }

    @Test("a request for no dialog gets 481; an OPTIONS ping outside any dialog gets 200")
    func unknownDialog() async throws {
        let peer = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(peer.port)")
        let agentAddress = try SocketAddress(ipAddress: "127.0.0.1", port: agent.localPort)
        var bye = SIPMessage(.request(method: "BYE", uri: "sip:atrium@127.0.0.1:\(agent.localPort)"))
        bye.add("Via", "SIP/2.0/UDP 127.0.0.1:\(peer.port);branch=z9hG4bKunknown")
        bye.add("From", "<sip:far@127.0.0.1>;tag=a")
        bye.add("To", "<sip:atrium@127.0.0.1>;tag=b")
        bye.add("Call-ID", "nobody@atrium.test")
        bye.add("CSeq", "1 BYE")
        try await peer.send(bye, to: agentAddress)
        #expect(await peer.inbox.next()?.message.status == 481)
        var options = bye
        options.startLine = .request(method: "OPTIONS", uri: "sip:atrium@127.0.0.1")
        options.set("To", "<sip:atrium@127.0.0.1>")
        options.set("CSeq", "2 OPTIONS")
        try await peer.send(options, to: agentAddress)
        #expect(await peer.inbox.next()?.message.status == 200)
        await agent.shutdown()
        await peer.close()
    }

    @Test("a trunk that never answers: the INVITE is resent from T1 doubling (Timer A), then 408 at 64×T1 (Timer B)")
    func timerB() async throws {
        let peer = try await UDPPeer.start()
        // T1 of 50 ms: Timer B at 3.2 s instead of 32 s, the same rules.
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(peer.port)", t1: .milliseconds(50))
        let started = ContinuousClock.now
        let call = try await agent.invite(UserAgentFixture.call("silent@atrium.test"))
        let events = await EventRecorder.record(call).waitForEnd()
        let elapsed = ContinuousClock.now - started
        #expect(events == [.failed(status: 408, reason: "Request Timeout")])
        #expect(elapsed >= .milliseconds(3_100) && elapsed < .seconds(6))
        let invites = await peer.inbox.messages.filter { $0.message.method == "INVITE" }
        // Sent at 0, 50, 150, 350, 750, 1550 and 3150 ms (the last one may lose its race with Timer B under load).
        #expect((6...7).contains(invites.count))
        #expect(Set(invites.compactMap(\.message.topVia?.branch)).count == 1)
        await agent.shutdown()
        await peer.close()
    }

    @Test("a phone may ring past 64×T1: Timer B stops at the first provisional, the ring timeout bounds the call")
    func ringsPastTimerB() async throws {
        let peer = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(peer.port)", t1: .milliseconds(50))
        let call = try await agent.invite(UserAgentFixture.call("long-ring@atrium.test", ringTimeout: .seconds(10)))
        let recorder = EventRecorder.record(call)
        let invite = try #require(await peer.inbox.next { $0.method == "INVITE" })
        try await peer.send(
            SIPMessage.response(to: invite.message, status: 180, reason: "Ringing", toTag: "far"), to: invite.from)
        try await Task.sleep(for: .milliseconds(3_600))  // past 64×T1 = 3.2 s
        try await peer.send(Self.ok(invite.message, peerPort: peer.port), to: invite.from)
        let events = await recorder.wait { $0.contains(where: \.isAnswered) }
        #expect(events.count == 2 && events.last?.isAnswered == true)
        await agent.shutdown()
        await peer.close()
    }

    @Test("a CANCEL whose INVITE never gets its 487 ends the call 64×T1 later with 408")
    func cancelWithoutFinal() async throws {
        let peer = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(peer.port)", t1: .milliseconds(50))
        let call = try await agent.invite(UserAgentFixture.call("no-487@atrium.test", ringTimeout: .milliseconds(500)))
        let recorder = EventRecorder.record(call)
        let invite = try #require(await peer.inbox.next { $0.method == "INVITE" })
        try await peer.send(
            SIPMessage.response(to: invite.message, status: 180, reason: "Ringing", toTag: "far"), to: invite.from)
        let cancel = try #require(await peer.inbox.next { $0.method == "CANCEL" })
        let canceledAt = ContinuousClock.now
        try await peer.send(
            SIPMessage.response(to: cancel.message, status: 200, reason: "OK", toTag: "far"), to: cancel.from)
        let events = await recorder.waitForEnd()
        #expect(events.last == .failed(status: 408, reason: "Request Timeout"))
        #expect(ContinuousClock.now - canceledAt >= .milliseconds(3_100))
        await agent.shutdown()
        await peer.close()
    }

    @Test("hanging up before any provisional waits for one, then cancels (RFC 3261 §9.1)")
    func cancelWaitsForProvisional() async throws {
        let peer = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(peer.port)")
        let call = try await agent.invite(UserAgentFixture.call("early-hangup@atrium.test"))
        let recorder = EventRecorder.record(call)
        let invite = try #require(await peer.inbox.next { $0.method == "INVITE" })
        await call.hangUp()
        #expect(await peer.inbox.next(upTo: .milliseconds(300)) { $0.method == "CANCEL" } == nil)
        try await peer.send(
            SIPMessage.response(to: invite.message, status: 100, reason: "Trying", toTag: nil), to: invite.from)
        let cancel = try #require(await peer.inbox.next { $0.method == "CANCEL" })
        #expect(cancel.message.topVia?.branch == invite.message.topVia?.branch)
        #expect(cancel.message.cseq == SIPCSeq(invite.message.cseq?.number ?? 0, "CANCEL"))
        #expect(cancel.message.requestURI == invite.message.requestURI)
        try await peer.send(
            SIPMessage.response(to: cancel.message, status: 200, reason: "OK", toTag: "far"), to: cancel.from)
        try await peer.send(
            SIPMessage.response(to: invite.message, status: 487, reason: "Request Terminated", toTag: "far"),
            to: invite.from)
        #expect(await recorder.waitForEnd() == [.trying, .canceled])
        let ack = try #require(await peer.inbox.next { $0.method == "ACK" })
        #expect(ack.message.topVia?.branch == invite.message.topVia?.branch)
        await agent.shutdown()
        await peer.close()
    }

    @Test("shutdown ends a live call with BYE within about a second")
    func shutdownEndsCalls() async throws {
        let peer = try await UDPPeer.start()
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(peer.port)")
        let call = try await agent.invite(UserAgentFixture.call("shutdown@atrium.test"))
        let recorder = EventRecorder.record(call)
        let invite = try #require(await peer.inbox.next { $0.method == "INVITE" })
        try await peer.send(Self.ok(invite.message, peerPort: peer.port), to: invite.from)
        _ = await recorder.wait { $0.contains(where: \.isAnswered) }
        let started = ContinuousClock.now
        await agent.shutdown()  // the peer never answers the BYE
        #expect(ContinuousClock.now - started < .seconds(2), "bounded by about a second, not by Timer F")
        #expect(await peer.inbox.next { $0.method == "BYE" } != nil)
        #expect(await recorder.waitForEnd(upTo: .seconds(1)).last == .ended(byRemote: false, status: nil))
        await peer.close()
    }
}

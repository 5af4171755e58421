import AtriumSIP
import Foundation
import Testing

/// Calls against SIPp playing a phone (the scenarios in `Scenarios/`): each asserts that SIPp ran its whole
/// scenario (exit status 0 and one successful call: every request it expected arrived as it expected) and the
/// events the call gave.
@Suite("Calls against SIPp", .enabled(if: SIPpProcess.isInstalled), .timeLimit(.minutes(1)))
struct SIPpCallTests {
    @Test("a phone that answers: trying, ringing, answered; hold and unhold by re-INVITE; our BYE gets its 200")
    func answersOverUDP() async throws {
        try await answers(tcp: false)
    }

    @Test("the same call over TCP: one connection, framed by Content-Length")
    func answersOverTCP() async throws {
        try await answers(tcp: true)
    }

    private func answers(tcp: Bool) async throws {
        let sipp = try await SIPpProcess.start("uas_answers.xml", tcp: tcp)
        let port = sipp.port
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(port)" + (tcp ? ";transport=tcp" : ""))
        let call = try await agent.invite(UserAgentFixture.call("answers-\(tcp)@atrium.test"))
        let recorder = EventRecorder.record(call)
        let answered = await recorder.wait { $0.contains(where: \.isAnswered) }
        #expect(answered.count == 3)
        #expect(answered.prefix(2) == [.trying, .ringing(status: 180, earlyMedia: nil)])
        let answer = try SessionDescription.parse(try #require(answered.last?.answer))
        #expect(answer.codec == .pcma)
        #expect(answer.telephoneEventPayloadType == 101)
        #expect(answer.remoteAddress == "127.0.0.1" && answer.audioPort == port + 1_000)
        try await call.hold()
        try await call.unhold()
        await call.hangUp()
        let events = await recorder.waitForEnd()
        #expect(events.last == .ended(byRemote: false, status: 200))
        #expect(events.count == 4)
        let status = await sipp.exitStatus()
        #expect(status == 0 && sipp.successfulCalls == 1, "sipp:\n\(sipp.traces)")
        await agent.shutdown()
    }

    @Test(
        "busy: 486 is the outcome, and acknowledged",
        arguments: [("uas_busy.xml", 486, "Busy Here"), ("uas_declines.xml", 603, "Decline")])
    func refused(scenario: String, status: Int, reason: String) async throws {
        let sipp = try await SIPpProcess.start(scenario)
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(sipp.port)")
        let call = try await agent.invite(UserAgentFixture.call("refused-\(status)@atrium.test"))
        let events = await EventRecorder.record(call).waitForEnd()
        #expect(events == [.trying, .failed(status: status, reason: reason)])
        let exit = await sipp.exitStatus()
        #expect(exit == 0 && sipp.successfulCalls == 1, "sipp:\n\(sipp.traces)")
        await agent.shutdown()
    }

    @Test("a phone that rings past the ring timeout gets our CANCEL, and the call fails 408")
    func ringTimeout() async throws {
        let sipp = try await SIPpProcess.start("uas_rings_forever.xml")
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(sipp.port)")
        let started = ContinuousClock.now
        let call = try await agent.invite(UserAgentFixture.call("rings@atrium.test", ringTimeout: .seconds(1)))
        let events = await EventRecorder.record(call).waitForEnd()
        #expect(events == [.ringing(status: 180, earlyMedia: nil), .failed(status: 408, reason: "Request Timeout")])
        #expect(ContinuousClock.now - started < .seconds(6), "CANCEL at the 1 s ring timeout, not at Timer B (32 s)")
        let exit = await sipp.exitStatus()
        #expect(exit == 0 && sipp.successfulCalls == 1, "sipp:\n\(sipp.traces)")
        await agent.shutdown()
    }

    @Test("hanging up a ringing call sends CANCEL; its 487 makes the call canceled")
    func hangUpWhileRinging() async throws {
        let sipp = try await SIPpProcess.start("uas_rings_forever.xml")
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(sipp.port)")
        let call = try await agent.invite(UserAgentFixture.call("hangup-ringing@atrium.test"))
        let recorder = EventRecorder.record(call)
        _ = await recorder.wait { !$0.isEmpty }
        await call.hangUp()
        let events = await recorder.waitForEnd()
        #expect(events == [.ringing(status: 180, earlyMedia: nil), .canceled])
        let exit = await sipp.exitStatus()
        #expect(exit == 0 && sipp.successfulCalls == 1, "sipp:\n\(sipp.traces)")
        await agent.shutdown()
    }

    @Test(
        "a phone that answers then hangs up: its BYE (over UDP, or on our TCP connection) gets our 200 and ends the call",
        arguments: [false, true])
    func remoteHangsUp(tcp: Bool) async throws {
        let sipp = try await SIPpProcess.start("uas_hangs_up.xml", tcp: tcp)
        let agent = try await UserAgentFixture.start(
            trunk: "sip:127.0.0.1:\(sipp.port)" + (tcp ? ";transport=tcp" : ""))
        let call = try await agent.invite(UserAgentFixture.call("remote-bye-\(tcp)@atrium.test"))
        let events = await EventRecorder.record(call).waitForEnd()
        #expect(events.count == 3)
        #expect(events.first == .ringing(status: 180, earlyMedia: nil))
        #expect(events.dropFirst().first?.isAnswered == true)
        #expect(events.last == .ended(byRemote: true, status: nil))
        let exit = await sipp.exitStatus()
        #expect(exit == 0 && sipp.successfulCalls == 1, "sipp:\n\(sipp.traces)")
        await agent.shutdown()
    }

    @Test("fifty calls at once: each gets its own outcome, routed by Call-ID")
    func manyCallsAtOnce() async throws {
        let count = 50
        let sipp = try await SIPpProcess.start("uas_busy.xml", calls: count)
        let agent = try await UserAgentFixture.start(trunk: "sip:127.0.0.1:\(sipp.port)")
        let started = ContinuousClock.now
        let outcomes = try await withThrowingTaskGroup(of: [SIPCallEvent].self) { group in
            for index in 0..<count {
                group.addTask {
                    let call = try await agent.invite(UserAgentFixture.call("many-\(index)@atrium.test"))
                    return await EventRecorder.record(call).waitForEnd()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - started
        #expect(outcomes.count == count)
        #expect(outcomes.allSatisfy { $0 == [.trying, .failed(status: 486, reason: "Busy Here")] })
        let exit = await sipp.exitStatus()
        #expect(exit == 0 && sipp.successfulCalls == count, "sipp:\n\(sipp.traces.prefix(4_000))")
        print("SIP: \(count) concurrent calls (INVITE, 100, 486, ACK) against SIPp in \(elapsed)")
        await agent.shutdown()
    }
}

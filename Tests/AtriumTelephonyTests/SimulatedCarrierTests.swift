import AtriumDomain
import Foundation
import Testing

@testable import AtriumTelephony

/// The simulated carrier's documented number patterns: the last four digits script the outcome.
struct SimulatedCarrierTests {
    let carrier = SimulatedCarrier()
    let cause = CarrierCause(correlationId: UUID(), causationId: UUID())

    func place(_ number: String, timeout: Duration = .seconds(30)) async throws -> [CarrierReport] {
        try await carrier.place(
            OutboundCall(
                leg: PhoneLeg(callId: "c", rawId: "4:" + number), callerId: "+18005550100", ringingTimeout: timeout,
                legId: "leg", cause: cause))
    }

    @Test func answersAfterAsManySecondsAsItsThirdToLastDigitSays() async throws {
        #expect(
            try await place("+14255550120") == [
                CarrierReport(after: .seconds(1), .legAnswered(rawId: "4:+14255550120"))
            ])
        #expect(
            try await place("+14255555300") == [
                CarrierReport(after: .seconds(3), .legAnswered(rawId: "4:+14255555300"))
            ])
    }

    @Test func busyDeclinedAndUnreachableFailWithTheirSIPStatus() async throws {
        let busy = try await place("+14255551200")
        #expect(busy == [CarrierReport(after: .seconds(2), .legFailed(rawId: "4:+14255551200", failure: .init(.busy)))])
        #expect(PhoneLegFailure(.busy).sipCode == 486)
        let declined = try await place("+14255553000")
        #expect(
            declined == [CarrierReport(after: .zero, .legFailed(rawId: "4:+14255553000", failure: .init(.declined)))])
        #expect(PhoneLegFailure(.declined).sipCode == 603)
        let unreachable = try await place("+14255554100")
        #expect(
            unreachable == [
                CarrierReport(after: .seconds(1), .legFailed(rawId: "4:+14255554100", failure: .init(.unreachable)))
            ])
    }

    @Test func noAnswerRingsUntilTheInvitationTimesOut() async throws {
        let reports = try await place("+14255552000", timeout: .seconds(7))
        #expect(
            reports == [
                CarrierReport(after: .seconds(7), .legFailed(rawId: "4:+14255552000", failure: .init(.noAnswer)))
            ])
        // An answer slower than the timeout is no answer either.
        let slow = try await place("+14255550900", timeout: .seconds(5))
        #expect(
            slow == [CarrierReport(after: .seconds(5), .legFailed(rawId: "4:+14255550900", failure: .init(.noAnswer)))])
    }

    @Test func aScriptedLineHangsUpAfterTensOfSeconds() async throws {
        let reports = try await place("+14255550203")
        #expect(
            reports == [
                CarrierReport(after: .seconds(2), .legAnswered(rawId: "4:+14255550203")),
                CarrierReport(after: .seconds(32), .legHungUp(rawId: "4:+14255550203")),
            ])
    }

    @Test func aLineAskedForInputPressesItsDigitThenPoundASecondLater() async throws {
        let leg = PhoneLeg(callId: "c", rawId: "4:+14255550170")
        #expect(
            try await carrier.listen(to: leg, after: .seconds(3)) == [
                CarrierReport(after: .seconds(4), .tonesPressed(rawId: leg.rawId, tones: [.seven, .pound]))
            ])
        let silent = PhoneLeg(callId: "c", rawId: "4:+14255550100")
        #expect(try await carrier.listen(to: silent, after: .zero).isEmpty)
    }

    @Test func sendingTonesTakesAFifthOfASecondEach() async throws {
        let leg = PhoneLeg(callId: "c", rawId: "4:+14255550100")
        #expect(
            try await carrier.sendTones([.one, .two, .pound], to: leg, operationId: "op", cause: cause) == [
                CarrierReport(after: .milliseconds(600), .tonesSent(operationId: "op"))
            ])
    }
}

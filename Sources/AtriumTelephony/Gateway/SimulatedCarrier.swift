import AtriumDomain
import Foundation

/// The built-in telephone network: deterministic, so that tests and demos can be reproduced.
///
/// The last four digits `WXYZ` of the dialled number decide what happens:
///
/// | digit | meaning |
/// |---|---|
/// | W | outcome: 0 and 5–9 answer, 1 busy, 2 no answer (rings until the invitation times out), 3 declines, 4 unreachable |
/// | X | seconds until the outcome (ringing time) |
/// | Y | keys the person presses when a recognition listens to the line: 0 none, 1–9 that digit then `#` |
/// | Z | after answering, hangs up after Z × 10 seconds (0: stays until removed) |
///
/// So `+14255550120` answers after 1 s and, asked for input, presses `2#`; `+14255551200` is busy
/// after 2 s; `+14255552000` never answers. A person presses keys one second after the line is
/// asked (after the recognition's prompt), and each send of tones takes 200 ms per tone. A play
/// lasts its sources' documented duration (`PlaySource.duration`): nothing is fetched or spoken.
public struct SimulatedCarrier: PSTNGateway {
    public let name = "simulated"

    public init() {}

    /// What the number's digits script.
    public struct Script: Equatable, Sendable {
        public enum Outcome: Equatable, Sendable {
            case answer
            case fail(PhoneLegFailure.Reason)
        }

        public var outcome: Outcome
        public var delay: Duration
        public var keys: [DtmfTone]
        public var hangUpAfter: Duration?

        public init(phoneNumber: String) {
            let digits = phoneNumber.filter(\.isNumber).compactMap(\.wholeNumberValue)
            let last = Array(([0, 0, 0, 0] + digits).suffix(4))
            outcome =
                switch last[0] {
                case 1: .fail(.busy)
                case 2: .fail(.noAnswer)
                case 3: .fail(.declined)
                case 4: .fail(.unreachable)
                default: .answer
                }
            delay = .seconds(last[1])
            keys = last[2] == 0 ? [] : [DtmfTone(character: Character(String(last[2])))].compactMap { $0 } + [.pound]
            hangUpAfter = last[3] == 0 ? nil : .seconds(last[3] * 10)
        }
    }

    static let responseDelay = Duration.seconds(1)

    public func place(_ call: OutboundCall) async throws -> [CarrierReport] {
        let script = Script(phoneNumber: call.leg.phoneNumber)
        let rawId = call.leg.rawId
        switch script.outcome {
        case .answer:
            guard script.delay < call.ringingTimeout else {
                return [CarrierReport(after: call.ringingTimeout, .legFailed(rawId: rawId, failure: .init(.noAnswer)))]
            }
            var reports = [CarrierReport(after: script.delay, .legAnswered(rawId: rawId))]
            if let hangUp = script.hangUpAfter {
                reports.append(CarrierReport(after: script.delay + hangUp, .legHungUp(rawId: rawId)))
            }
            return reports
        case .fail(.noAnswer):
            return [CarrierReport(after: call.ringingTimeout, .legFailed(rawId: rawId, failure: .init(.noAnswer)))]
        case .fail(let reason):
            let after = min(script.delay, call.ringingTimeout)
            return [CarrierReport(after: after, .legFailed(rawId: rawId, failure: .init(reason)))]
        }
    }

    public func hangUp(_ leg: PhoneLeg) async throws -> [CarrierReport] {
        []  // nothing rings any more; reports still scheduled for the leg find it gone
    }

    public func play(_ operation: PlayOperation, to legs: [PhoneLeg], cause: CarrierCause) async throws
        -> [CarrierReport]
    {
        guard let duration = operation.duration else { return [] }  // a loop: until canceled
        return [CarrierReport(after: duration, .playFinished(operationId: operation.operationId))]
    }

    public func stopPlaying(_ operationId: String) async throws -> [CarrierReport] {
        []
    }

    public func startRecording(_ recording: CallRecording, callId: String, cause: CarrierCause) async throws
        -> [CarrierReport]
    {
        []  // no audio to record: the recording is its state only
    }

    public func stopRecording(_ recordingId: String) async throws -> [CarrierReport] {
        []
    }

    public func hold(_ leg: PhoneLeg, onHold: Bool) async throws -> [CarrierReport] {
        []  // no audio to hold
    }

    public func sendTones(_ tones: [DtmfTone], to leg: PhoneLeg, operationId: String, cause: CarrierCause)
        async throws -> [CarrierReport]
    {
        [CarrierReport(after: .milliseconds(200 * tones.count), .tonesSent(operationId: operationId))]
    }

    public func listen(to leg: PhoneLeg, after: Duration) async throws -> [CarrierReport] {
        let keys = Script(phoneNumber: leg.phoneNumber).keys
        guard !keys.isEmpty else { return [] }
        return [CarrierReport(after: after + Self.responseDelay, .tonesPressed(rawId: leg.rawId, tones: keys))]
    }
}

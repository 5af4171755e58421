import AtriumDomain
import Foundation

/// The telephone network Atrium dials out through.
///
/// The telephony policy calls it for what the log asks (dial a leg, hang one up, send tones,
/// listen to a line) and records what the network reports as commands on the call. Each method
/// returns the reports the gateway already knows of, with the delay after which they happen:
/// the simulated carrier knows everything in advance; a trunk that learns of events
/// asynchronously (SIP responses, RFC 4733 tones) returns nothing here and reports each one as a
/// `CallCommand.progress` on the call when it arrives.
///
/// A method may be called again for the same leg after a crash (the policy's batch is retried):
/// `OutboundCall.legId` is stable, so a real trunk can recognise a dial it already placed.
public protocol PSTNGateway: Sendable {
    /// Who reports, as the audit trail shows it (`carrier:<name>`).
    var name: String { get }

    func place(_ call: OutboundCall) async throws -> [CarrierReport]
    func hangUp(_ leg: PhoneLeg) async throws -> [CarrierReport]
    /// Holds the line (the far end hears nothing, and is not heard) or takes it off hold.
    func hold(_ leg: PhoneLeg, onHold: Bool) async throws -> [CarrierReport]
    func sendTones(_ tones: [DtmfTone], to leg: PhoneLeg, operationId: String, cause: CarrierCause) async throws
        -> [CarrierReport]
    /// Plays `operation` to the phone legs among its listeners (perhaps none): the reports say
    /// when it ends (a loop ends only when stopped) or why it failed.
    func play(_ operation: PlayOperation, to legs: [PhoneLeg], cause: CarrierCause) async throws -> [CarrierReport]
    /// A play canceled: whatever of it is still playing stops.
    func stopPlaying(_ operationId: String) async throws -> [CarrierReport]
    /// Records the call's audio until `stopRecording` (or the call's end): the reports say when
    /// the file is ready.
    func startRecording(_ recording: CallRecording, callId: String, cause: CarrierCause) async throws
        -> [CarrierReport]
    /// Stops a recording (stopped, or its call ended); its file is reported when written.
    func stopRecording(_ recordingId: String) async throws -> [CarrierReport]
    /// The line is asked for keys: a recognition (after its prompt) or continuous recognition
    /// listens to it from `after` on.
    func listen(to leg: PhoneLeg, after: Duration) async throws -> [CarrierReport]
}

/// A call to a phone number, to be placed as a leg of a room call.
public struct OutboundCall: Sendable, Equatable {
    public var leg: PhoneLeg
    /// The number the callee sees.
    public var callerId: String?
    /// How long it may ring before it counts as unanswered.
    public var ringingTimeout: Duration
    /// Stable across retries: derived from the log event that asked for the dial.
    public var legId: String
    /// The event that asked for the dial: what the leg's later reports are recorded as caused by.
    public var cause: CarrierCause

    public init(leg: PhoneLeg, callerId: String?, ringingTimeout: Duration, legId: String, cause: CarrierCause) {
        self.leg = leg
        self.callerId = callerId
        self.ringingTimeout = ringingTimeout
        self.legId = legId
        self.cause = cause
    }
}

/// The log event a gateway acts on, for the reports that come of it later (an answer, a hang-up,
/// tones sent): they are recorded with its correlation and as caused by it.
public struct CarrierCause: Sendable, Equatable {
    public var correlationId: UUID
    public var causationId: UUID

    public init(correlationId: UUID, causationId: UUID) {
        self.correlationId = correlationId
        self.causationId = causationId
    }
}

/// A phone leg of a call: `4:+<E.164>` in call `callId`.
public struct PhoneLeg: Sendable, Equatable {
    public var callId: String
    public var rawId: String

    public init(callId: String, rawId: String) {
        self.callId = callId
        self.rawId = rawId
    }

    /// The number without its `4:` prefix.
    public var phoneNumber: String { String(rawId.dropFirst(2)) }
}

/// Something the network will report about a leg, `after` the action that caused it.
public struct CarrierReport: Sendable, Equatable {
    public var after: Duration
    public var progress: CallProgress

    public init(after: Duration, _ progress: CallProgress) {
        self.after = after
        self.progress = progress
    }
}

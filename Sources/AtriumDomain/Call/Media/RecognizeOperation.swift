/// A DTMF recognition a call connection asked for, as ACS's `recognize` with `dtmfOptions`.
public struct RecognizeOperation: Codable, Equatable, Sendable {
    public var operationId: String
    public var connectionId: String
    public var operationContext: String?
    /// The participant whose keys are collected.
    public var targetRawId: String
    public var maxTonesToCollect: Int
    public var stopTones: [DtmfTone]
    public var initialSilenceTimeoutSeconds: Int
    public var interToneTimeoutSeconds: Int
    /// Played to the target before listening starts (silence counts from its end).
    public var prompt: [PlaySource]

    public init(
        operationId: String, connectionId: String, operationContext: String?, targetRawId: String,
        maxTonesToCollect: Int, stopTones: [DtmfTone], initialSilenceTimeoutSeconds: Int,
        interToneTimeoutSeconds: Int, prompt: [PlaySource]
    ) {
        self.operationId = operationId
        self.connectionId = connectionId
        self.operationContext = operationContext
        self.targetRawId = targetRawId
        self.maxTonesToCollect = maxTonesToCollect
        self.stopTones = stopTones
        self.initialSilenceTimeoutSeconds = initialSilenceTimeoutSeconds
        self.interToneTimeoutSeconds = interToneTimeoutSeconds
        self.prompt = prompt
    }

    /// How long the prompt plays before the target is listened to.
    public var promptDuration: Duration {
        prompt.reduce(Duration.zero) { $0 + $1.duration }
    }
}

/// Why a recognition ended well, with ACS's result sub-codes.
public enum RecognizeCompletion: String, Codable, Sendable {
    case maxTonesReceived = "MaxTonesReceived"
    case stopToneDetected = "StopToneDetected"
    case interToneTimeout = "InterToneTimeout"
}

/// Tones to send to a participant (ACS `sendDtmfTones`).
public struct SendDtmfOperation: Codable, Equatable, Sendable {
    public var operationId: String
    public var connectionId: String
    public var operationContext: String?
    public var targetRawId: String
    public var tones: [DtmfTone]

    public init(
        operationId: String, connectionId: String, operationContext: String?, targetRawId: String,
        tones: [DtmfTone]
    ) {
        self.operationId = operationId
        self.connectionId = connectionId
        self.operationContext = operationContext
        self.targetRawId = targetRawId
        self.tones = tones
    }

    /// A tone and the gap after it take a fifth of a second on the line.
    public var duration: Duration { .milliseconds(200 * tones.count) }
}

/// The media operations of a call as they stand: what plays, what waits to play, what listens.
public struct CallMedia: Equatable, Sendable {
    /// The play being heard; plays run one at a time, in the order asked.
    public var playing: PlayOperation?
    public var queued: [PlayOperation] = []
    public var recognition: Recognition?
    /// Participants whose keys are reported one by one, and to which connection.
    public var continuousDtmf: [ContinuousDtmf] = []
    public var sending: [SendDtmfOperation] = []
    /// Tones received in the call so far: numbers continuous recognition's tone events.
    public var tonesReceived = 0

    public init() {}

    public struct Recognition: Equatable, Sendable {
        public var operation: RecognizeOperation
        public var collected: [DtmfTone] = []
    }

    public struct ContinuousDtmf: Codable, Equatable, Sendable {
        public var rawId: String
        public var connectionId: String
        public var operationContext: String?

        public init(rawId: String, connectionId: String, operationContext: String?) {
            self.rawId = rawId
            self.connectionId = connectionId
            self.operationContext = operationContext
        }
    }

    public func play(_ operationId: String) -> PlayOperation? {
        if playing?.operationId == operationId { return playing }
        return queued.first { $0.operationId == operationId }
    }

    /// The play is over (completed, canceled or failed), whether it was playing or waiting.
    mutating func end(_ operationId: String) {
        if playing?.operationId == operationId { playing = nil }
        queued.removeAll { $0.operationId == operationId }
    }
}

/// Audio ready to send: 8 kHz mono 16-bit samples.
public struct AudioPrompt: Sendable, Hashable {
    public static let sampleRate = 8_000

    public var samples: [Int16]

    public init(samples: [Int16]) {
        self.samples = samples
    }

    /// How long it plays.
    public var duration: Duration {
        .nanoseconds(Int64(samples.count) * 1_000_000_000 / Int64(Self.sampleRate))
    }
}

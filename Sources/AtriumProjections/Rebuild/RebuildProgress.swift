/// How far a rebuild has got, for a progress bar or log lines.
public struct RebuildProgress: Sendable {
    public enum Phase: String, Sendable {
        /// Applying the log up to where it stood when the rebuild began.
        case replaying
        /// Applying what was appended meanwhile.
        case catchingUp = "catching up"
        /// Making the new tables durable and analysed.
        case sealing
        /// Applying the last events with writers held off, and swapping the tables in.
        case swapping
        /// Comparing the new tables with the live ones (verify).
        case comparing
    }

    public var phase: Phase
    /// Log events replayed so far (of every stream: the log is read in order, whatever it holds).
    public var eventsDone: Int
    /// Log events to replay as far as known now; it grows while appends go on.
    public var eventsTotal: Int
    public var elapsed: Duration

    public init(phase: Phase, eventsDone: Int, eventsTotal: Int, elapsed: Duration) {
        self.phase = phase
        self.eventsDone = eventsDone
        self.eventsTotal = eventsTotal
        self.elapsed = elapsed
    }

    public var eventsPerSecond: Double {
        let seconds = elapsed.seconds
        return seconds > 0 ? Double(eventsDone) / seconds : 0
    }

    /// At the rate so far; nil until there is a rate.
    public var estimatedRemaining: Duration? {
        let rate = eventsPerSecond
        guard rate > 0 else { return nil }
        return .seconds(Double(max(eventsTotal - eventsDone, 0)) / rate)
    }

    public var fractionDone: Double {
        eventsTotal > 0 ? min(Double(eventsDone) / Double(eventsTotal), 1) : 1
    }
}

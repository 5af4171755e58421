/// The RFC 4733 packets of a run of digits, one step per 20 ms tick: for each digit a 100 ms tone
/// (the same timestamp throughout, the duration growing by 160 each packet, the marker on the first),
/// its end packet sent three times (§2.5.1.4), then 60 ms before the next digit.
struct DigitSender {
    enum Step {
        case event(TelephoneEvent, timestamp: UInt32, marker: Bool)
        /// Nothing to send this tick (the gap between digits): the leg's audio stays muted.
        case pause
    }

    static let toneTicks = 5
    static let endTicks = 3
    static let gapTicks = 3
    static let ticksPerTick = UInt16(160)

    let digits: [(digit: Character, code: UInt8)]
    private(set) var digitIndex = 0
    private var tick = 0
    private var eventTimestamp: UInt32 = 0

    init(digits: [(digit: Character, code: UInt8)]) {
        self.digits = digits
    }

    var isFinished: Bool { digitIndex >= digits.count }

    /// The step for this tick, whose audio timestamp is `timestamp`, and the digit whose last end packet
    /// it is, if any.
    mutating func next(timestamp: UInt32) -> (step: Step, completed: Character?) {
        let (digit, code) = digits[digitIndex]
        if tick == 0 { eventTimestamp = timestamp }
        let step: Step
        var completed: Character?
        switch tick {
        case 0..<Self.toneTicks:
            let event = TelephoneEvent(event: code, isEnd: false, duration: Self.ticksPerTick * UInt16(tick + 1))
            step = .event(event, timestamp: eventTimestamp, marker: tick == 0)
        case Self.toneTicks..<(Self.toneTicks + Self.endTicks):
            let event = TelephoneEvent(event: code, isEnd: true, duration: Self.ticksPerTick * UInt16(Self.toneTicks))
            step = .event(event, timestamp: eventTimestamp, marker: false)
            if tick == Self.toneTicks + Self.endTicks - 1 { completed = digit }
        default:
            step = .pause
        }
        tick += 1
        let lastDigit = digitIndex == digits.count - 1
        let ticksOfThisDigit = Self.toneTicks + Self.endTicks + (lastDigit ? 0 : Self.gapTicks)
        if tick == ticksOfThisDigit {
            tick = 0
            digitIndex += 1
        }
        return (step, completed)
    }
}

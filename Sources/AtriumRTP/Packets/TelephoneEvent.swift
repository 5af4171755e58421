/// An RFC 4733 telephone-event payload (§2.3): the event, its end bit, volume and duration so far.
public struct TelephoneEvent: Sendable, Hashable {
    /// 0-9, 10 `*`, 11 `#`, 12-15 `A`-`D` (RFC 4733 §3.2).
    public var event: UInt8
    public var isEnd: Bool
    /// Power level in -dBm0, 0...63.
    public var volume: UInt8
    /// In timestamp units (8 kHz) since the event's timestamp.
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    /// Parses the first 4 bytes of a payload; nil when shorter (RFC 4733 allows several events in one
    /// packet only with redundancy, which is not negotiated here).
    public init?(payload: [UInt8]) {
        guard payload.count >= 4 else { return nil }
        self.event = payload[0]
        self.isEnd = payload[1] & 0x80 != 0
        self.volume = payload[1] & 0x3F
        self.duration = UInt16(payload[2]) << 8 | UInt16(payload[3])
    }

    /// The 4 payload bytes.
    public var payload: [UInt8] {
        [event, (isEnd ? 0x80 : 0) | volume & 0x3F, UInt8(duration >> 8), UInt8(duration & 0xFF)]
    }

    private static let digits: [Character] = Array("0123456789*#ABCD")

    /// The DTMF digit of the event, nil for the other events (flash, tones…).
    public var digit: Character? {
        Int(event) < Self.digits.count ? Self.digits[Int(event)] : nil
    }

    /// The event code of a DTMF digit (`a`-`d` accepted), nil for anything else.
    public static func code(of digit: Character) -> UInt8? {
        let upper = Character(digit.uppercased())
        return digits.firstIndex(of: upper).map { UInt8($0) }
    }
}

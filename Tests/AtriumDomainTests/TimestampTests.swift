import AtriumDomain
import Foundation
import Testing

@Suite("Timestamps")
struct TimestampTests {
    /// Whole microseconds since 1970: how the log and the wire see an instant.
    func micros(_ date: Date?) -> Int64? {
        date.map { Int64(($0.timeIntervalSince1970 * 1_000_000).rounded()) }
    }

    /// 2026-01-01T00:00:00Z in microseconds since 1970.
    let newYear: Int64 = 1_767_225_600_000_000

    // MARK: Formatting

    @Test("instants are printed with seven fractional digits and +00:00, as ACS does")
    func format() {
        #expect(Timestamp.format(now) == "2026-01-01T00:00:00.0000000+00:00")
        #expect(
            Timestamp.format(Date(timeIntervalSince1970: 1_714_557_600.123456)) == "2024-05-01T10:00:00.1234560+00:00")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.0000000+00:00")
        #expect(Timestamp.format(now.addingTimeInterval(days(180))) == "2026-06-30T00:00:00.0000000+00:00")
    }

    // A Date near today resolves about a quarter of a microsecond, so rounding is checked well away from the half.

    @Test("printing rounds to the microsecond")
    func formatRounds() {
        #expect(
            Timestamp.format(Date(timeIntervalSince1970: 1_714_557_600.9999999)) == "2024-05-01T10:00:01.0000000+00:00")
        #expect(
            Timestamp.format(Date(timeIntervalSince1970: 1_714_557_600.0000001)) == "2024-05-01T10:00:00.0000000+00:00")
        #expect(
            Timestamp.format(Date(timeIntervalSince1970: 1_714_557_600.1234569)) == "2024-05-01T10:00:00.1234570+00:00")
    }

    @Test("instants before 1970 are printed on the right side of the second")
    func formatBefore1970() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.5000000+00:00")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -86_400)) == "1969-12-31T00:00:00.0000000+00:00")
    }

    // MARK: Parsing

    @Test("UTC with Z")
    func parseZ() {
        #expect(micros(Timestamp.parse("2026-01-01T00:00:00Z")) == newYear)
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
    }

    @Test(
        "offsets are applied",
        arguments: [
            "2026-01-01T02:00:00+02:00", "2025-12-31T19:00:00-05:00", "2026-01-01T05:30:00+05:30",
            "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00-00:00", "2026-01-01T00:00:00.0000000+00:00",
        ])
    func parseOffsets(text: String) {
        #expect(micros(Timestamp.parse(text)) == newYear)
    }

    @Test(
        "from none to nine fractional digits",
        arguments: [
            ("", 0), (".5", 500_000), (".12", 120_000), (".123", 123_000), (".1234", 123_400), (".12345", 123_450),
            (".123456", 123_456), (".1234560", 123_456), (".12345600", 123_456), (".123456000", 123_456),
            (".000001", 1), (".0000010", 1), (".999999", 999_999),
        ] as [(String, Int64)])
    func parseFractions(fraction: String, expected: Int64) {
        #expect(micros(Timestamp.parse("2026-01-01T00:00:00\(fraction)Z")) == newYear + expected)
    }

    @Test("lower-case t and z, and a space for the T, are accepted")
    func parseLowerCase() {
        #expect(micros(Timestamp.parse("2026-01-01t00:00:00z")) == newYear)
        #expect(micros(Timestamp.parse("2026-01-01t00:00:00.5z")) == newYear + 500_000)
        #expect(micros(Timestamp.parse("2026-01-01 00:00:00Z")) == newYear)
    }

    @Test("29 February exists in leap years only")
    func leapYears() {
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2025-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("1900-02-29T00:00:00Z") == nil)
    }

    @Test(
        "anything that is not RFC 3339 is refused",
        arguments: [
            "", "garbage", "2026", "2026-01-01", "2026-01-01T00:00", "2026-01-01T00:00:00",
            "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z",
            "2026-04-31T00:00:00Z", "2026-02-30T00:00:00Z",
            "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:61Z",
            "2026-1-01T00:00:00Z", "26-01-01T00:00:00Z", "2026/01/01T00:00:00Z", "2026-01-01X00:00:00Z",
            "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00,5Z", "2026-01-01T00:00:00ZZ", "2026-01-01T00:00:00Z ",
            " 2026-01-01T00:00:00Z", "2026-01-01T00:00:00+0200", "2026-01-01T00:00:00+02", "2026-01-01T00:00:00 +02:00",
            "2026-01-01T00:00:00UTC", "２０２６-01-01T00:00:00Z",
        ])
    func parseRejects(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test(
        "an offset beyond 23:59 is not RFC 3339",
        arguments: ["2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+99:99", "2026-01-01T00:00:00-00:60"])
    func parseRejectsImpossibleOffsets(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    // MARK: Round trips

    @Test(
        "what is printed parses back to itself",
        arguments: [
            "2024-05-01T10:00:00.1234560+00:00", "1999-12-31T23:59:59.9999990+00:00",
            "2026-01-01T00:00:00.0000010+00:00",
            "2024-02-29T12:34:56.5000000+00:00", "2026-06-30T00:00:00.0000000+00:00",
            "2100-12-31T23:59:59.0000000+00:00",
        ])
    func formatParseRoundTrip(text: String) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(Timestamp.format(date) == text)
    }

    @Test("any microsecond instant survives printing and parsing")
    func microsecondRoundTrip() throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<10_000 {
            // Between 2000 and 2100, to the microsecond.
            let value = Int64.random(in: 946_684_800_000_000..<4_102_444_800_000_000, using: &generator)
            let date = Timestamp.normalized(Date(timeIntervalSince1970: Double(value) / 1_000_000))
            let text = Timestamp.format(date)
            let parsed = try #require(Timestamp.parse(text))
            #expect(micros(parsed) == value, "\(text)")
            #expect(Timestamp.format(parsed) == text)
            #expect(parsed == date, "\(text)")
        }
    }

    // MARK: Normalizing

    @Test("normalizing rounds to the nearest microsecond")
    func normalized() {
        let base = 1_714_557_600.0
        #expect(micros(Timestamp.normalized(Date(timeIntervalSince1970: base + 0.0000001))) == 1_714_557_600_000_000)
        #expect(micros(Timestamp.normalized(Date(timeIntervalSince1970: base + 0.0000009))) == 1_714_557_600_000_001)
        #expect(micros(Timestamp.normalized(Date(timeIntervalSince1970: base + 0.1234569))) == 1_714_557_600_123_457)
        #expect(micros(Timestamp.normalized(Date(timeIntervalSince1970: base + 0.1234561))) == 1_714_557_600_123_456)
        #expect(Timestamp.normalized(now) == now)
    }

    @Test("normalizing twice changes nothing more")
    func normalizedIsIdempotent() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<1_000 {
            let seconds = Double.random(in: 946_684_800..<4_102_444_800, using: &generator)
            let once = Timestamp.normalized(Date(timeIntervalSince1970: seconds))
            #expect(Timestamp.normalized(once) == once)
        }
    }
}

import Foundation

/// Instants as the log and the wire carry them: microsecond precision (PostgreSQL's), ISO 8601 in UTC.
public enum Timestamp {
    /// Rounds to whole microseconds so that an instant survives a trip through PostgreSQL unchanged.
    public static func normalized(_ date: Date) -> Date {
        let micros = microseconds(date)
        return Date(timeIntervalSince1970: Double(micros.seconds) + Double(micros.fraction) / 1_000_000)
    }

    /// Whole seconds and microseconds. Splitting before scaling keeps the fraction exact: the whole
    /// epoch times 10⁶ would round in the last bits of a Double.
    private static func microseconds(_ date: Date) -> (seconds: Int64, fraction: Int64) {
        let interval = date.timeIntervalSince1970
        var seconds = Int64(interval.rounded(.down))
        var fraction = Int64(((interval - Double(seconds)) * 1_000_000).rounded())
        if fraction == 1_000_000 {
            seconds += 1
            fraction = 0
        }
        return (seconds, fraction)
    }

    /// `2024-05-01T10:00:00.1234560+00:00`: the seven fractional digits and offset ACS prints.
    public static func format(_ date: Date) -> String {
        let (seconds, fraction) = microseconds(date)
        let (year, month, day, hour, minute, second) = civil(fromUnixSeconds: seconds)
        // Digits written straight into a fixed buffer: this runs several times per request.
        var bytes = Array("0000-00-00T00:00:00.0000000+00:00".utf8)
        func put(_ value: Int, at end: Int, width: Int) {
            var value = value
            for index in stride(from: end, to: end - width, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 3, width: 4)
        put(month, at: 6, width: 2)
        put(day, at: 9, width: 2)
        put(hour, at: 12, width: 2)
        put(minute, at: 15, width: 2)
        put(second, at: 18, width: 2)
        put(Int(fraction) * 10, at: 26, width: 7)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`), any number of fractional digits.
    public static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= chars.count else { return nil }
            var value = 0
            for offset in 0..<digits {
                let c = chars[index + offset]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            index += digits
            return value
        }
        func expect(_ allowed: String) -> Bool {
            guard index < chars.count, allowed.utf8.contains(chars[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        var micros = 0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(chars[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds = 0
        if expect("Zz") {
        } else if index < chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            let sign = chars[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2), offsetHours < 24,
                offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == chars.count,
            let local = unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        let utcSeconds = local - Int64(offsetSeconds)
        // Years 0001 to 9999 in UTC, once the offset is applied: what four digits can print back and
        // PostgreSQL can store.
        guard (earliestUnixSeconds...latestUnixSeconds).contains(utcSeconds) else { return nil }
        return Date(timeIntervalSince1970: Double(utcSeconds) + Double(micros) / 1_000_000)
    }

    /// A UTC calendar date and time of day (years 0001 to 9999); nil if no such moment exists.
    public static func utc(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...9999).contains(year),
            let seconds = unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// Seconds since the epoch of a calendar date and time of day read as UTC; nil when the month,
    /// day or time does not exist (a leap second, 60, is let through).
    private static func unixSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second)
        else { return nil }
        return Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    private static let earliestUnixSeconds = Int64(daysFromCivil(year: 1, month: 1, day: 1)) * 86_400
    private static let latestUnixSeconds = Int64(daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400 - 1

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithm: exact for the proleptic Gregorian calendar.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromUnixSeconds seconds: Int64) -> (Int, Int, Int, Int, Int, Int) {
        var days = Int(seconds / 86_400)
        var secondOfDay = Int(seconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }
}

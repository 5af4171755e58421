import AtriumDomain
import Foundation

/// RFC 1123 dates (`Tue, 25 Nov 2026 01:00:00 GMT`), as `x-ms-date` and `Repeatability-First-Sent` carry them.
enum HTTPDate {
    private static let months: [[UInt8]] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .map { Array($0.utf8) }

    /// Read straight from the bytes: every signed request carries one, and splitting it into strings
    /// cost more than the signature check's hashing.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        // Six fields separated by runs of spaces: weekday with its comma, day, month, year, time, zone.
        var fields: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: " ") {
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: " ") { index += 1 }
            fields.append(start..<index)
            guard fields.count <= 6 else { return nil }
        }
        guard fields.count == 6, bytes[fields[0].upperBound - 1] == UInt8(ascii: ","),
            bytes[fields[5]].elementsEqual("GMT".utf8) || bytes[fields[5]].elementsEqual("UTC".utf8),
            let monthIndex = months.firstIndex(where: { $0.elementsEqual(bytes[fields[2]]) }),
            (1...2).contains(fields[1].count), fields[3].count == 4, fields[4].count == 8,
            let day = number(bytes[fields[1]]), let year = number(bytes[fields[3]])
        else { return nil }
        let time = bytes[fields[4]]
        let start = time.startIndex
        guard time[start + 2] == UInt8(ascii: ":"), time[start + 5] == UInt8(ascii: ":"),
            let hour = number(time[start..<start + 2]), let minute = number(time[start + 3..<start + 5]),
            let second = number(time[start + 6..<start + 8])
        else { return nil }
        return Timestamp.utc(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
    }

    /// Decimal digits only (no sign, no spaces).
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }
}

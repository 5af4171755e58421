import AtriumDomain
import Foundation

/// RFC 1123 dates (`Tue, 25 Nov 2026 01:00:00 GMT`), as `x-ms-date` and `Repeatability-First-Sent` carry them.
enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT" || parts[5] == "UTC", parts[0].hasSuffix(","),
            let month = months.firstIndex(of: String(parts[2])), parts[1].count <= 2, parts[3].count == 4,
            parts[4].count == 8
        else { return nil }
        let day = parts[1].count == 1 ? "0" + parts[1] : String(parts[1])
        return Timestamp.parse("\(parts[3])-\(month < 9 ? "0" : "")\(month + 1)-\(day)T\(parts[4])Z")
    }
}

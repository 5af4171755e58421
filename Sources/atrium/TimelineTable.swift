import AtriumDomain
import AtriumProjections

/// A stream's timeline as aligned text columns: one line per event, for people.
struct TimelineTable {
    static let headers = ["#", "RECORDED AT", "ACTOR", "WHAT", "CAUSED BY", "CORRELATION", "COMMAND", "REQUEST"]

    let stream: StreamName
    let entries: [TimelineEntry]

    var rows: [[String]] {
        entries.map { entry in
            [
                String(entry.version),
                Timestamp.format(entry.recordedAt),
                entry.metadata.actor,
                entry.description,
                cause(of: entry),
                entry.metadata.correlationId.uuidString.lowercased(),
                entry.metadata.command,
                entry.metadata.requestId ?? "-",
            ]
        }
    }

    /// A cause in the same stream is named by its version, one elsewhere by its stream too; an id
    /// that names no event of the log (a request, say) is shown as it is.
    func cause(of entry: TimelineEntry) -> String {
        if let cause = entry.cause {
            let place = cause.streamId == stream.streamId ? "#\(cause.version)" : "\(cause.streamId)#\(cause.version)"
            return "\(place) \(cause.eventType)"
        }
        return entry.metadata.causationId?.uuidString.lowercased() ?? "-"
    }

    var text: String {
        let table = [Self.headers] + rows
        let widths = Self.headers.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            row.indices.map { column in
                // The last column is not padded: no trailing blanks.
                column == row.count - 1
                    ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ") + "\n"
        }
        .joined()
    }
}

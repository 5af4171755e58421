import CoreMetrics

/// Commands as operators see them (through swift-metrics; `atrium serve` exports Prometheus text):
/// how many of each ended how, how often writers collided, how long appends take.
enum CommandMetrics {
    /// `outcome`: appended, unchanged, replayed (a repeatable request's stored answer), refused (a
    /// broken rule or bad input), failed.
    static func completed(_ command: String, outcome: String) {
        Counter(label: "atrium_commands_total", dimensions: [("command", command), ("outcome", outcome)]).increment()
    }

    /// Another writer appended to the stream first; the command is decided again.
    static func conflicted(_ command: String) {
        Counter(label: "atrium_command_conflicts_total", dimensions: [("command", command)]).increment()
    }

    static func appended(after duration: Duration) {
        Timer(label: "atrium_append_duration_seconds").recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}

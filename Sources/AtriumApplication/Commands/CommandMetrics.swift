import CoreMetrics
import Synchronization

/// Commands as operators see them (through swift-metrics; `atrium serve` exports Prometheus text):
/// how many of each ended how, how often writers collided, how long appends take.
enum CommandMetrics {
    /// `outcome`: appended, unchanged, replayed (a repeatable request's stored answer), refused (a
    /// broken rule or bad input), failed.
    static func completed(_ command: String, outcome: String) {
        counter("atrium_commands_total", [("command", command), ("outcome", outcome)]).increment()
    }

    /// Another writer appended to the stream first; the command is decided again.
    static func conflicted(_ command: String) {
        counter("atrium_command_conflicts_total", [("command", command)]).increment()
    }

    static func appended(after duration: Duration) {
        appendDuration.recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    // Made once, when first used: the metrics system is bootstrapped before any command runs.
    private static let appendDuration = Timer(label: "atrium_append_duration_seconds")

    /// Counters by label and dimensions, made once each: making one goes through the metrics
    /// factory (a lock, name validation, a registry lookup), and this runs on every command.
    private static let counters = Mutex<[[String]: Counter]>([:])

    private static func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = [label] + dimensions.flatMap { [$0.0, $0.1] }
        return counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions)
            counters[key] = counter
            return counter
        }
    }
}

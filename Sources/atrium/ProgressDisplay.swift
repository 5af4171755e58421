import AtriumProjections
import Foundation

/// Shows a rebuild's progress on stderr: a bar redrawn in place on a terminal, a plain line every
/// few seconds (and at each new phase) when stderr goes to a file or a pipe.
final class ProgressDisplay: @unchecked Sendable {  // its state is guarded by `lock`
    private let title: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var lastShown: ContinuousClock.Instant?
    private var lastPhase: RebuildProgress.Phase?
    private var drewBar = false

    init(title: String) {
        self.title = title
    }

    func show(_ progress: RebuildProgress) {
        lock.withLock {
            let now = ContinuousClock.now
            let newPhase = progress.phase != lastPhase
            let interval: Duration = isTerminal ? .milliseconds(100) : .seconds(2)
            guard newPhase || lastShown.map({ now - $0 >= interval }) ?? true else { return }
            lastShown = now
            lastPhase = progress.phase
            if isTerminal {
                write("\r\u{1B}[K" + bar(progress))
                drewBar = true
            } else {
                write(line(progress) + "\n")
            }
        }
    }

    /// Ends the bar's line, so that what follows starts on a line of its own.
    func finish() {
        lock.withLock {
            if drewBar { write("\n") }
            drewBar = false
        }
    }

    private func bar(_ progress: RebuildProgress) -> String {
        let width = 24
        let filled = Int((progress.fractionDone * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "\(title) \(progress.phase.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(bar) "
            + "\(Int(progress.fractionDone * 100))%  \(Self.count(progress.eventsDone))/\(Self.count(progress.eventsTotal)) events  "
            + "\(Self.count(Int(progress.eventsPerSecond))) events/s  ETA \(Self.eta(progress))"
    }

    private func line(_ progress: RebuildProgress) -> String {
        "\(title): \(progress.phase.rawValue), \(progress.eventsDone)/\(progress.eventsTotal) events "
            + "(\(Int(progress.fractionDone * 100))%), \(Int(progress.eventsPerSecond)) events/s, ETA \(Self.eta(progress))"
    }

    private static func eta(_ progress: RebuildProgress) -> String {
        guard let remaining = progress.estimatedRemaining else { return "?" }
        let seconds = Int(remaining.components.seconds)
        return seconds >= 60 ? "\(seconds / 60) min \(seconds % 60) s" : "\(seconds) s"
    }

    /// 1234567 → "1,234,567", whatever the locale.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

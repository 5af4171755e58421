/// Counts a rebuild's progress across its workers and reports it.
actor RebuildMeter {
    private let started = ContinuousClock.now
    private let report: @Sendable (RebuildProgress) -> Void
    private var phase = RebuildProgress.Phase.replaying
    private var done = 0.0
    private var total = 0
    private(set) var applied = 0

    init(report: @escaping @Sendable (RebuildProgress) -> Void) {
        self.report = report
    }

    var eventsDone: Int { Int(done.rounded()) }

    func expect(_ events: Int) {
        total += events
        publish()
    }

    func enter(_ phase: RebuildProgress.Phase) {
        self.phase = phase
        publish()
    }

    /// Each of `workers` workers reads the whole range and applies its share of it.
    func replayed(_ scanned: Int, applied: Int, sharedBy workers: Int) {
        done += Double(scanned) / Double(workers)
        self.applied += applied
        publish()
    }

    /// Events applied with writers held off, or in the compared snapshot: counted once known.
    func caughtUp(_ scanned: Int, applied: Int) {
        total += scanned
        done += Double(scanned)
        self.applied += applied
        publish()
    }

    var elapsed: Duration { ContinuousClock.now - started }

    private func publish() {
        report(RebuildProgress(phase: phase, eventsDone: eventsDone, eventsTotal: total, elapsed: elapsed))
    }
}

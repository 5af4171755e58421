import AtriumSIP

/// Records a call's events as they come, so that a test can wait for some and then act.
actor EventRecorder {
    private(set) var events: [SIPCallEvent] = []
    private(set) var finished = false

    static func record(_ call: SIPCall) -> EventRecorder {
        let recorder = EventRecorder()
        Task {
            for await event in call.events { await recorder.append(event) }
            await recorder.finish()
        }
        return recorder
    }

    private func append(_ event: SIPCallEvent) { events.append(event) }
    private func finish() { finished = true }

    /// The events once `predicate` holds for them, or as they are when `timeout` passes.
    func wait(
        upTo timeout: Duration = .seconds(10), until predicate: @Sendable ([SIPCallEvent]) -> Bool
    ) async -> [SIPCallEvent] {
        let deadline = ContinuousClock.now + timeout
        while !predicate(events) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return events
    }

    /// The events once the stream finished (after the terminal event), or as they are at the timeout.
    func waitForEnd(upTo timeout: Duration = .seconds(10)) async -> [SIPCallEvent] {
        let deadline = ContinuousClock.now + timeout
        while !finished && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return events
    }
}

extension SIPCallEvent {
    var isAnswered: Bool {
        if case .answered = self { return true }
        return false
    }

    var answer: String? {
        if case .answered(let answer) = self { return answer }
        return nil
    }
}

import AtriumRTP

/// The plays under way on this node's legs, so that a cancel stops them where they are.
actor Plays {
    private var legs: [String: [LiveLeg]] = [:]
    private var stopped: Set<String> = []

    func began(_ operationId: String, on lives: [LiveLeg]) {
        legs[operationId] = lives
    }

    func ended(_ operationId: String) {
        legs[operationId] = nil
        stopped.remove(operationId)
    }

    /// Silences the play on every leg; it plays no further source.
    func stop(_ operationId: String) {
        guard let lives = legs[operationId] else { return }
        stopped.insert(operationId)
        for live in lives { live.audio.stopPlaying() }
    }

    func isStopped(_ operationId: String) -> Bool { stopped.contains(operationId) }
}

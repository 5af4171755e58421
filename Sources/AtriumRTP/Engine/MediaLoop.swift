import Logging
import NIOCore

/// The media of one event loop: its conferences and the single 20 ms clock that drives all their legs.
///
/// Every tick is scheduled at an absolute deadline (`start + n × 20 ms` on the monotonic clock), so
/// the time a tick takes never accumulates into drift; one timer serves every leg of the loop. All
/// legs of a conference live on the same loop, so mixing needs no lock.
final class MediaLoop {
    final class Conference {
        var legs: [LegMedia] = []
        var recorders: [RecordingTap] = []
    }

    let eventLoop: any EventLoop
    private let logger: Logger
    private var conferences: [String: Conference] = [:]
    private var sum = [Int32](repeating: 0, count: LegMedia.frameSamples)
    private var mix = [Int32](repeating: 0, count: LegMedia.frameSamples)
    private var clockStart = NIODeadline.now()
    private var tickNumber: Int64 = 0
    private var scheduled: Scheduled<Void>?

    /// A tick later than this re-anchors the clock instead of sending a burst to catch up: a burst of
    /// more than a frame or two would overrun the far end's jitter buffer anyway.
    private static let maximumLateness = TimeAmount.milliseconds(40)
    private static let frame = TimeAmount.nanoseconds(LegMedia.frameNanoseconds)

    init(eventLoop: any EventLoop, logger: Logger) {
        self.eventLoop = eventLoop
        self.logger = logger
    }

    private func conference(_ key: String) -> Conference {
        if let existing = conferences[key] { return existing }
        let created = Conference()
        conferences[key] = created
        startClockIfStopped()
        return created
    }

    func add(_ leg: LegMedia) {
        conference(leg.conference).legs.append(leg)
    }

    func remove(_ leg: LegMedia) {
        guard let existing = conferences[leg.conference] else { return }
        existing.legs.removeAll { $0 === leg }
        forgetIfEmpty(leg.conference)
    }

    func add(_ recorder: RecordingTap, conference key: String) {
        conference(key).recorders.append(recorder)
    }

    func remove(_ recorder: RecordingTap, conference key: String) {
        guard let existing = conferences[key] else { return }
        existing.recorders.removeAll { $0 === recorder }
        forgetIfEmpty(key)
    }

    private func forgetIfEmpty(_ key: String) {
        guard let existing = conferences[key], existing.legs.isEmpty, existing.recorders.isEmpty else { return }
        conferences[key] = nil
        if conferences.isEmpty {
            scheduled?.cancel()
            scheduled = nil
        }
    }

    private func startClockIfStopped() {
        guard scheduled == nil else { return }
        clockStart = .now()
        tickNumber = 0
        scheduleNextTick()
    }

    private func scheduleNextTick() {
        tickNumber += 1
        var deadline = clockStart + Self.frame * tickNumber
        let now = NIODeadline.now()
        if now - deadline > Self.maximumLateness {
            logger.warning("media clock late: re-anchored", metadata: ["lateBy": "\(now - deadline)"])
            clockStart = now
            tickNumber = 1
            deadline = now + Self.frame
        }
        scheduled = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.tick() }
    }

    private func tick() {
        for conference in conferences.values {
            mixAndSend(conference)
        }
        if conferences.isEmpty {
            scheduled = nil
        } else {
            scheduleNextTick()
        }
    }

    /// Each leg hears the sum of the others' received audio, minus itself, plus its own prompt.
    private func mixAndSend(_ conference: Conference) {
        for index in sum.indices { sum[index] = 0 }
        for leg in conference.legs {
            leg.pullFrames()
            guard let inbound = leg.inbound else { continue }
            for index in sum.indices { sum[index] += Int32(inbound[index]) }
        }
        for leg in conference.legs where leg.isSending {
            if let own = leg.inbound {
                for index in mix.indices { mix[index] = sum[index] - Int32(own[index]) }
            } else {
                for index in mix.indices { mix[index] = sum[index] }
            }
            leg.send(mix: mix)
        }
        for recorder in conference.recorders {
            recorder.append(conference.legs)
        }
    }
}

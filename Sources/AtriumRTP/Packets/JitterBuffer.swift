/// The receive side's small jitter buffer: audio placed on its RTP timestamp timeline, played out one
/// 20 ms frame per tick after a short delay, so that packets arriving out of order or unevenly are
/// heard in order; late and duplicate packets are dropped, gaps are filled with silence.
///
/// It works in samples rather than packets, so senders using other packet times (SIPp's pcaps carry
/// 30 ms packets) play out correctly.
struct JitterBuffer {
    enum Outcome: Equatable {
        case accepted
        /// Its audio's time has already been played.
        case late
        /// A packet with this sequence number or timestamp is already buffered.
        case duplicate
    }

    private struct Chunk {
        var timestamp: UInt32
        var sequenceNumber: UInt16
        var samples: [Int16]
    }

    let frameSamples: Int
    /// How much audio is buffered before play-out starts: the delay added, and the lateness absorbed.
    let startDepth: Int
    /// Beyond this much buffered audio (a sender whose clock runs fast, a burst) play-out skips ahead.
    let maximumDepth: Int

    private var chunks: [Chunk] = []
    /// The next timestamp to play; nil while filling up before play-out.
    private var playout: UInt32?
    private var ticksWaiting = 0
    private var silentTicks = 0

    /// A discontinuity larger than this (a new talk spurt after a long pause, another source) restarts.
    private static let resyncDistance = 16_000
    /// After this many frames without audio the buffer starts over with the next packet.
    private static let silentTicksBeforeRestart = 5

    init(frameSamples: Int = 160, startDepth: Int = 400, maximumDepth: Int = 1_600) {
        self.frameSamples = frameSamples
        self.startDepth = startDepth
        self.maximumDepth = maximumDepth
    }

    /// Signed distance from `b` to `a` on the wrapping 32-bit timestamp line.
    private static func distance(_ a: UInt32, _ b: UInt32) -> Int { Int(Int32(bitPattern: a &- b)) }

    mutating func insert(timestamp: UInt32, sequenceNumber: UInt16, samples: [Int16]) -> Outcome {
        if let playout {
            let offset = Self.distance(timestamp, playout)
            if abs(offset) > Self.resyncDistance {
                reset()
            } else if offset + samples.count <= 0 {
                return .late
            }
        }
        if chunks.contains(where: { $0.sequenceNumber == sequenceNumber || $0.timestamp == timestamp }) {
            return .duplicate
        }
        let chunk = Chunk(timestamp: timestamp, sequenceNumber: sequenceNumber, samples: samples)
        let reference = playout ?? chunks.first?.timestamp ?? timestamp
        let position = chunks.firstIndex {
            Self.distance($0.timestamp, reference) > Self.distance(timestamp, reference)
        }
        chunks.insert(chunk, at: position ?? chunks.endIndex)
        if playout == nil, bufferedSamples(from: chunks[0].timestamp) >= startDepth {
            playout = chunks[0].timestamp
        }
        return .accepted
    }

    /// The next frame to play, nil when there is nothing to hear (not started, or a gap): silence.
    mutating func pull() -> [Int16]? {
        if playout == nil, let first = chunks.first {
            // A stream shorter than the start depth (a single short burst) plays after a few ticks anyway.
            ticksWaiting += 1
            if ticksWaiting >= 3 { playout = first.timestamp }
        }
        guard let start = playout else { return nil }
        guard !chunks.isEmpty else {
            // Nothing buffered at all: the sender is late (or stopped), not a packet lost. Waiting here
            // instead of moving on lets the late audio play when it comes rather than be dropped.
            silentTicks += 1
            if silentTicks >= Self.silentTicksBeforeRestart { reset() }
            return nil
        }
        var frame = [Int16](repeating: 0, count: frameSamples)
        var heard = false
        for chunk in chunks {
            let offset = Self.distance(chunk.timestamp, start)
            let from = max(0, offset)
            let to = min(frameSamples, offset + chunk.samples.count)
            guard from < to else { continue }
            for index in from..<to { frame[index] = chunk.samples[index - offset] }
            heard = true
        }
        let next = start &+ UInt32(frameSamples)
        chunks.removeAll { Self.distance($0.timestamp, next) + $0.samples.count <= 0 }
        playout = next
        if bufferedSamples(from: next) > maximumDepth, let last = chunks.last {
            let end = last.timestamp &+ UInt32(last.samples.count)
            playout = end &- UInt32(startDepth)
            chunks.removeAll { Self.distance($0.timestamp, end &- UInt32(startDepth)) + $0.samples.count <= 0 }
        }
        silentTicks = heard ? 0 : silentTicks + 1
        if silentTicks >= Self.silentTicksBeforeRestart { reset() }
        return heard ? frame : nil
    }

    /// Forgets everything (hold, a new source).
    mutating func reset() {
        chunks.removeAll()
        playout = nil
        ticksWaiting = 0
        silentTicks = 0
    }

    private func bufferedSamples(from start: UInt32) -> Int {
        guard let last = chunks.last else { return 0 }
        return Self.distance(last.timestamp, start) + last.samples.count
    }
}

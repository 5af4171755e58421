import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The RTP media engine of a node's phone legs.
///
/// Legs opened with the same conference key hear each other: each receives the sum of the others'
/// audio. Every event loop of the group gets one media clock; all legs of a conference share a loop,
/// conferences are spread over the loops, so the engine uses every core the group has.
public final class RTPEngine: Sendable {
    private struct State {
        var conferences: [String: (loop: Int, users: Int)] = [:]
        var nextLoop = 0
        var portsInUse: Set<Int> = []
        var nextPort: Int
        var nextID = 0
        var legs: [Int: RTPLeg] = [:]
        var recorders: [Int: ConferenceRecorder] = [:]
        var isShutDown = false
    }

    private let host: String
    private let portRange: ClosedRange<Int>
    private let logger: Logger
    private let loops: [NIOLoopBoundBox<MediaLoop>]
    private let state: Mutex<State>

    /// - Parameters:
    ///   - host: the local address to bind (the SDP `c=` address, or `0.0.0.0`).
    ///   - portRange: legs bind even ports of it; `0...0` lets the system choose (tests).
    ///   - group: the event loops that carry the media (one clock each).
    public init(host: String, portRange: ClosedRange<Int>, group: any EventLoopGroup, logger: Logger) {
        self.host = host
        self.portRange = portRange
        self.logger = logger
        self.loops = group.makeIterator().map { eventLoop in
            NIOLoopBoundBox.makeBoxSendingValue(MediaLoop(eventLoop: eventLoop, logger: logger), eventLoop: eventLoop)
        }
        self.state = Mutex(State(nextPort: portRange.lowerBound + portRange.lowerBound % 2))
    }

    /// Opens a leg on an even port of the range; it sends nothing until connected.
    public func openLeg(conference: String) async throws -> RTPLeg {
        let (loopIndex, id) = try join(conference)
        do {
            let leg = try await bindLeg(id: id, conference: conference, mediaLoop: loops[loopIndex])
            let keep = state.withLock { state in
                guard !state.isShutDown else { return false }
                state.legs[id] = leg
                return true
            }
            guard keep else {
                await leg.close()
                throw RTPError.shutDown
            }
            return leg
        } catch {
            leave(conference)
            throw error
        }
    }

    /// Records the conference's audio into a new WAV file at `url` (8 kHz, 16-bit) until `stop()`.
    public func record(conference: String, to url: URL, channels: RecordingChannels) async throws
        -> ConferenceRecorder
    {
        let (loopIndex, id) = try join(conference)
        do {
            let mediaLoop = loops[loopIndex]
            let writer = try WAVFileWriter(url: url, channels: channels.count, sampleRate: AudioPrompt.sampleRate)
            let tap = try await mediaLoop.eventLoop.submit {
                let tap = RecordingTap(layout: channels, writer: writer)
                mediaLoop.value.add(tap, conference: conference)
                return NIOLoopBound(tap, eventLoop: mediaLoop.eventLoop)
            }.get()
            let recorder = ConferenceRecorder(
                tap: tap, mediaLoop: mediaLoop, conference: conference, writer: writer
            ) { [weak self] in
                self?.leave(conference, recorder: id)
            }
            state.withLock { $0.recorders[id] = recorder }
            return recorder
        } catch {
            leave(conference)
            throw error
        }
    }

    /// Closes every leg and stops every recording; later `openLeg` calls throw `RTPError.shutDown`.
    public func shutdown() async {
        let (legs, recorders) = state.withLock { state in
            state.isShutDown = true
            return (Array(state.legs.values), Array(state.recorders.values))
        }
        for leg in legs { await leg.close() }
        for recorder in recorders { _ = try? await recorder.stop() }
    }

    // MARK: Conferences and ports

    private func join(_ conference: String) throws -> (loop: Int, id: Int) {
        try state.withLock { state in
            guard !state.isShutDown else { throw RTPError.shutDown }
            state.nextID += 1
            if let existing = state.conferences[conference] {
                state.conferences[conference] = (existing.loop, existing.users + 1)
                return (existing.loop, state.nextID)
            }
            let loop = state.nextLoop
            state.nextLoop = (loop + 1) % loops.count
            state.conferences[conference] = (loop, 1)
            return (loop, state.nextID)
        }
    }

    private func leave(_ conference: String, leg: Int? = nil, recorder: Int? = nil, port: Int? = nil) {
        state.withLock { state in
            if let leg { state.legs[leg] = nil }
            if let recorder { state.recorders[recorder] = nil }
            if let port { state.portsInUse.remove(port) }
            guard let existing = state.conferences[conference] else { return }
            state.conferences[conference] = existing.users > 1 ? (existing.loop, existing.users - 1) : nil
        }
    }

    /// The next even port of the range not used by a leg of this engine, nil when all are.
    private func reservePort() -> Int? {
        state.withLock { state in
            let first = portRange.lowerBound + portRange.lowerBound % 2
            let count = portRange.upperBound >= first ? (portRange.upperBound - first) / 2 + 1 : 0
            for _ in 0..<count {
                let port = state.nextPort
                state.nextPort = port + 2 > portRange.upperBound ? first : port + 2
                if !state.portsInUse.contains(port) {
                    state.portsInUse.insert(port)
                    return port
                }
            }
            return nil
        }
    }

    private func bindLeg(id: Int, conference: String, mediaLoop: NIOLoopBoundBox<MediaLoop>) async throws -> RTPLeg {
        if portRange == 0...0 {
            return try await bindLeg(id: id, conference: conference, mediaLoop: mediaLoop, port: 0)
        }
        let attempts = (portRange.count + 1) / 2
        for _ in 0..<attempts {
            guard let port = reservePort() else { break }
            do {
                return try await bindLeg(id: id, conference: conference, mediaLoop: mediaLoop, port: port)
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                // Another process holds it: try the next one.
                state.withLock { _ = $0.portsInUse.remove(port) }
            }
        }
        throw RTPError.noFreePort(portRange)
    }

    private func bindLeg(id: Int, conference: String, mediaLoop: NIOLoopBoundBox<MediaLoop>, port: Int)
        async throws -> RTPLeg
    {
        let eventLoop = mediaLoop.eventLoop
        let counters = LegCounters()
        let (digits, digitStream) = AsyncStream<Character>.makeStream()
        var logger = logger
        logger[metadataKey: "rtp.conference"] = "\(conference)"
        let host = host
        return try await eventLoop.flatSubmit { [logger] in
            let media = NIOLoopBound(
                LegMedia(id: id, conference: conference, counters: counters, digitStream: digitStream, logger: logger),
                eventLoop: eventLoop)
            return DatagramBootstrap(group: eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RTPInboundHandler(media: media))
                    }
                }
                .bind(host: host, port: port)
                .map { channel in
                    let localPort = channel.localAddress?.port ?? port
                    media.value.attach(channel, localPort: localPort)
                    mediaLoop.value.add(media.value)
                    return RTPLeg(
                        channel: channel, conference: conference, digits: digits, media: media,
                        mediaLoop: mediaLoop, counters: counters
                    ) { [weak self] in
                        self?.leave(conference, leg: id, port: port == 0 ? nil : port)
                    }
                }
        }.get()
    }
}

import NIOCore
import Synchronization

/// One phone leg's audio: a UDP socket sending and receiving G.711 RTP, in a conference of legs that
/// hear each other. Made by `RTPEngine.openLeg`; sends nothing until `connect`.
public final class RTPLeg: Sendable {
    /// The UDP port the leg receives on and sends from (symmetric RTP): the one to put in SDP.
    public let localPort: Int
    public let conference: String
    /// One digit per RFC 4733 tone received, when the tone ends; finishes when the leg closes.
    public let digits: AsyncStream<Character>

    private let media: NIOLoopBound<LegMedia>
    private let mediaLoop: NIOLoopBoundBox<MediaLoop>
    private let channel: any Channel
    private let counters: LegCounters
    private let release: @Sendable () -> Void
    private let operations = Mutex((next: 0, closed: false))

    init(
        channel: any Channel, conference: String, digits: AsyncStream<Character>, media: NIOLoopBound<LegMedia>,
        mediaLoop: NIOLoopBoundBox<MediaLoop>, counters: LegCounters, release: @escaping @Sendable () -> Void
    ) {
        self.localPort = channel.localAddress?.port ?? 0
        self.channel = channel
        self.conference = conference
        self.digits = digits
        self.media = media
        self.mediaLoop = mediaLoop
        self.counters = counters
        self.release = release
    }

    /// Packets sent and received, drops by cause, and the send clock's jitter.
    public var statistics: RTPStatistics { counters.snapshot }

    var sendIntervalHistogram: SendIntervalHistogram { counters.histogram }

    /// Starts sending to `remote` (every 20 ms: silence, the others' audio, prompts); called again on a
    /// re-INVITE, it moves the leg. A host name is resolved here (blocking), an address literal is not.
    public func connect(to remote: RTPRemote) throws {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: remote.host, port: remote.port)
        } catch {
            do {
                address = try SocketAddress.makeAddressResolvingHost(remote.host, port: remote.port)
            } catch {
                throw RTPError.unresolvableHost(remote.host)
            }
        }
        media.eventLoop.execute { [media] in media.value.connect(to: remote, address: address) }
    }

    /// Plays a prompt to this leg (mixed over what the others say), replacing one already playing.
    /// `onFirstPacket` runs when the prompt's first packet has been sent; returns when the last has.
    /// Throws `CancellationError` when the task is cancelled, `stopPlaying()` is called, another play
    /// replaces it or the leg closes. While the leg is on hold or not yet connected the prompt waits.
    public func play(_ prompt: AudioPrompt, onFirstPacket: @escaping @Sendable () -> Void) async throws {
        let id = nextOperation()
        let cancelled = CancellationFlag()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                media.eventLoop.execute { [media] in
                    guard !cancelled.isSet else { return continuation.resume(throwing: CancellationError()) }
                    media.value.play(
                        .init(
                            id: id, samples: prompt.samples, onFirstPacket: onFirstPacket, continuation: continuation))
                }
            }
        } onCancel: { [media] in
            cancelled.set()
            media.eventLoop.execute { media.value.stopPlaying(id: id) }
        }
    }

    /// Stops the prompt playing, if any (its `play` throws `CancellationError`).
    public func stopPlaying() {
        media.eventLoop.execute { [media] in media.value.stopPlaying(id: nil) }
    }

    /// Sends digits as RFC 4733 telephone-events (100 ms tone, 3 end packets, 60 ms gap), the leg's audio
    /// muted meanwhile; `onEachSent` runs when a digit's last end packet has been sent. Throws
    /// `RTPError.invalidDigit`, `.notConnected`, `.telephoneEventsNotNegotiated`, or `CancellationError`.
    public func sendDigits(
        _ digits: [Character], onEachSent: @escaping @Sendable (Character) -> Void = { _ in }
    ) async throws {
        var codes: [(digit: Character, code: UInt8)] = []
        for digit in digits {
            guard let code = TelephoneEvent.code(of: digit) else { throw RTPError.invalidDigit(digit) }
            codes.append((digit, code))
        }
        guard !codes.isEmpty else { return }
        let id = nextOperation()
        let cancelled = CancellationFlag()
        let sender = DigitSender(digits: codes)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                media.eventLoop.execute { [media] in
                    guard !cancelled.isSet else { return continuation.resume(throwing: CancellationError()) }
                    media.value.sendDigits(
                        .init(id: id, sender: sender, onEachSent: onEachSent, continuation: continuation))
                }
            }
        } onCancel: { [media] in
            cancelled.set()
            media.eventLoop.execute { media.value.stopDigits(id: id) }
        }
    }

    /// On hold the leg sends nothing and ignores what it receives; a prompt waits for the unhold.
    public func hold(_ on: Bool) {
        media.eventLoop.execute { [media] in media.value.hold(on) }
    }

    /// Stops the leg: pending calls throw `CancellationError`, `digits` finishes, the port is freed.
    public func close() async {
        let first = operations.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        try? await media.eventLoop.submit { [media, mediaLoop] in
            media.value.close()
            mediaLoop.value.remove(media.value)
        }.get()
        try? await channel.close()
        release()
    }

    private func nextOperation() -> Int {
        operations.withLock { state in
            state.next += 1
            return state.next
        }
    }
}

/// Set by a task's cancellation handler, read on the event loop before an operation starts there: a
/// cancellation that comes before the operation is queued is not lost.
private final class CancellationFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

import Logging
import NIOCore

/// Everything a leg does on its event loop: the send clock's per-tick work (prompt, mix, digits,
/// packetization), the receive path (source check, parsing, jitter buffer, telephone-events), and
/// the pending `play` and `sendDigits` calls. Touched only on `eventLoop` (it is reached through
/// `NIOLoopBound`), so it needs no lock.
final class LegMedia {
    struct Prompt {
        let id: Int
        let samples: [Int16]
        var position = 0
        let onFirstPacket: @Sendable () -> Void
        let continuation: CheckedContinuation<Void, any Error>
    }

    struct Digits {
        let id: Int
        var sender: DigitSender
        let onEachSent: @Sendable (Character) -> Void
        let continuation: CheckedContinuation<Void, any Error>
    }

    static let frameSamples = 160
    static let frameNanoseconds: Int64 = 20_000_000
    /// Consecutive packets from one new address before the leg sends there instead (symmetric RTP
    /// behind NAT): a single stray or spoofed packet does not move the leg.
    static let packetsToFollowSource = 3

    let id: Int
    let conference: String
    let counters: LegCounters
    let digitStream: AsyncStream<Character>.Continuation
    private(set) var logger: Logger
    private var channel: (any Channel)?

    private(set) var remote: RTPRemote?
    private var remoteAddress: SocketAddress?
    private var candidateSource: (address: SocketAddress, packets: Int)?
    private(set) var onHold = false
    private(set) var closed = false

    private var sequenceNumber = UInt16.random(in: .min ... .max)
    private var timestamp = UInt32.random(in: .min ... .max)
    private let ssrc = UInt32.random(in: .min ... .max)
    private var startsTalkSpurt = true
    private var lastSend: NIODeadline?
    private var encoded = [UInt8](repeating: 0, count: frameSamples)
    private var outgoing = [Int16](repeating: 0, count: frameSamples)

    private var jitterBuffer = JitterBuffer()
    private var telephoneEvents = TelephoneEventReceiver()
    private(set) var prompt: Prompt?
    private var digits: Digits?

    /// This tick's received audio (nil: silence), pulled before the conference mixes.
    private(set) var inbound: [Int16]?
    /// This tick's prompt audio (nil: none), for the mix and the recording.
    private(set) var promptFrame: [Int16]?
    private var promptFrameBuffer = [Int16](repeating: 0, count: frameSamples)

    init(
        id: Int, conference: String, counters: LegCounters, digitStream: AsyncStream<Character>.Continuation,
        logger: Logger
    ) {
        self.id = id
        self.conference = conference
        self.counters = counters
        self.digitStream = digitStream
        self.logger = logger
    }

    func attach(_ channel: any Channel, localPort: Int) {
        self.channel = channel
        logger[metadataKey: "rtp.port"] = "\(localPort)"
    }

    var isSending: Bool { remoteAddress != nil && !onHold && !closed }

    // MARK: Control

    func connect(to remote: RTPRemote, address: SocketAddress) {
        if self.remote != nil { logger.info("RTP remote changed", metadata: ["remote": "\(address)"]) }
        self.remote = remote
        remoteAddress = address
        candidateSource = nil
        startsTalkSpurt = true
        logger[metadataKey: "remote"] = "\(address)"
    }

    func hold(_ on: Bool) {
        guard on != onHold else { return }
        onHold = on
        jitterBuffer.reset()
        startsTalkSpurt = true
        lastSend = nil
    }

    func play(_ next: Prompt) {
        guard !closed else { return next.continuation.resume(throwing: RTPError.closed) }
        prompt?.continuation.resume(throwing: CancellationError())
        prompt = next
    }

    func stopPlaying(id: Int?) {
        guard let current = prompt, id == nil || current.id == id else { return }
        prompt = nil
        current.continuation.resume(throwing: CancellationError())
    }

    func sendDigits(_ next: Digits) {
        guard !closed else { return next.continuation.resume(throwing: RTPError.closed) }
        guard remoteAddress != nil else { return next.continuation.resume(throwing: RTPError.notConnected) }
        guard remote?.telephoneEventPayloadType != nil else {
            return next.continuation.resume(throwing: RTPError.telephoneEventsNotNegotiated)
        }
        digits?.continuation.resume(throwing: CancellationError())
        digits = next
    }

    func stopDigits(id: Int) {
        guard let current = digits, current.id == id else { return }
        digits = nil
        current.continuation.resume(throwing: CancellationError())
    }

    /// Ends what is pending; the channel is closed by the caller.
    func close() {
        guard !closed else { return }
        closed = true
        prompt?.continuation.resume(throwing: CancellationError())
        prompt = nil
        digits?.continuation.resume(throwing: CancellationError())
        digits = nil
        digitStream.finish()
    }

    // MARK: Tick

    /// First half of a tick: take this tick's received audio and prompt audio.
    func pullFrames() {
        inbound = onHold || closed ? nil : jitterBuffer.pull()
        promptFrame = nil
        guard isSending, digits == nil, let current = prompt else { return }
        let end = min(current.samples.count, current.position + Self.frameSamples)
        for index in 0..<Self.frameSamples {
            let source = current.position + index
            promptFrameBuffer[index] = source < end ? current.samples[source] : 0
        }
        promptFrame = promptFrameBuffer
    }

    /// Second half: send `mix` (the others' audio, 32-bit so it can exceed Int16 before saturation) plus
    /// this leg's prompt, or this tick's telephone-event, and settle the pending calls it completes.
    func send(mix: [Int32]) {
        guard isSending, let remote, let remoteAddress, let channel else {
            lastSend = nil
            return
        }
        if var pending = digits, let payloadType = remote.telephoneEventPayloadType {
            let (step, completed) = pending.sender.next(timestamp: timestamp)
            if case .event(let event, let eventTimestamp, let marker) = step {
                write(
                    payloadType: payloadType, marker: marker, timestamp: eventTimestamp, payload: event.payload,
                    to: remoteAddress, on: channel)
            } else {
                lastSend = nil
            }
            timestamp &+= UInt32(Self.frameSamples)
            startsTalkSpurt = true
            if let completed { pending.onEachSent(completed) }
            if pending.sender.isFinished {
                digits = nil
                pending.continuation.resume()
            } else {
                digits = pending
            }
            return
        }
        let promptFrame = promptFrame
        for index in 0..<Self.frameSamples {
            let sample = mix[index] + Int32(promptFrame?[index] ?? 0)
            outgoing[index] = Int16(clamping: sample)
        }
        remote.codec.encode(outgoing, into: &encoded)
        write(
            payloadType: remote.codec.payloadType, marker: startsTalkSpurt, timestamp: timestamp, payload: encoded,
            to: remoteAddress, on: channel)
        startsTalkSpurt = false
        timestamp &+= UInt32(Self.frameSamples)
        if promptFrame != nil, var current = prompt {
            if current.position == 0 { current.onFirstPacket() }
            current.position += Self.frameSamples
            if current.position >= current.samples.count {
                prompt = nil
                current.continuation.resume()
            } else {
                prompt = current
            }
        }
    }

    private func write(
        payloadType: UInt8, marker: Bool, timestamp: UInt32, payload: [UInt8], to address: SocketAddress,
        on channel: any Channel
    ) {
        var buffer = channel.allocator.buffer(capacity: RTPPacket.headerLength + payload.count)
        buffer.writeInteger(UInt8(0x80))
        buffer.writeInteger((marker ? 0x80 : 0) | payloadType)
        buffer.writeInteger(sequenceNumber)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(ssrc)
        buffer.writeBytes(payload)
        sequenceNumber &+= 1
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
        let sent = NIODeadline.now()
        let deviation = lastSend.map { (sent - $0).nanoseconds - Self.frameNanoseconds }
        counters.recordSend(deviationNanoseconds: deviation)
        lastSend = sent
    }

    // MARK: Receive

    func receive(_ datagram: AddressedEnvelope<ByteBuffer>) {
        guard !closed, let remote, let remoteAddress else {
            counters.update { $0.packetsFromOtherSources += 1 }
            return
        }
        let packet: RTPPacket
        do {
            packet = try RTPPacket(parsing: datagram.data)
        } catch {
            counters.update { $0.packetsMalformed += 1 }
            return
        }
        let isAudio = packet.payloadType == remote.codec.payloadType
        let isEvent = remote.telephoneEventPayloadType.map { packet.payloadType == $0 } ?? false
        guard isAudio || isEvent else {
            counters.update { $0.packetsOtherPayloadType += 1 }
            return
        }
        if datagram.remoteAddress == remoteAddress {
            candidateSource = nil
        } else if !follows(datagram.remoteAddress) {
            counters.update { $0.packetsFromOtherSources += 1 }
            return
        }
        counters.update { $0.packetsReceived += 1 }
        guard !onHold else { return }
        if isAudio {
            let samples = remote.codec.decode(packet.payload)
            let outcome = jitterBuffer.insert(
                timestamp: packet.timestamp, sequenceNumber: packet.sequenceNumber, samples: samples)
            switch outcome {
            case .accepted: break
            case .late: counters.update { $0.packetsLate += 1 }
            case .duplicate: counters.update { $0.packetsDuplicate += 1 }
            }
        } else if let event = TelephoneEvent(payload: packet.payload),
            let digit = telephoneEvents.receive(event, timestamp: packet.timestamp)
        {
            logger.debug("telephone-event received", metadata: ["digit": "\(digit)"])
            digitStream.yield(digit)
        }
    }

    /// Whether a valid packet from `source` moves the leg there: after a few in a row from it.
    private func follows(_ source: SocketAddress) -> Bool {
        if let candidate = candidateSource, candidate.address == source {
            candidateSource = (source, candidate.packets + 1)
        } else {
            candidateSource = (source, 1)
        }
        guard let candidate = candidateSource, candidate.packets >= Self.packetsToFollowSource else { return false }
        logger.notice(
            "RTP source moved: following it (symmetric RTP)",
            metadata: ["signalled": "\(remoteAddress.map { "\($0)" } ?? "-")", "source": "\(source)"])
        remoteAddress = source
        candidateSource = nil
        logger[metadataKey: "remote"] = "\(source)"
        return true
    }
}

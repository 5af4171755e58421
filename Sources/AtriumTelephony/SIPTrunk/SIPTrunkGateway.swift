import AsyncHTTPClient
import AtriumDomain
import AtriumRTP
import AtriumSIP
import AtriumStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// The telephone network through a SIP trunk: each phone leg is a SIP call placed through the
/// trunk (RFC 3261, digest authentication) whose G.711 audio Atrium carries itself (RTP, RFC 4733
/// tones).
///
/// The policy's calls return at once; what the network answers later (ringing, the answer or the
/// failure with its SIP status, the far end's BYE, keys pressed, tones sent) is recorded on the
/// call as it happens, by the `CarrierReporter`. As a service it follows each leg until it ends,
/// and hangs up every leg it carries when the server stops.
public final class SIPTrunkGateway: PSTNGateway, Service {
    public static let gatewayName = "sip-trunk"
    public var name: String { Self.gatewayName }

    let settings: SIPTrunkSettings
    let agent: SIPUserAgent
    let media: RTPEngine
    let reporter: CarrierReporter
    let logger: Logger
    let legs = LiveLegs()
    let prompts: PromptLibrary
    let plays = Plays()
    let recordings = Recordings()
    let leases: PhoneLegLeases
    private let work: AsyncStream<LegWork>
    private let submit: AsyncStream<LegWork>.Continuation

    /// Work on a leg that outlives the policy's call: following its dialog, sending its tones, playing to it.
    enum LegWork: Sendable {
        case follow(LiveLeg)
        case sendTones([DtmfTone], LiveLeg, operationId: String, cause: CarrierCause)
        case play(PlayOperation, [LiveLeg], callId: String, cause: CarrierCause)
    }

    private init(
        settings: SIPTrunkSettings, agent: SIPUserAgent, media: RTPEngine, prompts: PromptLibrary,
        reporter: CarrierReporter, leases: PhoneLegLeases, logger: Logger
    ) {
        self.settings = settings
        self.leases = leases
        self.prompts = prompts
        self.agent = agent
        self.media = media
        self.reporter = reporter
        self.logger = logger
        (work, submit) = AsyncStream.makeStream()
    }

    /// Binds the SIP port and prepares the RTP ports: a trunk that cannot be served fails the start.
    public static func start(
        _ settings: SIPTrunkSettings, store: EventStore, http: HTTPClient, group: any EventLoopGroup,
        logger: Logger, userAgent: String
    ) async throws -> SIPTrunkGateway {
        let agent = try await SIPUserAgent.start(
            SIPUserAgentConfiguration(
                trunk: settings.trunk, credentials: settings.credentials, listenHost: settings.sipHost,
                listenPort: settings.sipPort, advertisedHost: nil, userAgent: userAgent),
            group: group, logger: logger)
        let media = RTPEngine(host: settings.mediaAddress, portRange: settings.rtpPorts, group: group, logger: logger)
        return SIPTrunkGateway(
            settings: settings, agent: agent, media: media, prompts: PromptLibrary(http: http),
            reporter: CarrierReporter(store: store, actor: "carrier:\(gatewayName)"),
            leases: PhoneLegLeases(client: store.client, logger: logger, node: UUID()), logger: logger)
    }

    /// The port SIP is served on (the one the OS chose when asked for port 0).
    public var sipPort: Int { agent.localPort }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                try? await gracefulShutdown()
                await self.recordEveryLegEnded()
                // BYE or CANCEL to each, within about a second; their events end, and so do their followers.
                await self.agent.shutdown()
                self.submit.finish()
            }
            group.addTask { await self.renewLeases() }
            group.addTask { await self.takeOverLegsOfDeadNodes() }
            for await job in work {
                group.addTask { await self.perform(job) }
            }
        }
        await media.shutdown()
    }

    /// Stopping: no leg stays in the log as up with nobody carrying it; the log says why each ended.
    private func recordEveryLegEnded() async {
        for live in await legs.all() {
            let answered = await legs.answeredLeg(live.leg) != nil
            let progress: CallProgress =
                answered
                ? .legHungUp(rawId: live.leg.rawId, cause: "the server carrying it stopped")
                : .legFailed(
                    rawId: live.leg.rawId, failure: PhoneLegFailure(sipCode: 487, sipReason: "Request Terminated"))
            await reporter.report(progress, on: live.leg.callId, cause: live.cause)
            try? await leases.release(legId: live.legId)
        }
    }

    // MARK: Leases

    /// How often this node renews its legs' leases, and how long a lease may go unrenewed before
    /// another node ends its leg: a dead node's legs end in the log within about 20 s.
    static let leaseRenewal = Duration.seconds(5)
    static let leaseExpiry = Duration.seconds(15)

    private func renewLeases() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.leases.renew()
                } catch {
                    self.logger.warning(
                        "phone leg leases not renewed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: Self.leaseRenewal)
            }
        }
    }

    /// Ends in the log the legs of nodes that stopped renewing their leases: nobody carries them.
    private func takeOverLegsOfDeadNodes() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for orphan in try await self.leases.takeOver(notRenewedFor: Self.leaseExpiry) {
                        await self.endOrphan(orphan)
                    }
                } catch {
                    self.logger.warning(
                        "phone leg leases not checked", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: Self.leaseRenewal)
            }
        }
    }

    private func endOrphan(_ orphan: PhoneLegLeases.Orphan) async {
        logger.warning(
            "a phone leg's node stopped; ending the leg",
            metadata: ["leg": "\(orphan.rawId)", "call": "\(orphan.callId)"])
        let cause = CarrierCause(correlationId: orphan.correlationId, causationId: orphan.causationId)
        let progress: CallProgress =
            orphan.answered
            ? .legHungUp(rawId: orphan.rawId, cause: "the node carrying it stopped")
            : .legFailed(
                rawId: orphan.rawId,
                failure: PhoneLegFailure(sipCode: 503, sipReason: "the node carrying it stopped"))
        await reporter.report(progress, on: orphan.callId, cause: cause)
    }

    private func perform(_ job: LegWork) async {
        switch job {
        case .follow(let live):
            await follow(live)
        case .sendTones(let tones, let live, let operationId, let cause):
            do {
                try await live.audio.sendDigits(tones.map(\.character))
                await reporter.report(.tonesSent(operationId: operationId), on: live.leg.callId, cause: cause)
            } catch {
                logger.warning(
                    "tones not sent", metadata: ["leg": "\(live.leg.rawId)", "error": "\(String(reflecting: error))"])
            }
        case .play(let operation, let lives, let callId, let cause):
            await play(operation, to: lives, callId: callId, cause: cause)
        }
    }

    /// Plays the sources one after the other to every leg at once (again and again for a loop),
    /// then reports the end; a source that cannot be played fails the play at that source.
    private func play(_ operation: PlayOperation, to lives: [LiveLeg], callId: String, cause: CarrierCause) async {
        let operationId = operation.operationId
        await plays.began(operationId, on: lives)
        let ending = await playThrough(operation, to: lives)
        await plays.ended(operationId)
        switch ending {
        case .finished:
            await reporter.report(.playFinished(operationId: operationId), on: callId, cause: cause)
        case .failed(let error):
            logger.warning(
                "play failed",
                metadata: [
                    "operation": "\(operationId)", "reason": "\(error.failure.message)",
                    "error": "\(String(reflecting: error.cause))",
                ])
            await reporter.report(
                .playFailed(operationId: operationId, failure: error.failure), on: callId, cause: cause)
        case .stopped:
            break  // canceled: the log already says so
        }
    }

    private enum PlayEnding {
        case finished, stopped
        case failed(PlayFailureError)
    }

    private func playThrough(_ operation: PlayOperation, to lives: [LiveLeg]) async -> PlayEnding {
        do {
            repeat {
                for (index, source) in operation.sources.enumerated() {
                    let prompt = try await prompts.audio(of: source, index: index)
                    try await withThrowingDiscardingTaskGroup { group in
                        for live in lives {
                            group.addTask { try await live.audio.play(prompt, onFirstPacket: {}) }
                        }
                    }
                    if await plays.isStopped(operation.operationId) { return .stopped }
                }
            } while operation.loop
            return .finished
        } catch let error as PlayFailureError {
            return .failed(error)
        } catch {
            // Canceled, or its legs went away (hung up mid-prompt): then it is over, or the plays
            // queued after it would wait for good.
            return await plays.isStopped(operation.operationId) ? .stopped : .finished
        }
    }

    // MARK: PSTNGateway

    public func place(_ call: OutboundCall) async throws -> [CarrierReport] {
        // The policy's batch retried after a crash: this node, or one that died, already placed it
        // (the lease is taken before the INVITE goes out; a dead node's leg is ended by the takeover).
        guard !(await legs.contains(legId: call.legId)) else { return [] }
        let rawId = call.leg.rawId
        guard
            try await leases.take(
                legId: call.legId, callId: call.leg.callId, rawId: rawId, correlationId: call.cause.correlationId,
                causationId: call.cause.causationId)
        else {
            logger.notice("dial already placed; not placing it again", metadata: ["leg": "\(rawId)"])
            return []
        }
        let audio: RTPLeg
        let sip: SIPCall
        do {
            audio = try await media.openLeg(conference: call.leg.callId)
            let offer = SessionDescription.offer(
                address: settings.mediaAddress, port: audio.localPort, sessionId: UInt64.random(in: 1..<(1 << 62)))
            do {
                sip = try await agent.invite(
                    SIPOutgoingCall(
                        callId: "\(call.legId)@atrium", toUser: call.leg.phoneNumber,
                        fromUser: call.callerId.map { String($0.drop { $0 == "4" || $0 == ":" }) },
                        offer: offer.text, ringTimeout: call.ringingTimeout))
            } catch {
                await audio.close()
                throw error
            }
        } catch {
            // The trunk cannot be reached at all: the add fails now, with the reason in the log.
            logger.warning("dial failed", metadata: ["leg": "\(rawId)", "error": "\(String(reflecting: error))"])
            try? await leases.release(legId: call.legId)
            let failure = PhoneLegFailure(sipCode: 503, sipReason: "Service Unavailable")
            return [CarrierReport(after: .zero, .legFailed(rawId: rawId, failure: failure))]
        }
        let live = LiveLeg(leg: call.leg, legId: call.legId, sip: sip, audio: audio, cause: call.cause)
        await legs.add(live)
        submit.yield(.follow(live))
        return []
    }

    public func hangUp(_ leg: PhoneLeg) async throws -> [CarrierReport] {
        // CANCEL while it rings, BYE once answered; the leg's follower sees the end and lets it go.
        await legs.find(leg)?.sip.hangUp()
        return []
    }

    public func hold(_ leg: PhoneLeg, onHold: Bool) async throws -> [CarrierReport] {
        guard let live = await legs.answeredLeg(leg) else { return [] }
        live.audio.hold(onHold)
        if onHold { try await live.sip.hold() } else { try await live.sip.unhold() }
        return []
    }

    public func sendTones(_ tones: [DtmfTone], to leg: PhoneLeg, operationId: String, cause: CarrierCause)
        async throws -> [CarrierReport]
    {
        guard let live = await legs.answeredLeg(leg) else {
            // The leg is gone (or carried by a node that died): nothing goes out, the operation ends.
            return [CarrierReport(after: .zero, .tonesSent(operationId: operationId))]
        }
        submit.yield(.sendTones(tones, live, operationId: operationId, cause: cause))
        return []
    }

    public func play(_ operation: PlayOperation, to legs: [PhoneLeg], cause: CarrierCause) async throws
        -> [CarrierReport]
    {
        var lives: [LiveLeg] = []
        for leg in legs {
            if let live = await self.legs.answeredLeg(leg) { lives.append(live) }
        }
        guard let callId = lives.first?.leg.callId else {
            // No phone here hears it (room users' clients have no media yet): it lasts its documented length.
            return try await SimulatedCarrier().play(operation, to: legs, cause: cause)
        }
        submit.yield(.play(operation, lives, callId: callId, cause: cause))
        return []
    }

    public func stopPlaying(_ operationId: String) async throws -> [CarrierReport] {
        await plays.stop(operationId)
        return []
    }

    public func startRecording(_ recording: CallRecording, callId: String, cause: CarrierCause) async throws
        -> [CarrierReport]
    {
        let name = "\(recording.recordingId).wav"
        try FileManager.default.createDirectory(at: settings.recordingsFolder, withIntermediateDirectories: true)
        // Unmixed: one channel per participant, as ACS lays it out (two phones make a stereo file).
        let channels: RecordingChannels =
            recording.channelType.lowercased() == "unmixed" ? .unmixed(channels: 2) : .mixed
        let recorder = try await media.record(
            conference: callId, to: settings.recordingsFolder.appendingPathComponent(name), channels: channels)
        await recordings.add(
            recording.recordingId,
            Recordings.Running(recorder: recorder, callId: callId, name: name, startedAt: recording.startedAt))
        return []
    }

    public func stopRecording(_ recordingId: String) async throws -> [CarrierReport] {
        guard let running = await recordings.take(recordingId) else { return [] }
        let written = try await running.recorder.stop()
        let file = RecordingFile(
            name: running.name, contentLocation: "\(settings.recordingsURL)/\(recordingId)/content",
            durationMs: Int(written.duration / .milliseconds(1)), channels: written.channels,
            startedAt: running.startedAt)
        // A timer in the policy's transaction: the file is announced once, whatever dies when.
        return [CarrierReport(after: .zero, .recordingFileReady(recordingId: recordingId, file: file))]
    }

    /// Keys pressed on an answered leg are reported as they arrive, listened for or not.
    public func listen(to leg: PhoneLeg, after: Duration) async throws -> [CarrierReport] {
        []
    }

    // MARK: Following a leg

    /// Records the leg's SIP answers until its dialog ends; once answered, carries its audio, reports
    /// the keys pressed on it, and hangs it up at the maximum call duration.
    private func follow(_ live: LiveLeg) async {
        let rawId = live.leg.rawId
        await withDiscardingTaskGroup { group in
            for await event in live.sip.events {
                if case .answered(let answer) = event {
                    connectAudio(live, answer: answer)
                    await legs.markAnswered(live)
                    try? await leases.markAnswered(legId: live.legId)
                    group.addTask { await self.reportTones(of: live) }
                    group.addTask { await self.hangUpAtMaximumDuration(live) }
                }
                if let progress = event.progress(of: rawId) {
                    await reporter.report(progress, on: live.leg.callId, cause: live.cause)
                }
            }
            group.cancelAll()
        }
        await live.audio.close()
        await legs.remove(live)
        try? await leases.release(legId: live.legId)
    }

    private func connectAudio(_ live: LiveLeg, answer: String) {
        do {
            let description = try SessionDescription.parse(answer)
            guard let host = description.remoteAddress, let port = description.audioPort, let codec = description.codec
            else { throw UnusableAnswer() }
            try live.audio.connect(
                to: RTPRemote(
                    host: host, port: port, codec: codec == .pcma ? .pcma : .pcmu,
                    telephoneEventPayloadType: description.telephoneEventPayloadType.map(UInt8.init)))
        } catch {
            // Signalling goes on (the far end answered): the leg is in the call, but mute.
            logger.warning(
                "the far end's SDP answer is unusable; the leg carries no audio",
                metadata: ["leg": "\(live.leg.rawId)", "error": "\(String(reflecting: error))"])
        }
    }

    private func reportTones(of live: LiveLeg) async {
        for await digit in live.audio.digits {
            guard let tone = DtmfTone(character: digit) else { continue }
            await reporter.report(
                .tonesPressed(rawId: live.leg.rawId, tones: [tone]), on: live.leg.callId, cause: live.cause)
        }
    }

    private func hangUpAtMaximumDuration(_ live: LiveLeg) async {
        guard (try? await Task.sleep(for: settings.maximumCallDuration)) != nil else { return }
        logger.info("maximum call duration reached; hanging up", metadata: ["leg": "\(live.leg.rawId)"])
        await live.sip.hangUp()
        await reporter.report(
            .legHungUp(rawId: live.leg.rawId, cause: "maximum call duration reached"), on: live.leg.callId,
            cause: live.cause)
    }
}

/// An SDP answer without an audio stream in a codec we offered.
private struct UnusableAnswer: Error, CustomStringConvertible {
    var description: String { "no G.711 audio stream among those offered" }
}

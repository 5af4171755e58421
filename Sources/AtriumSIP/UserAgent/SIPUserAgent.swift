import Logging
import NIOCore
import NIOPosix

/// A SIP user agent client (RFC 3261) that places calls through one trunk and carries them to their end.
///
/// ```swift
/// let agent = try await SIPUserAgent.start(configuration, group: group, logger: logger)
/// let call = try await agent.invite(SIPOutgoingCall(callId: id, toUser: "+14255550120", offer: sdp, ringTimeout: .seconds(30)))
/// for await event in call.events { ... }   // .trying, .ringing, .answered, then .ended / .failed / .canceled
/// ```
///
/// Every request out of a dialog goes to the trunk; requests in a dialog follow its route set and remote target.
/// Requests from the far end for unknown dialogs are answered 481; OPTIONS outside a dialog 200 (a trunk's
/// keep-alive). It never accepts incoming calls.
public final class SIPUserAgent: Sendable {
    private let context: SIPUserAgentContext
    private let calls: CallRegistry
    private let dispatcher: Task<Void, Never>

    /// The port the SIP socket is bound to.
    public var localPort: Int { context.transport.localPort }

    private init(context: SIPUserAgentContext, calls: CallRegistry, dispatcher: Task<Void, Never>) {
        self.context = context
        self.calls = calls
        self.dispatcher = dispatcher
    }

    /// Binds the SIP socket (UDP, or a TCP listener for a TCP trunk) and resolves the trunk's address.
    public static func start(
        _ configuration: SIPUserAgentConfiguration, group: any EventLoopGroup, logger: Logger
    ) async throws -> SIPUserAgent {
        try await start(configuration, timers: SIPTimers(), group: group, logger: logger)
    }

    static func start(
        _ configuration: SIPUserAgentConfiguration, timers: SIPTimers, group: any EventLoopGroup, logger: Logger
    ) async throws -> SIPUserAgent {
        let trunk = configuration.trunk
        let trunkAddress = try SocketAddress.makeAddressResolvingHost(trunk.host, port: trunk.port)
        let transport = try await SIPTransport.start(
            trunk.transport, host: configuration.listenHost, port: configuration.listenPort, group: group,
            logger: logger)
        let calls = CallRegistry()
        let context = SIPUserAgentContext(
            configuration: configuration, transport: transport, trunkAddress: trunkAddress, timers: timers,
            logger: logger, forget: { callId in await calls.remove(callId) })
        let dispatcher = Task {
            for await inbound in transport.inbound {
                await Self.dispatch(inbound, calls: calls, context: context)
            }
        }
        logger.info(
            "SIP user agent started",
            metadata: [
                "trunk": "\(trunk)", "local-port": "\(transport.localPort)",
                "credentials": "\(configuration.credentials != nil ? "configured" : "none")",
            ])
        return SIPUserAgent(context: context, calls: calls, dispatcher: dispatcher)
    }

    /// Places a call: sends the INVITE and returns; progress and outcome arrive on the call's `events`.
    /// Throws when the INVITE cannot be written (no route to the trunk, TCP connection refused).
    public func invite(_ call: SIPOutgoingCall) async throws -> SIPCall {
        let (events, continuation) = AsyncStream<SIPCallEvent>.makeStream()
        let session = CallSession(call: call, context: context, events: continuation)
        try await calls.add(session)
        do {
            try await session.start(ringTimeout: call.ringTimeout)
        } catch {
            await session.abandon()
            await calls.remove(call.callId)
            throw error
        }
        return SIPCall(callId: call.callId, events: events, session: session)
    }

    /// Ends every live call (BYE, or CANCEL while unanswered), waits about a second for their outcomes, ends
    /// the ones still waiting, and closes the sockets.
    public func shutdown() async {
        let sessions = await calls.all()
        for session in sessions { await session.hangUp() }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(1)
        for session in sessions {
            while await !session.isEnded, clock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            await session.abandon()
        }
        await calls.removeAll()
        await context.transport.close()
        dispatcher.cancel()
    }

    private static func dispatch(_ inbound: SIPInbound, calls: CallRegistry, context: SIPUserAgentContext) async {
        let message = inbound.message
        let session = await calls.session(message.callId ?? "")
        if message.status != nil {
            await session?.receive(response: message)
            return
        }
        if let session {
            await session.receive(request: message, from: inbound.peer)
            return
        }
        let method = message.method ?? ""
        guard method != "ACK" else { return }
        let isOutOfDialog = message["To"].flatMap(SIPNameAddress.init(parsing:))?.tag == nil
        let (status, reason) =
            method == "OPTIONS" && isOutOfDialog ? (200, "OK") : (481, "Call/Transaction Does Not Exist")
        let response = SIPMessage.response(
            to: message, status: status, reason: reason, toTag: SIPUserAgentContext.randomToken(),
            headers: [SIPHeader("Server", context.configuration.userAgent)])
        context.transport.reply(response, to: inbound.peer)
    }
}

/// The calls of one user agent by Call-ID.
actor CallRegistry {
    /// A second call with a Call-ID still in use.
    struct DuplicateCallId: Error, CustomStringConvertible {
        let callId: String
        var description: String { "a SIP call with Call-ID \(callId) is already in progress" }
    }

    private var sessions: [String: CallSession] = [:]

    /// Adds a call; an ended call lingering under the same Call-ID (for retransmissions) gives way to it.
    func add(_ session: CallSession) async throws {
        if let existing = sessions[session.callId], await !existing.isEnded {
            throw DuplicateCallId(callId: session.callId)
        }
        sessions[session.callId] = session
    }

    func session(_ callId: String) -> CallSession? { sessions[callId] }
    func remove(_ callId: String) { sessions[callId] = nil }
    func removeAll() { sessions = [:] }
    func all() -> [CallSession] { Array(sessions.values) }
}

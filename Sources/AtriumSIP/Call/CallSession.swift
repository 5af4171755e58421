import Logging
import NIOCore

/// One outgoing call from INVITE to its end: its client transactions, its dialog, its timers and the events
/// it reports (RFC 3261 §12, §13, §15, §17).
actor CallSession {
    enum Phase: Equatable {
        /// The INVITE has no final answer yet (an early dialog may exist).
        case inviting
        case answered
        /// Our BYE is out.
        case ending
        case ended
    }

    /// Why our CANCEL was sent, which decides what its 487 reports.
    enum CancelReason {
        case hangUp
        case ringTimeout
    }

    let callId: String
    let context: SIPUserAgentContext
    let localTag = SIPUserAgentContext.randomToken()
    let localURI: String
    let remoteURI: String
    let requestURI: String
    private let events: AsyncStream<SIPCallEvent>.Continuation
    var logger: Logger

    var phase = Phase.inviting
    /// Our current SDP: the offer, then each re-offer the far end accepted.
    var localDescriptionText: String
    var cseq: UInt32 = 1
    var remoteTag: String?
    /// The far end's Contact: where in-dialog requests go (RFC 3261 §12.1.2).
    var remoteTarget: String?
    /// Record-Route of the answer, reversed: the Route of in-dialog requests.
    var routeSet: [String] = []
    var transactions: [String: ClientTransaction] = [:]
    /// The INVITE transaction (the latest, after a digest retry) that CANCEL must match.
    var inviteKey = ""
    var cancelReason: CancelReason?
    var cancelSent = false
    /// Our ACK to each 2xx of an INVITE of ours, by CSeq number: sent again when that 2xx is retransmitted.
    var acknowledgements: [UInt32: SIPMessage] = [:]
    /// Provisional responses already reported (status and to-tag), so a retransmission is not reported twice.
    var reportedProvisionals: Set<String> = []
    var reinviteWaiter: CheckedContinuation<Void, any Error>?
    /// Our responses to the far end's requests, by branch and method: a retransmitted request gets the same.
    var sentResponses: [String: SIPMessage] = [:]
    /// Our 2xx to the far end's re-INVITEs waiting for their ACK, by CSeq number.
    var unacknowledgedAnswers: [UInt32: (response: SIPMessage, peer: SIPPeer, interval: Duration, elapsed: Duration)] =
        [:]
    var timers: [CallTimer: (id: Int, task: Task<Void, Never>)] = [:]
    var nextTimerId = 0

    init(call: SIPOutgoingCall, context: SIPUserAgentContext, events: AsyncStream<SIPCallEvent>.Continuation) {
        self.callId = call.callId
        self.context = context
        self.events = events
        let trunk = context.trunk
        let trunkHostPort = "\(SIPURI.bracketed(trunk.host)):\(trunk.port)"
        self.localURI = "sip:\(call.fromUser ?? "atrium")@\(SIPURI.bracketed(trunk.host))"
        self.remoteURI = "sip:\(call.toUser)@\(trunkHostPort)"
        self.requestURI = remoteURI + context.uriTransportParameter
        self.localDescriptionText = call.offer
        var logger = context.logger
        logger[metadataKey: "sip-call-id"] = "\(call.callId)"
        self.logger = logger
    }

    /// Sends the INVITE and starts the ring timeout; throws when the INVITE cannot be written at all.
    func start(ringTimeout: Duration) async throws {
        var invite = SIPMessage(.request(method: "INVITE", uri: requestURI))
        invite.add("Via", context.via(branch: SIPUserAgentContext.newBranch()))
        invite.add("Max-Forwards", "70")
        invite.add("From", "<\(localURI)>;tag=\(localTag)")
        invite.add("To", "<\(remoteURI)>")
        invite.add("Call-ID", callId)
        invite.add("CSeq", "\(cseq) INVITE")
        invite.add("Contact", context.contact)
        invite.add("Allow", Self.allowedMethods)
        invite.add("User-Agent", context.configuration.userAgent)
        invite.add("Content-Type", "application/sdp")
        invite.body = localDescriptionText
        let transaction = ClientTransaction(request: invite, purpose: .invite, interval: context.timers.t1)
        inviteKey = transaction.key
        schedule(.ring, after: ringTimeout)
        try await begin(transaction).get()
    }

    static let allowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE"

    // MARK: - What the caller does

    func hangUp() {
        switch phase {
        case .inviting:
            if cancelReason == nil { cancelReason = .hangUp }
            if transactions[inviteKey]?.receivedProvisional == true { sendCancel() }
        case .answered:
            sendBye()
        case .ending, .ended:
            break
        }
    }

    func reinvite(direction: MediaDirection) async throws {
        guard phase == .answered else { throw SIPCallError.notEstablished }
        guard reinviteWaiter == nil else { throw SIPCallError.requestPending }
        let offer: SessionDescription
        do {
            offer = try SessionDescription.parse(localDescriptionText).reoffer(direction: direction)
        } catch {
            throw SIPCallError.unreadableOffer("\(error)")
        }
        var request = inDialogRequest("INVITE")
        request.add("Contact", context.contact)
        request.add("Allow", Self.allowedMethods)
        request.add("Content-Type", "application/sdp")
        request.body = offer.text
        let transaction = ClientTransaction(request: request, purpose: .reinvite(offer), interval: context.timers.t1)
        try await withCheckedThrowingContinuation { continuation in
            reinviteWaiter = continuation
            _ = begin(transaction)
        }
    }

    /// Ends the call now, whatever the far end says (the user agent is shutting down and waited enough).
    func abandon() {
        switch phase {
        case .inviting:
            finish(cancelReason == .ringTimeout ? .failed(status: 408, reason: "Request Timeout") : .canceled)
        case .answered, .ending: finish(.ended(byRemote: false, status: nil))
        case .ended: break
        }
    }

    var isEnded: Bool { phase == .ended }

    // MARK: - Sending

    /// Sends a request as a new client transaction, with its retransmission (UDP only) and timeout timers.
    @discardableResult
    func begin(_ transaction: ClientTransaction) -> EventLoopFuture<Void> {
        let key = transaction.key
        transactions[key] = transaction
        if !context.isReliable { schedule(.retransmit(transaction: key), after: transaction.interval) }
        schedule(.timeout(transaction: key), after: context.timers.transactionTimeout)
        return send(transaction.request)
    }

    /// Writes a request to its next hop; a transport failure is a 503 for its transaction (RFC 3261 §8.1.3.1).
    @discardableResult
    func send(_ request: SIPMessage) -> EventLoopFuture<Void> {
        let written = context.transport.send(request, to: nextHop(of: request))
        logger.debug(
            "SIP request sent", metadata: ["request": "\(request.method ?? "") \(request.cseq?.description ?? "")"])
        let key = ClientTransaction.key(branch: request.topVia?.branch ?? "", method: request.method ?? "")
        written.whenFailure { error in
            Task { await self.transportFailed(transaction: key, error: error) }
        }
        return written
    }

    /// The first Route's address when there is one (loose or strict, it is the next hop), else the
    /// Request-URI's: the trunk for requests outside the dialog, the far end's Contact inside it.
    private func nextHop(of request: SIPMessage) -> SocketAddress {
        if let route = request.values("Route").first, let address = SIPNameAddress(parsing: route) {
            return context.address(ofURI: address.uri)
        }
        return context.address(ofURI: request.requestURI ?? requestURI)
    }

    private func transportFailed(transaction key: String, error: any Error) {
        guard let transaction = transactions[key], !transaction.completed else { return }
        logger.notice("SIP request could not be sent", metadata: ["reason": "\(error)"])
        var failure = SIPMessage.response(
            to: transaction.request, status: 503, reason: "Service Unavailable", toTag: nil)
        failure.remove("Content-Length")
        receive(response: failure)
    }

    // MARK: - Ending

    /// Reports the terminal event once, stops every timer and keeps the session a while for retransmissions.
    func finish(_ event: SIPCallEvent) {
        guard phase != .ended else { return }
        phase = .ended
        logger.info("SIP call ended", metadata: ["outcome": "\(event)"])
        events.yield(event)
        events.finish()
        reinviteWaiter?.resume(throwing: SIPCallError.notEstablished)
        reinviteWaiter = nil
        for (_, timer) in timers { timer.task.cancel() }
        timers = [:]
        schedule(.linger, after: context.timers.transactionTimeout)
    }

    func report(_ event: SIPCallEvent) {
        guard phase != .ended else { return }
        events.yield(event)
    }
}

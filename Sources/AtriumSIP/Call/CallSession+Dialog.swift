extension CallSession {
    /// A request inside the dialog (RFC 3261 §12.2.1.1): Request-URI the remote target, Route the route set
    /// (strict routing when its first hop lacks `;lr`), our tag and theirs, the next CSeq, a new branch.
    func inDialogRequest(_ method: String, cseqNumber: UInt32? = nil) -> SIPMessage {
        let number: UInt32
        if let cseqNumber {
            number = cseqNumber
        } else {
            cseq += 1
            number = cseq
        }
        let target = remoteTarget ?? requestURI
        var uri = target
        var routes = routeSet
        if let first = routeSet.first.flatMap(SIPNameAddress.init(parsing:)),
            SIPURI.hostPort(ofURI: first.uri)?.parameters["lr"] == nil
        {
            // A strict router: it is the Request-URI, and the remote target goes last in Route.
            uri = first.uri
            routes = Array(routeSet.dropFirst()) + ["<\(target)>"]
        }
        var request = SIPMessage(.request(method: method, uri: uri))
        request.add("Via", context.via(branch: SIPUserAgentContext.newBranch()))
        request.add("Max-Forwards", "70")
        for route in routes { request.add("Route", route) }
        request.add("From", "<\(localURI)>;tag=\(localTag)")
        request.add("To", "<\(remoteURI)>" + (remoteTag.map { ";tag=\($0)" } ?? ""))
        request.add("Call-ID", callId)
        request.add("CSeq", "\(number) \(method)")
        request.add("User-Agent", context.configuration.userAgent)
        return request
    }

    /// Learns the dialog from a response with a to-tag (a 1xx makes it early, the 2xx confirms it): the
    /// far end's tag, its Contact as remote target, Record-Route reversed as route set (RFC 3261 §12.1.2).
    func learnDialog(from response: SIPMessage) {
        guard let tag = response["To"].flatMap(SIPNameAddress.init(parsing:))?.tag else { return }
        remoteTag = tag
        if let contact = response.values("Contact").first.flatMap(SIPNameAddress.init(parsing:)) {
            remoteTarget = contact.uri
        }
        routeSet = response.values("Record-Route").reversed()
    }

    /// The ACK of a non-2xx final response: part of the INVITE transaction (RFC 3261 §17.1.1.3), so the
    /// INVITE's Request-URI, top Via (same branch) and Route, and the response's To.
    func acknowledgement(ofFailure response: SIPMessage, to invite: SIPMessage) -> SIPMessage {
        var ack = SIPMessage(.request(method: "ACK", uri: invite.requestURI ?? requestURI))
        if let via = invite.values("Via").first { ack.add("Via", via) }
        ack.add("Max-Forwards", "70")
        for route in invite.values("Route") { ack.add("Route", route) }
        if let from = invite["From"] { ack.add("From", from) }
        if let to = response["To"] { ack.add("To", to) }
        ack.add("Call-ID", callId)
        ack.add("CSeq", "\(invite.cseq?.number ?? cseq) ACK")
        return ack
    }

    /// CANCEL for the pending INVITE (RFC 3261 §9.1): same Request-URI, Call-ID, From, To, Route, CSeq number
    /// and top Via as the INVITE. Sent at most once, and only after a provisional response.
    func sendCancel() {
        guard !cancelSent, let invite = transactions[inviteKey], !invite.completed else { return }
        cancelSent = true
        var cancel = SIPMessage(.request(method: "CANCEL", uri: invite.request.requestURI ?? requestURI))
        if let via = invite.request.values("Via").first { cancel.add("Via", via) }
        cancel.add("Max-Forwards", "70")
        for route in invite.request.values("Route") { cancel.add("Route", route) }
        for name in ["From", "To", "Call-ID"] {
            if let value = invite.request[name] { cancel.add(name, value) }
        }
        cancel.add("CSeq", "\(invite.request.cseq?.number ?? cseq) CANCEL")
        cancel.add("User-Agent", context.configuration.userAgent)
        logger.info("SIP call canceled", metadata: ["reason": "\(cancelReason.map { "\($0)" } ?? "")"])
        begin(ClientTransaction(request: cancel, purpose: .cancel, interval: context.timers.t1))
        // No final answer to the INVITE within 64×T1 of the CANCEL: the INVITE is over (RFC 3261 §9.1).
        schedule(.timeout(transaction: inviteKey), after: context.timers.transactionTimeout)
    }

    func sendBye() {
        guard phase == .answered else { return }
        phase = .ending
        reinviteWaiter?.resume(throwing: SIPCallError.notEstablished)
        reinviteWaiter = nil
        begin(ClientTransaction(request: inDialogRequest("BYE"), purpose: .bye, interval: context.timers.t1))
    }
}

extension CallSession {
    /// A request from the far end for this Call-ID (RFC 3261 §12.2.2): answered inside the dialog, 481 when its
    /// tags are not this dialog's; a retransmission gets the response already sent.
    func receive(request: SIPMessage, from peer: SIPPeer) {
        guard let method = request.method, let cseq = request.cseq else { return }
        if method == "ACK" {
            if unacknowledgedAnswers.removeValue(forKey: cseq.number) != nil {
                cancelTimer(.answerRetransmit(cseq: cseq.number))
            }
            return
        }
        let key = "\(request.topVia?.branch ?? "") \(method)"
        if let sent = sentResponses[key] {
            context.transport.reply(sent, to: peer)
            return
        }
        let toTag = request["To"].flatMap(SIPNameAddress.init(parsing:))?.tag
        let fromTag = request["From"].flatMap(SIPNameAddress.init(parsing:))?.tag
        guard toTag == localTag, remoteTag == nil || fromTag == remoteTag, phase != .ended || method == "BYE" else {
            respond(to: request, from: peer, key: key, status: 481, reason: "Call/Transaction Does Not Exist")
            return
        }
        switch method {
        case "BYE":
            respond(to: request, from: peer, key: key, status: 200, reason: "OK")
            if phase == .answered || phase == .ending {
                logger.info("SIP call ended by the far end")
                finish(.ended(byRemote: true, status: nil))
            }
        case "INVITE", "UPDATE":
            answerOffer(request, from: peer, key: key, method: method)
        case "OPTIONS":
            respond(
                to: request, from: peer, key: key, status: 200, reason: "OK",
                headers: [SIPHeader("Allow", Self.allowedMethods), SIPHeader("Accept", "application/sdp")])
        case "CANCEL":
            // Their re-INVITEs are answered at once: nothing is left to cancel (RFC 3261 §9.2).
            respond(to: request, from: peer, key: key, status: 200, reason: "OK")
        default:
            respond(
                to: request, from: peer, key: key, status: 501, reason: "Not Implemented",
                headers: [SIPHeader("Allow", Self.allowedMethods)])
        }
    }

    /// A re-INVITE or UPDATE of theirs: the session is kept, answered with our current SDP. A 2xx to an INVITE
    /// is resent over UDP until their ACK (RFC 3261 §13.3.1.4).
    private func answerOffer(_ request: SIPMessage, from peer: SIPPeer, key: String, method: String) {
        guard phase == .answered else {
            respond(to: request, from: peer, key: key, status: 491, reason: "Request Pending")
            return
        }
        let withSDP = method == "INVITE" || !request.body.isEmpty
        var headers = [SIPHeader("Contact", context.contact), SIPHeader("Allow", Self.allowedMethods)]
        if withSDP { headers.append(SIPHeader("Content-Type", "application/sdp")) }
        let response = respond(
            to: request, from: peer, key: key, status: 200, reason: "OK", headers: headers,
            body: withSDP ? localDescriptionText : "")
        if method == "INVITE", let number = request.cseq?.number {
            unacknowledgedAnswers[number] = (response, peer, context.timers.t1, .zero)
            if !context.isReliable { schedule(.answerRetransmit(cseq: number), after: context.timers.t1) }
        }
    }

    @discardableResult
    private func respond(
        to request: SIPMessage, from peer: SIPPeer, key: String, status: Int, reason: String,
        headers: [SIPHeader] = [], body: String = ""
    ) -> SIPMessage {
        var response = SIPMessage.response(
            to: request, status: status, reason: reason, toTag: localTag,
            headers: headers + [SIPHeader("Server", context.configuration.userAgent)], body: body)
        if response.headers.contains(where: { $0.canonicalName == "content-type" }) == false, !body.isEmpty {
            response.add("Content-Type", "application/sdp")
        }
        sentResponses[key] = response
        context.transport.reply(response, to: peer)
        logger.debug("SIP request answered", metadata: ["method": "\(request.method ?? "")", "status": "\(status)"])
        return response
    }
}

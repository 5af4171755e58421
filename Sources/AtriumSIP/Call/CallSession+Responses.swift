extension CallSession {
    /// A response for this call: matched to its client transaction by top Via branch and CSeq method
    /// (RFC 3261 §17.1.3); a retransmitted final response is absorbed (its ACK sent again), never reported twice.
    func receive(response: SIPMessage) {
        guard let status = response.status, let cseq = response.cseq else { return }
        if (200..<300).contains(status), cseq.method == "INVITE", let ack = acknowledgements[cseq.number] {
            // A retransmitted 2xx: our ACK was lost (RFC 3261 §13.2.2.4).
            send(ack)
            return
        }
        let key = ClientTransaction.key(branch: response.topVia?.branch ?? "", method: cseq.method)
        guard var transaction = transactions[key] else {
            if (200..<300).contains(status), cseq.method == "INVITE", phase == .ended {
                acknowledgeLateAnswer(response)
            } else {
                logger.debug("SIP response for no transaction dropped", metadata: ["status": "\(status)"])
            }
            return
        }
        if transaction.completed {
            if transaction.isInvite && status >= 300 {
                send(acknowledgement(ofFailure: response, to: transaction.request))
            } else if transaction.purpose == .invite && status >= 200 && phase == .ended {
                acknowledgeLateAnswer(response)
            }
            return
        }
        logger.debug("SIP response", metadata: ["status": "\(status)", "cseq": "\(cseq)"])
        if status < 200 {
            transaction.receivedProvisional = true
            transactions[key] = transaction
            // An INVITE is not resent once a provisional came (RFC 3261 §17.1.1.2).
            if transaction.isInvite { cancelTimer(.retransmit(transaction: key)) }
            // Nor does Timer B run on (RFC 3261 §17.1.1.2): a phone may ring longer than 32 s. The ring
            // timeout bounds the call instead, and a CANCEL restarts the 64×T1 wait (§9.1).
            if transaction.purpose == .invite { cancelTimer(.timeout(transaction: key)) }
            if transaction.purpose == .invite { receiveProvisional(response, status: status) }
            return
        }
        transaction.completed = true
        transactions[key] = transaction
        cancelTimer(.retransmit(transaction: key))
        cancelTimer(.timeout(transaction: key))
        if transaction.isInvite && status >= 300 {
            send(acknowledgement(ofFailure: response, to: transaction.request))
        }
        if status == 401 || status == 407, retryWithCredentials(transaction, challenge: response) { return }
        switch transaction.purpose {
        case .invite: receiveFinal(response, status: status, of: transaction)
        case .reinvite(let offer): receiveReinviteFinal(response, status: status, offer: offer, of: transaction)
        case .bye: finish(.ended(byRemote: false, status: status))
        case .cancel: break  // The INVITE's own final response (487, or a 2xx that crossed) decides the outcome.
        }
    }

    private func receiveProvisional(_ response: SIPMessage, status: Int) {
        if phase == .inviting { learnDialog(from: response) }
        let toTag = response["To"].flatMap(SIPNameAddress.init(parsing:))?.tag ?? ""
        if reportedProvisionals.insert("\(status) \(toTag)").inserted {
            if status == 100 {
                report(.trying)
            } else {
                let hasSDP = !response.body.isEmpty && (response["Content-Type"] ?? "").lowercased().contains("sdp")
                report(.ringing(status: status, earlyMedia: hasSDP ? response.body : nil))
            }
        }
        if cancelReason != nil { sendCancel() }
    }

    private func receiveFinal(_ response: SIPMessage, status: Int, of transaction: ClientTransaction) {
        guard (200..<300).contains(status) else {
            if status == 487 && cancelSent {
                finish(cancelReason == .ringTimeout ? .failed(status: 408, reason: "Request Timeout") : .canceled)
            } else {
                finish(.failed(status: status, reason: response.reason))
            }
            return
        }
        learnDialog(from: response)
        acknowledge(response, of: transaction)
        phase = .answered
        cancelTimer(.ring)
        logger.info("SIP call answered", metadata: ["status": "\(status)"])
        report(.answered(answer: response.body))
        // Our CANCEL crossed their answer: the call is ours to end now (RFC 3261 §9.1).
        if cancelReason == .hangUp { sendBye() }
    }

    private func receiveReinviteFinal(
        _ response: SIPMessage, status: Int, offer: SessionDescription, of transaction: ClientTransaction
    ) {
        let waiter = reinviteWaiter
        reinviteWaiter = nil
        guard (200..<300).contains(status) else {
            waiter?.resume(throwing: SIPCallError.refused(status: status, reason: response.reason))
            // The dialog is gone or unreachable (RFC 3261 §14.1): end the call.
            if status == 408 || status == 481 { sendBye() }
            return
        }
        if let contact = response.values("Contact").first.flatMap(SIPNameAddress.init(parsing:)) {
            remoteTarget = contact.uri
        }
        acknowledge(response, of: transaction)
        localDescriptionText = offer.text
        waiter?.resume()
    }

    /// The ACK of a 2xx: a request of its own in the dialog (new branch, the INVITE's CSeq number), kept to be
    /// sent again for each retransmission of that 2xx (RFC 3261 §13.2.2.4).
    private func acknowledge(_ response: SIPMessage, of transaction: ClientTransaction) {
        let number = transaction.request.cseq?.number ?? cseq
        var ack = inDialogRequest("ACK", cseqNumber: number)
        for name in ["Authorization", "Proxy-Authorization"] {
            for value in transaction.request.headers where value.canonicalName == name.lowercased() {
                ack.add(name, value.value)
            }
        }
        acknowledgements[number] = ack
        send(ack)
    }

    /// A 2xx after the call ended (it crossed our CANCEL, or came after Timer B): ACK it, then BYE, so that
    /// the far end is not left in a call nobody carries.
    private func acknowledgeLateAnswer(_ response: SIPMessage) {
        learnDialog(from: response)
        let number = response.cseq?.number ?? cseq
        let ack = inDialogRequest("ACK", cseqNumber: number)
        acknowledgements[number] = ack
        send(ack)
        send(inDialogRequest("BYE"))
        logger.notice("SIP answer after the call ended: acknowledged and hung up")
    }

    /// Answers a 401/407 once (RFC 3261 §22.2): the same request with CSeq + 1, a new branch and the digest
    /// answer; false when there are no credentials, no usable challenge, or this status was answered already.
    private func retryWithCredentials(_ transaction: ClientTransaction, challenge response: SIPMessage) -> Bool {
        guard let status = response.status, transaction.purpose != .cancel,
            let credentials = context.configuration.credentials,
            !transaction.answeredChallenges.contains(status),
            let method = transaction.request.method, let uri = transaction.request.requestURI
        else { return false }
        let challengeHeader = status == 401 ? "www-authenticate" : "proxy-authenticate"
        let answerHeader = status == 401 ? "Authorization" : "Proxy-Authorization"
        guard
            let challenge = response.headers.lazy.filter({ $0.canonicalName == challengeHeader })
                .compactMap({ DigestChallenge(parsing: $0.value) }).first
        else { return false }
        let answer = DigestAuthorization(
            challenge: challenge, credentials: credentials, method: method, uri: uri,
            cnonce: SIPUserAgentContext.randomToken())
        var request = transaction.request
        request.remove(answerHeader)
        request.add(answerHeader, answer.headerValue)
        cseq += 1
        request.set("CSeq", "\(cseq) \(method)")
        // A new branch in our (top) Via: a new transaction.
        let vias = [context.via(branch: SIPUserAgentContext.newBranch())] + request.values("Via").dropFirst()
        request.remove("Via")
        request.headers.insert(contentsOf: vias.map { SIPHeader("Via", $0) }, at: 0)
        var retry = ClientTransaction(request: request, purpose: transaction.purpose, interval: context.timers.t1)
        retry.answeredChallenges = transaction.answeredChallenges.union([status])
        // The credentials never reach a log line: only the challenge's realm does.
        logger.info("SIP challenge answered", metadata: ["status": "\(status)", "realm": "\(challenge.realm)"])
        if transaction.purpose == .invite { inviteKey = retry.key }
        begin(retry)
        return true
    }
}

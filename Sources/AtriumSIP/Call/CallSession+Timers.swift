extension CallSession {
    /// Starts (or restarts) a timer; a timer that already fired while its replacement was scheduled is ignored.
    func schedule(_ timer: CallTimer, after delay: Duration) {
        timers[timer]?.task.cancel()
        nextTimerId += 1
        let id = nextTimerId
        let task = Task { [weak self] in
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            await self?.fire(timer, id: id)
        }
        timers[timer] = (id, task)
    }

    func cancelTimer(_ timer: CallTimer) {
        timers.removeValue(forKey: timer)?.task.cancel()
    }

    private func fire(_ timer: CallTimer, id: Int) {
        guard timers[timer]?.id == id else { return }
        timers[timer] = nil
        switch timer {
        case .retransmit(let key): retransmit(key)
        case .timeout(let key): timeOut(key)
        case .ring: ringTimedOut()
        case .answerRetransmit(let number): retransmitAnswer(number)
        case .linger:
            let callId = self.callId
            let forget = context.forget
            Task { await forget(callId) }
        }
    }

    /// Timer A doubles without a cap until a provisional; Timer E doubles up to T2 (RFC 3261 §17.1.1.2, §17.1.2.2).
    private func retransmit(_ key: String) {
        guard var transaction = transactions[key], !transaction.completed else { return }
        if transaction.isInvite && transaction.receivedProvisional { return }
        send(transaction.request)
        let doubled = transaction.interval * 2
        transaction.interval = transaction.isInvite ? doubled : min(doubled, context.timers.t2)
        transactions[key] = transaction
        schedule(.retransmit(transaction: key), after: transaction.interval)
    }

    /// Timer B or F: no final response in 64×T1 (for the INVITE: none before a provisional, or since CANCEL).
    private func timeOut(_ key: String) {
        guard var transaction = transactions[key], !transaction.completed else { return }
        transaction.completed = true
        transactions[key] = transaction
        cancelTimer(.retransmit(transaction: key))
        logger.notice("SIP transaction timed out", metadata: ["request": "\(transaction.request.method ?? "")"])
        switch transaction.purpose {
        case .invite:
            finish(cancelReason == .hangUp ? .canceled : .failed(status: 408, reason: "Request Timeout"))
        case .reinvite:
            reinviteWaiter?.resume(throwing: SIPCallError.refused(status: 408, reason: "Request Timeout"))
            reinviteWaiter = nil
            sendBye()
        case .bye:
            finish(.ended(byRemote: false, status: nil))
        case .cancel:
            break
        }
    }

    /// The ring timeout: CANCEL now if a provisional came, else as soon as one does (RFC 3261 §9.1).
    private func ringTimedOut() {
        guard phase == .inviting, cancelReason == nil else { return }
        cancelReason = .ringTimeout
        if transactions[inviteKey]?.receivedProvisional == true { sendCancel() }
    }

    /// Our 2xx to their re-INVITE, resent at T1 doubling to T2 until their ACK, for 64×T1 at most.
    private func retransmitAnswer(_ number: UInt32) {
        guard var pending = unacknowledgedAnswers[number] else { return }
        pending.elapsed += pending.interval
        guard pending.elapsed < context.timers.transactionTimeout else {
            unacknowledgedAnswers[number] = nil
            return
        }
        context.transport.reply(pending.response, to: pending.peer)
        pending.interval = min(pending.interval * 2, context.timers.t2)
        unacknowledgedAnswers[number] = pending
        schedule(.answerRetransmit(cseq: number), after: pending.interval)
    }
}

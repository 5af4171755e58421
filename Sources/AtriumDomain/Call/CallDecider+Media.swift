import Foundation

/// Media operations: plays run one at a time in the order asked (an interrupting play cancels what
/// plays and waits); one DTMF recognition at a time; tones pressed on a line feed the recognition
/// and continuous recognition.
extension CallDecider {
    static func decidePlay(
        _ operation: PlayOperation, interrupt: Bool, _ call: Call
    ) throws(DomainError) -> [CallEvent] {
        guard !operation.sources.isEmpty else {
            throw DomainError.badArgument("At least one play source is required.", target: "playSources")
        }
        for rawId in operation.playTo {
            _ = try connectedParticipant(rawId, in: call, target: "playTo")
        }
        guard call.media.play(operation.operationId) == nil else { return [] }
        var events = interrupt ? cancelingPlays(call) : []
        events.append(.playRequested(operation))
        let playingAfter = interrupt ? nil : call.media.playing
        if playingAfter == nil && (interrupt || call.media.queued.isEmpty) {
            events.append(.playStarted(CallMediaOperationEvent(operationId: operation.operationId)))
        }
        return events
    }

    static func decideRecognize(_ operation: RecognizeOperation, _ call: Call) throws(DomainError) -> [CallEvent] {
        _ = try connectedParticipant(operation.targetRawId, in: call, target: "targetParticipant")
        guard (1...128).contains(operation.maxTonesToCollect) else {
            throw DomainError.badArgument(
                "maxTonesToCollect must be between 1 and 128.", target: "maxTonesToCollect")
        }
        guard (1...300).contains(operation.initialSilenceTimeoutSeconds) else {
            throw DomainError.badArgument(
                "initialSilenceTimeoutInSeconds must be between 1 and 300.", target: "initialSilenceTimeoutInSeconds")
        }
        guard (1...60).contains(operation.interToneTimeoutSeconds) else {
            throw DomainError.badArgument(
                "interToneTimeoutInSeconds must be between 1 and 60.", target: "interToneTimeoutInSeconds")
        }
        if let running = call.media.recognition {
            if running.operation.operationId == operation.operationId { return [] }
            throw DomainError(.conflict, "A recognize operation is already running in this call.", target: "recognize")
        }
        return [.recognizeStarted(operation)]
    }

    /// Keys pressed on a line: recorded, and collected by a recognition listening to that line,
    /// which completes at its maximum or a stop tone (the stop tone itself is not collected).
    static func decideTones(_ tones: [DtmfTone], from rawId: String, _ call: Call) -> [CallEvent] {
        guard call.isActive, !tones.isEmpty, call.participant(rawId)?.state == .connected else { return [] }
        var events: [CallEvent] = [.tonesReceived(CallTonesReceived(rawId: rawId, tones: tones))]
        guard let recognition = call.media.recognition, recognition.operation.targetRawId == rawId else {
            return events
        }
        let operation = recognition.operation
        var collected = recognition.collected
        for tone in tones {
            if operation.stopTones.contains(tone) {
                events.append(completed(operation, collected, .stopToneDetected))
                return events
            }
            collected.append(tone)
            if collected.count >= operation.maxTonesToCollect {
                events.append(completed(operation, collected, .maxTonesReceived))
                return events
            }
        }
        return events
    }

    private static func completed(
        _ operation: RecognizeOperation, _ tones: [DtmfTone], _ completion: RecognizeCompletion
    ) -> CallEvent {
        .recognizeCompleted(
            CallRecognizeCompleted(operationId: operation.operationId, tones: tones, completion: completion))
    }

    /// Every play, playing or waiting, and the recognition; or only those `connectionId` asked for,
    /// with its continuous recognitions (the connection is leaving).
    static func cancelingMedia(_ call: Call, of connectionId: String? = nil) -> [CallEvent] {
        var events = cancelingPlays(call, of: connectionId)
        if let recognition = call.media.recognition,
            connectionId.map({ $0 == recognition.operation.connectionId }) ?? true
        {
            events.append(.recognizeCanceled(CallMediaOperationEvent(operationId: recognition.operation.operationId)))
        }
        if let connectionId {
            events += call.media.continuousDtmf.filter { $0.connectionId == connectionId }.map {
                .continuousDtmfStopped($0)
            }
        }
        return events
    }

    private static func cancelingPlays(_ call: Call, of connectionId: String? = nil) -> [CallEvent] {
        ([call.media.playing].compactMap { $0 } + call.media.queued)
            .filter { play in connectionId.map { $0 == play.connectionId } ?? true }
            .map { .playCanceled(CallMediaOperationEvent(operationId: $0.operationId)) }
    }

    /// The play after the one that just ended, if any waits.
    static func startingNextPlay(after events: [CallEvent], _ call: Call) -> [CallEvent] {
        let after = replay(events, from: call)
        guard after.media.playing == nil, let next = after.media.queued.first else { return events }
        return events + [.playStarted(CallMediaOperationEvent(operationId: next.operationId))]
    }
}

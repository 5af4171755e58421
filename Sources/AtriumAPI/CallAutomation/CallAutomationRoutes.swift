import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation
import HTTPTypes
import Hummingbird

/// The ACS Call Automation API for room calls (`/calling/...`), HMAC-authenticated like the Rooms
/// API: connect to a room's call, act on it through the call connection, record it.
struct CallAutomationRoutes: Sendable {
    let automation: CallAutomation
    let clock: @Sendable () -> Date

    func register(on router: Router<AtriumRequestContext>) {
        router.post("/calling/callConnections:connect", use: connect)
        router.post("/calling/callConnections", use: createCall)
        router.get("/calling/callConnections/:connectionId", use: getCall)
        router.delete("/calling/callConnections/:connectionId", use: hangUp)
        // `{id}:terminate`, `{id}:play`, …: the action follows the id in the same path segment.
        router.post("/calling/callConnections/:connectionId", use: callAction)
        router.get("/calling/callConnections/:connectionId/participants", use: listParticipants)
        router.get("/calling/callConnections/:connectionId/participants/:rawId", use: getParticipant)
        // `participants:add`, `participants:remove`, `participants:mute`, `participants:cancelAddParticipant`.
        router.post("/calling/callConnections/:connectionId/:action", use: participantsAction)
        router.post("/calling/recordings", use: startRecording)
        router.get("/calling/recordings/:recordingId", use: getRecording)
        router.delete("/calling/recordings/:recordingId", use: stopRecording)
        router.post("/calling/recordings/:recordingId", use: recordingAction)
    }

    // MARK: Connections

    @Sendable func connect(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let version = try CallAutomationAPIVersion(of: request)
        let body = try await JSONBody.object(of: request)
        try UnsupportedOptions.refuse(UnsupportedOptions.connect, in: body)
        let locator = body["callLocator"]
        guard case .string(let kind)? = locator?["kind"], kind == "roomCallLocator" else {
            throw APIError.badRequest(
                "Atrium connects to room calls: callLocator must be a roomCallLocator.", target: "callLocator")
        }
        guard case .string(let roomText)? = locator?["roomId"] else {
            throw APIError.badRequest("callLocator.roomId is required.", target: "callLocator")
        }
        let roomId = try RoomId(validating: roomText)
        let callbackUri = try CallAutomationRequests.callbackUri("callbackUri", in: body, required: true) ?? ""
        let operationContext = try CallAutomationRequests.string("operationContext", in: body)
        return try await commandRequest(request, context).run { context, repeatability in
            try await automation.connect(
                roomId: roomId, callbackUri: callbackUri, operationContext: operationContext,
                apiVersion: version.rawValue, context: context, repeatability: repeatability
            ) { connected in
                CommandAnswer(.ok, body: CallAutomationRepresentation.connection(connected).serialized)
            }
        }
    }

    @Sendable func createCall(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        throw APIError.badRequest(
            "Atrium automates room calls: connect to the room's call (callConnections:connect with a "
                + "roomCallLocator), then add participants to it.", target: "targets")
    }

    @Sendable func getCall(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let connected = try await automation.connected(try Self.parameter("connectionId", context))
        return JSONResponse.make(status: .ok, body: CallAutomationRepresentation.connection(connected))
    }

    @Sendable func hangUp(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let connectionId = try Self.parameter("connectionId", context)
        return try await act(.hangUp, on: connectionId, request, context) { _ in CommandAnswer(.noContent) }
    }

    /// `{connectionId}:{action}`.
    @Sendable func callAction(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let (connectionId, action) = try Self.split(try Self.parameter("connectionId", context))
        let body = try await JSONBody.object(of: request)
        let operationContext = try CallAutomationRequests.string("operationContext", in: body)
        switch action {
        case "terminate":
            return try await act(.terminate, on: connectionId, request, context) { _ in CommandAnswer(.noContent) }
        case "play":
            try UnsupportedOptions.refuse(UnsupportedOptions.play, in: body)
            let operation = PlayOperation(
                operationId: Self.newId(), connectionId: connectionId, operationContext: operationContext,
                sources: try CallAutomationRequests.playSources(body["playSources"], field: "playSources"),
                playTo: try CallAutomationRequests.identifiers(body["playTo"], field: "playTo"),
                loop: try CallAutomationRequests.bool("loop", in: body["playOptions"]) ?? false)
            let interrupt = try JSONBody.bool("interruptCallMediaOperation", in: body) ?? false
            return try await act(.play(operation, interrupt: interrupt), on: connectionId, request, context) { _ in
                CommandAnswer(.accepted)
            }
        case "recognize":
            try UnsupportedOptions.refuse(UnsupportedOptions.recognize, in: body)
            let operation = try Self.recognize(body, connectionId: connectionId, operationContext: operationContext)
            return try await act(.recognize(operation), on: connectionId, request, context) { _ in
                CommandAnswer(.accepted)
            }
        case "cancelAllMediaOperations":
            return try await act(.cancelMedia, on: connectionId, request, context) { _ in CommandAnswer(.accepted) }
        case "sendDtmfTones":
            try UnsupportedOptions.refuse(UnsupportedOptions.sendDtmf, in: body)
            let operation = SendDtmfOperation(
                operationId: Self.newId(), connectionId: connectionId, operationContext: operationContext,
                targetRawId: try CallAutomationRequests.identifier(
                    body["targetParticipant"], field: "targetParticipant"),
                tones: try CallAutomationRequests.tones(body["tones"], field: "tones"))
            return try await act(.sendDtmf(operation), on: connectionId, request, context) { _ in
                CommandAnswer(
                    .accepted, body: CallAutomationRepresentation.operationContext(operationContext).serialized)
            }
        case "startContinuousDtmfRecognition", "stopContinuousDtmfRecognition":
            try UnsupportedOptions.refuse(UnsupportedOptions.continuousDtmf, in: body)
            let target = try CallAutomationRequests.identifier(body["targetParticipant"], field: "targetParticipant")
            let command: AutomationAction =
                action.hasPrefix("start")
                ? .startContinuousDtmf(rawId: target, operationContext: operationContext)
                : .stopContinuousDtmf(rawId: target, operationContext: operationContext)
            return try await act(command, on: connectionId, request, context) { _ in CommandAnswer(.ok) }
        case "hold", "unhold":
            try UnsupportedOptions.refuse(
                action == "hold" ? UnsupportedOptions.hold : UnsupportedOptions.unhold, in: body)
            let target = try CallAutomationRequests.identifier(body["targetParticipant"], field: "targetParticipant")
            let command: AutomationAction =
                action == "hold"
                ? .hold(rawId: target, operationContext: operationContext)
                : .unhold(rawId: target, operationContext: operationContext)
            return try await act(command, on: connectionId, request, context) { _ in CommandAnswer(.ok) }
        default:
            throw HTTPError(.notFound)
        }
    }

    // MARK: Participants

    @Sendable func listParticipants(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let connected = try await automation.connected(try Self.parameter("connectionId", context))
        return JSONResponse.make(status: .ok, body: CallAutomationRepresentation.participants(connected.call))
    }

    @Sendable func getParticipant(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let connected = try await automation.connected(try Self.parameter("connectionId", context))
        let rawId = try Self.parameter("rawId", context)
        guard let participant = connected.call.participant(rawId), participant.state == .connected else {
            throw DomainError(.notFound, "\(rawId) is not in the call.", target: "participantRawId")
        }
        return JSONResponse.make(status: .ok, body: CallAutomationRepresentation.participant(participant))
    }

    @Sendable func participantsAction(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let connectionId = try Self.parameter("connectionId", context)
        let body = try await JSONBody.object(of: request)
        let operationContext = try CallAutomationRequests.string("operationContext", in: body)
        switch try Self.parameter("action", context) {
        case "participants:add":
            try UnsupportedOptions.refuse(UnsupportedOptions.addParticipant, in: body)
            let rawId = try CallAutomationRequests.identifier(body["participantToAdd"], field: "participantToAdd")
            let invitationId = Self.newId()
            let add = AddParticipant(
                invitationId: invitationId, rawId: rawId,
                sourceCallerIdNumber: try CallAutomationRequests.phoneNumber(
                    body["sourceCallerIdNumber"], field: "sourceCallerIdNumber"),
                invitationTimeoutSeconds: try CallAutomationRequests.integer("invitationTimeoutInSeconds", in: body)
                    ?? CallInvitation.defaultTimeoutSeconds,
                operationContext: operationContext)
            return try await act(.add(add), on: connectionId, request, context) { call in
                CommandAnswer(
                    .accepted,
                    body: CallAutomationRepresentation.addResult(
                        rawId, call, invitationId: invitationId, operationContext: operationContext
                    ).serialized)
            }
        case "participants:remove":
            try UnsupportedOptions.refuse(UnsupportedOptions.removeParticipant, in: body)
            let rawId = try CallAutomationRequests.identifier(body["participantToRemove"], field: "participantToRemove")
            return try await act(
                .remove(rawId: rawId, operationContext: operationContext), on: connectionId, request,
                context
            ) { _ in
                CommandAnswer(
                    .accepted, body: CallAutomationRepresentation.operationContext(operationContext).serialized)
            }
        case "participants:mute":
            let targets = try CallAutomationRequests.identifiers(
                body["targetParticipants"], field: "targetParticipants")
            guard targets.count == 1, let rawId = targets.first else {
                throw APIError.badRequest(
                    "Exactly one participant can be muted at a time.", target: "targetParticipants")
            }
            return try await act(
                .mute(rawId: rawId, operationContext: operationContext), on: connectionId, request,
                context
            ) { _ in
                CommandAnswer(
                    .ok, body: CallAutomationRepresentation.operationContext(operationContext).serialized)
            }
        case "participants:cancelAddParticipant":
            try UnsupportedOptions.refuse(UnsupportedOptions.cancelAddParticipant, in: body)
            guard let invitationId = try CallAutomationRequests.string("invitationId", in: body) else {
                throw APIError.badRequest("'invitationId' is required.", target: "invitationId")
            }
            return try await act(
                .cancelAdd(invitationId: invitationId, operationContext: operationContext), on: connectionId, request,
                context
            ) { _ in
                var members: [(key: String, value: JSONValue)] = [(key: "invitationId", value: .string(invitationId))]
                if let operationContext { members.append((key: "operationContext", value: .string(operationContext))) }
                return CommandAnswer(.accepted, body: JSONValue.object(members).serialized)
            }
        default:
            throw HTTPError(.notFound)
        }
    }

    // MARK: Recordings

    @Sendable func startRecording(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let body = try await JSONBody.object(of: request)
        try UnsupportedOptions.refuse(UnsupportedOptions.startRecording, in: body)
        let reference = try Self.callReference(body)
        let contentType = try Self.choice("recordingContentType", in: body, ["audio", "audioVideo"]) ?? "audio"
        let channelType = try Self.choice("recordingChannelType", in: body, ["mixed", "unmixed"]) ?? "mixed"
        let format = try Self.choice("recordingFormatType", in: body, ["wav", "mp3", "mp4"]) ?? "wav"
        let pauseOnStart = try JSONBody.bool("pauseOnStart", in: body) ?? false
        let now = Timestamp.normalized(clock())
        let recording = CallRecording(
            recordingId: Self.newId(), state: pauseOnStart ? .inactive : .active, contentType: contentType,
            channelType: channelType, format: format,
            stateCallbackUri: try CallAutomationRequests.callbackUri(
                "recordingStateCallbackUri", in: body, required: false),
            startedAt: now)
        return try await commandRequest(request, context).run { context, repeatability in
            try await automation.startRecording(
                recording, of: reference, context: context, repeatability: repeatability
            ) { call in
                let started = call.recording(recording.recordingId) ?? recording
                return CommandAnswer(.ok, body: CallAutomationRepresentation.recording(started).serialized)
            }
        }
    }

    @Sendable func getRecording(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let recording = try await automation.recording(try Self.parameter("recordingId", context))
        return JSONResponse.make(status: .ok, body: CallAutomationRepresentation.recording(recording))
    }

    @Sendable func stopRecording(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let recordingId = try Self.parameter("recordingId", context)
        return try await recording(.stop(recordingId: recordingId), recordingId, request, context, status: .noContent)
    }

    /// `{recordingId}:pause` and `{recordingId}:resume`.
    @Sendable func recordingAction(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try CallAutomationAPIVersion(of: request)
        let (recordingId, action) = try Self.split(try Self.parameter("recordingId", context))
        switch action {
        case "pause": return try await recording(.pause(recordingId: recordingId), recordingId, request, context)
        case "resume": return try await recording(.resume(recordingId: recordingId), recordingId, request, context)
        default: throw HTTPError(.notFound)
        }
    }

    // MARK: Shared steps

    private func act(
        _ action: AutomationAction, on connectionId: String, _ request: Request, _ context: AtriumRequestContext,
        _ respond: @escaping (Call) throws -> CommandAnswer
    ) async throws -> Response {
        try await commandRequest(request, context).run { context, repeatability in
            try await automation.act(
                action, on: connectionId, context: context, repeatability: repeatability, respond: respond)
        }
    }

    private func recording(
        _ action: RecordingAction, _ recordingId: String, _ request: Request, _ context: AtriumRequestContext,
        status: HTTPResponse.Status = .accepted
    ) async throws -> Response {
        // Pausing, resuming and stopping a recording read no Repeatability-* headers.
        try await commandRequest(request, context, repeatable: false).run { context, _ in
            try await automation.recording(action, recordingId: recordingId, context: context) { _ in
                CommandAnswer(status)
            }
        }
    }

    private func commandRequest(
        _ request: Request, _ context: AtriumRequestContext, repeatable: Bool = true
    ) throws -> CommandRequest {
        try CommandRequest(request, context, now: Timestamp.normalized(clock()), repeatable: repeatable)
    }

    private static func recognize(
        _ body: JSONValue, connectionId: String, operationContext: String?
    ) throws -> RecognizeOperation {
        guard case .string(let inputType)? = body["recognizeInputType"] else {
            throw APIError.badRequest("'recognizeInputType' is required.", target: "recognizeInputType")
        }
        guard inputType.lowercased() == "dtmf" else {
            throw APIError.badRequest(
                "Atrium recognizes DTMF only: recognizeInputType '\(inputType)' is not supported.",
                target: "recognizeInputType")
        }
        guard let options = body["recognizeOptions"], case .object = options else {
            throw APIError.badRequest("'recognizeOptions' is required.", target: "recognizeOptions")
        }
        let dtmf = options["dtmfOptions"] ?? .object([])
        var prompt: [PlaySource] = []
        if let single = body["playPrompt"], single != .null {
            prompt = [try CallAutomationRequests.playSource(single, field: "playPrompt")]
        } else if let several = body["playPrompts"], several != .null {
            prompt = try CallAutomationRequests.playSources(several, field: "playPrompts")
        }
        return RecognizeOperation(
            operationId: newId(), connectionId: connectionId, operationContext: operationContext,
            targetRawId: try CallAutomationRequests.identifier(
                options["targetParticipant"], field: "targetParticipant"),
            maxTonesToCollect: try CallAutomationRequests.integer("maxTonesToCollect", in: dtmf) ?? 1,
            stopTones: try CallAutomationRequests.tones(dtmf["stopTones"], field: "stopTones"),
            initialSilenceTimeoutSeconds: try CallAutomationRequests.integer(
                "initialSilenceTimeoutInSeconds", in: options) ?? 5,
            interToneTimeoutSeconds: try CallAutomationRequests.integer("interToneTimeoutInSeconds", in: dtmf) ?? 2,
            prompt: prompt)
    }

    private static func callReference(_ body: JSONValue) throws -> CallAutomation.CallReference {
        if let connectionId = try CallAutomationRequests.string("callConnectionId", in: body) {
            return .connection(connectionId)
        }
        let locator = body["callLocator"]
        switch locator?["kind"] {
        case .string("roomCallLocator")?:
            guard case .string(let roomId)? = locator?["roomId"] else {
                throw APIError.badRequest("callLocator.roomId is required.", target: "callLocator")
            }
            return .room(try RoomId(validating: roomId))
        case .string("serverCallLocator")?:
            guard case .string(let callId)? = locator?["serverCallId"] else {
                throw APIError.badRequest("callLocator.serverCallId is required.", target: "callLocator")
            }
            return .serverCall(callId)
        default:
            throw APIError.badRequest(
                "Name the call to record: a roomCallLocator, a serverCallLocator or a callConnectionId.",
                target: "callLocator")
        }
    }

    private static func choice(_ name: String, in body: JSONValue, _ allowed: [String]) throws -> String? {
        guard let value = try CallAutomationRequests.string(name, in: body) else { return nil }
        guard allowed.contains(value) else {
            throw APIError.badRequest("'\(name)' must be one of \(allowed.joined(separator: ", ")).", target: name)
        }
        return value
    }

    /// `abc:play` → (`abc`, `play`).
    private static func split(_ target: String) throws -> (String, String) {
        guard let colon = target.lastIndex(of: ":"), colon != target.startIndex else { throw HTTPError(.notFound) }
        return (String(target[..<colon]), String(target[target.index(after: colon)...]))
    }

    private static func parameter(_ name: String, _ context: AtriumRequestContext) throws -> String {
        guard let raw = context.parameters.get(name), let value = raw.removingPercentEncoding, !value.isEmpty else {
            throw APIError.badRequest("The path is missing its \(name).", target: name)
        }
        return value
    }

    private static func newId() -> String { UUID().uuidString.lowercased() }
}

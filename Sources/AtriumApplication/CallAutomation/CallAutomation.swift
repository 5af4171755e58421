import AtriumDomain
import AtriumProjections
import AtriumStore
import Foundation

/// Call Automation's commands: a server application connects to a room's call and acts on it
/// through its call connection; recordings are started on a call and driven by their id.
///
/// Every command of a call runs under the call's correlation id (ACS's `correlationId`, the one
/// its callbacks and events carry), so the audit trail shows a call as one story.
public struct CallAutomation: Sendable {
    let store: EventStore
    let roomCalls: RoomCalls
    let calls: CommandHandler<CallDecider>
    let lookups: CallConnectionReadModel
    /// The application's identifier in calls (`8:acs:<resource>_callautomation`).
    public let application: String

    public init(store: EventStore, application: String) {
        self.store = store
        self.roomCalls = RoomCalls(store: store)
        self.calls = CommandHandler(store: store, maxAttempts: 32)
        self.lookups = CallConnectionReadModel(client: store.client, logger: store.logger)
        self.application = application
    }

    /// A call as Call Automation answers about it.
    public struct Connected: Sendable {
        public var call: Call
        public var connection: CallConnection
        public var correlationId: UUID
    }

    /// Connects to the room's call (starting one when none is in progress) with a new connection.
    public func connect(
        roomId: RoomId, callbackUri: String, operationContext: String?, apiVersion: String, context: CommandContext,
        repeatability: Repeatability?, respond: @escaping (Connected) throws -> CommandAnswer
    ) async throws -> CommandHandler<CallDecider>.Outcome {
        var context = context
        if let current = try await roomCalls.loadRoom(roomId).currentCallId,
            let correlation = try await correlationId(ofCall: current)
        {
            context.correlationId = correlation
        }
        let connectionId = UUID().uuidString.lowercased()
        let correlationId = context.correlationId
        return try await roomCalls.enter(
            roomId, context: context, repeatability: repeatability,
            respond: { call in
                guard let connection = call.connection(connectionId) else {
                    throw DomainError(.conflict, "The connection was not made; retry the request.")
                }
                return try respond(Connected(call: call, connection: connection, correlationId: correlationId))
            },
            command: { room, callId in
                .connect(
                    ConnectCall(
                        connectionId: connectionId, callId: callId, callbackUri: callbackUri,
                        operationContext: operationContext, application: application, room: room, now: context.now,
                        apiVersion: apiVersion))
            })
    }

    /// A connection's action on its call.
    public func act(
        _ action: AutomationAction, on connectionId: String, context: CommandContext, repeatability: Repeatability?,
        respond: @escaping (Call) throws -> CommandAnswer
    ) async throws -> CommandHandler<CallDecider>.Outcome {
        let (callId, roomId, correlationId) = try await locate(connectionId)
        var context = context
        context.correlationId = correlationId
        let room = try await roomCalls.loadRoom(roomId)
        let command = CallCommand.automate(
            action, AutomationContext(connectionId: connectionId, room: room, now: context.now))
        return try await calls.execute(
            command, named: command.name, on: StreamName.call(callId).streamId, context: context,
            repeatability: repeatability, respond: respond)
    }

    /// The call a connection belongs to, as it is now.
    public func connected(_ connectionId: String) async throws -> Connected {
        let (callId, _, correlationId) = try await locate(connectionId)
        let call = try await roomCalls.loadCall(callId)
        guard let connection = call.connection(connectionId) else { throw Self.connectionNotFound(connectionId) }
        return Connected(call: call, connection: connection, correlationId: correlationId)
    }

    // MARK: Recording

    /// Where a recording is started: the room's call in progress, a call by its id, or a connection's call.
    public enum CallReference: Sendable {
        case room(RoomId)
        case serverCall(String)
        case connection(String)
    }

    public func startRecording(
        _ recording: CallRecording, of reference: CallReference, context: CommandContext,
        repeatability: Repeatability?, respond: @escaping (Call) throws -> CommandAnswer
    ) async throws -> CommandHandler<CallDecider>.Outcome {
        let callId: String
        switch reference {
        case .room(let roomId):
            let room = try await roomCalls.loadRoom(roomId)
            guard room.isActive else { throw DomainError(.notFound, "Room not found.", target: "roomId") }
            guard let current = room.currentCallId, try await roomCalls.loadCall(current).isActive else {
                throw DomainError(.notFound, "The room has no call in progress.", target: "callLocator")
            }
            callId = current
        case .serverCall(let id):
            guard try await roomCalls.loadCall(id).id != nil else {
                throw DomainError(.notFound, "Call \(id) was not found.", target: "serverCallId")
            }
            callId = id
        case .connection(let connectionId):
            callId = try await locate(connectionId).callId
        }
        return try await record(
            .start(recording), onCall: callId, context: context, repeatability: repeatability,
            respond: respond)
    }

    /// Pauses, resumes or stops a recording.
    public func recording(
        _ action: RecordingAction, recordingId: String, context: CommandContext,
        respond: @escaping (Call) throws -> CommandAnswer
    ) async throws -> CommandHandler<CallDecider>.Outcome {
        guard let callId = try await lookups.callId(ofRecording: recordingId) else {
            throw Self.recordingNotFound(recordingId)
        }
        return try await record(action, onCall: callId, context: context, repeatability: nil, respond: respond)
    }

    /// A recording as it is now.
    public func recording(_ recordingId: String) async throws -> CallRecording {
        guard let callId = try await lookups.callId(ofRecording: recordingId),
            let recording = try await roomCalls.loadCall(callId).recording(recordingId)
        else { throw Self.recordingNotFound(recordingId) }
        return recording
    }

    private func record(
        _ action: RecordingAction, onCall callId: String, context: CommandContext, repeatability: Repeatability?,
        respond: @escaping (Call) throws -> CommandAnswer
    ) async throws -> CommandHandler<CallDecider>.Outcome {
        var context = context
        context.correlationId = try await correlationId(ofCall: callId) ?? context.correlationId
        let command = CallCommand.record(action, now: context.now)
        return try await calls.execute(
            command, named: command.name, on: StreamName.call(callId).streamId, context: context,
            repeatability: repeatability, respond: respond)
    }

    // MARK: Lookups

    /// The connection's call, its room and its correlation id, in one query.
    private func locate(_ connectionId: String) async throws -> (callId: String, roomId: RoomId, correlationId: UUID) {
        guard let (callId, roomId, correlationId) = try await lookups.call(ofConnection: connectionId),
            let room = try? RoomId(validating: roomId)
        else { throw Self.connectionNotFound(connectionId) }
        return (callId, room, correlationId)
    }

    /// The correlation id the call started under.
    private func correlationId(ofCall callId: String) async throws -> UUID? {
        try await store.readStream(StreamName.call(callId).streamId, limit: 1).first?.metadata.correlationId
    }

    static func connectionNotFound(_ connectionId: String) -> DomainError {
        DomainError(.notFound, "Call connection \(connectionId) was not found.", target: "callConnectionId")
    }

    static func recordingNotFound(_ recordingId: String) -> DomainError {
        DomainError(.notFound, "Recording \(recordingId) was not found.", target: "recordingId")
    }
}

import AtriumDomain
import AtriumStore
import Foundation

/// The commands of a room's call, across its two aggregates: the Room (which call is current, so
/// that two users joining at once start one call) and the Call (who is in it and how).
///
/// A crash between starting a call on the room and recording it in the call's own stream leaves
/// a current call id with an empty stream: the next join starts that call, so nothing is stranded.
public struct RoomCalls: Sendable {
    let store: EventStore
    let rooms: CommandHandler<RoomDecider>
    let calls: CommandHandler<CallDecider>

    public init(store: EventStore) {
        self.store = store
        self.rooms = CommandHandler(store: store)
        // A call's stream is hot when a room's people all join at the start of a meeting: give its
        // commands more tries (each spread further apart) before a conflict reaches the client.
        self.calls = CommandHandler(store: store, maxAttempts: 32)
    }

    /// Joins the room's current call, starting a new one when there is none or it has ended.
    public func join(
        _ roomId: RoomId, as user: CommunicationIdentifier, context: CommandContext,
        respond: (Call) throws -> CommandAnswer
    ) async throws -> CommandHandler<CallDecider>.Outcome {
        try await enter(roomId, context: context, respond: respond) { room, callId in
            .join(ClientContext(actor: user, callId: callId, room: room, now: context.now))
        }
    }

    /// Runs `command` on the room's current call, starting a new call when there is none or it has
    /// ended: a user joining, or a server application connecting.
    public func enter(
        _ roomId: RoomId, context: CommandContext, repeatability: Repeatability? = nil,
        respond: (Call) throws -> CommandAnswer, command: (Room, _ callId: String) -> CallCommand
    ) async throws -> CommandHandler<CallDecider>.Outcome {
        for _ in 0..<4 {
            let room = try await loadRoom(roomId)
            var callId = room.currentCallId
            var call = Call()
            if let current = callId { call = try await loadCall(current) }
            if callId == nil || call.lifecycle == .ended {
                // Refuse (non-member, closed window, deleted room) before a call is started for nobody.
                let fresh = UUID().uuidString.lowercased()
                _ = try CallDecider.decide(command(room, fresh), Call())
                try await startCall(fresh, replacing: callId, in: roomId, context: context)
                callId = try await loadRoom(roomId).currentCallId
            }
            guard let callId else { continue }
            do {
                let built = command(room, callId)
                return try await calls.execute(
                    built, named: built.name, on: StreamName.call(callId).streamId, context: context,
                    repeatability: repeatability, respond: respond)
            } catch let error as DomainError where error.code == .conflict && error.target == "callId" {
                continue  // the call ended between our look and our command: start or enter the next one
            }
        }
        throw DomainError(.conflict, "The room's call changed too often; retry the request.")
    }

    /// Any other client command on the room's current call, for a member of its roster.
    public func perform(
        _ command: (ClientContext) -> CallCommand, in roomId: RoomId, as user: CommunicationIdentifier,
        context: CommandContext, respond: (Call) throws -> CommandAnswer
    ) async throws -> CommandHandler<CallDecider>.Outcome {
        let (room, callId) = try await currentCall(in: roomId, member: user)
        let built = command(ClientContext(actor: user, callId: callId, room: room, now: context.now))
        return try await calls.execute(
            built, named: built.name, on: StreamName.call(callId).streamId, context: context, respond: respond)
    }

    /// A policy's command on a call (no room snapshot needed).
    @discardableResult
    public func apply(_ command: CallCommand, toCall callId: String, context: CommandContext) async throws
        -> [CallEvent]
    {
        try await calls.execute(
            command, named: command.name, on: StreamName.call(callId).streamId, context: context
        ).events
    }

    /// The id of the room's current call, for a member of its roster (the call's state and its live feed).
    public func currentCallId(in roomId: RoomId, for user: CommunicationIdentifier) async throws -> String {
        try await currentCall(in: roomId, member: user).callId
    }

    /// Whether `user` is on the room's roster. A deleted room keeps its roster: its call's feed
    /// goes on to the `CallEnded` the room's deletion brings.
    public func isMember(_ user: CommunicationIdentifier, of roomId: RoomId) async throws -> Bool {
        try await loadRoom(roomId).roster.role(of: user) != nil
    }

    /// The room as it is now, and its current call: 404 for a deleted room, 403 when `member` is
    /// given and is not on the roster, then 404 for a room without a call.
    private func currentCall(
        in roomId: RoomId, member: CommunicationIdentifier? = nil
    ) async throws -> (room: Room, callId: String) {
        let room = try await loadRoom(roomId)
        guard room.isActive else { throw DomainError(.notFound, "Room not found.", target: "roomId") }
        if let member, room.roster.role(of: member) == nil {
            throw DomainError(.forbidden, "\(member.rawId) is not a participant of the room.", target: "participant")
        }
        guard let callId = room.currentCallId else {
            throw DomainError(.notFound, "The room has no active call.", target: "callId")
        }
        return (room, callId)
    }

    public func loadRoom(_ roomId: RoomId) async throws -> Room {
        RoomDecider.replay(try await store.readStream(roomId.streamId).map { try $0.decode(as: RoomEvent.self) })
    }

    public func loadCall(_ callId: String) async throws -> Call {
        CallDecider.replay(
            try await store.readStream(StreamName.call(callId).streamId).map { try $0.decode(as: CallEvent.self) })
    }

    private func startCall(
        _ callId: String, replacing previous: String?, in roomId: RoomId, context: CommandContext
    ) async throws {
        let command = RoomCommand.startCall(StartRoomCall(callId: callId, replacing: previous))
        _ = try await rooms.execute(command, named: command.name, on: roomId.streamId, context: context)
    }
}

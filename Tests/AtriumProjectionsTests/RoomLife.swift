import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation

/// A room's life through the real command path (load → decide → append with inline projections):
/// identities with tokens, a room with its roster, updates and roster changes, a call that people
/// join, act in and leave. Every variation the projections have a branch for shows up somewhere.
struct RoomLife: Sendable {
    let store: EventStore
    let calls: RoomCalls
    /// Which variation: deleted room, ended or live call, revoked or deleted identity.
    let number: Int

    init(store: EventStore, number: Int) {
        self.store = store
        self.calls = RoomCalls(store: store)
        self.number = number
    }

    func live() async throws {
        let users = try await (0..<3).asyncMap { _ in try await createIdentity() }
        let guest = CommunicationIdentifier(rawId: "8:acs:guest_\(UUID().uuidString.lowercased())")!
        let room = try await createRoom(with: [(users[0], .presenter), (users[1], .attendee), (users[2], .attendee)])
        try await roomCommand(.update(UpdateRoom(now: now, pstnDialOutEnabled: true)), room)
        try await roomCommand(
            .changeRoster(
                ChangeRoster(changes: [
                    RosterChange(rawId: users[2].rawId, action: .set(role: "Collaborator")),
                    RosterChange(rawId: guest.rawId, action: .set(role: "Consumer")),
                ])), room)
        for user in users { try await join(room, user) }
        try await act(.setMicrophone(muted: true), room, users[1])
        try await act(.setVideo(on: true), room, users[0])
        try await act(.setScreenShare(on: true), room, users[2])
        if number % 3 != 0 {  // a phone leg keeps the call going
            try await act(.dialOut(phoneNumber: "+14255550\(100 + number % 900)"), room, users[0])
        }
        try await act(.setMicrophone(muted: false), room, users[1])
        try await leave(room, users[2])
        try await roomCommand(
            .changeRoster(ChangeRoster(changes: [RosterChange(rawId: guest.rawId, action: .remove)])), room)
        if number % 3 == 0 {  // everyone leaves: the call ends
            try await leave(room, users[1])
            try await leave(room, users[0])
        }
        if number % 5 == 0 { try await roomCommand(.delete(DeleteRoom()), room) }
        if number % 2 == 0 { try await identityCommand(.revokeAccessTokens(RevokeAccessTokens(now: now)), users[0]) }
        if number % 7 == 0 { try await identityCommand(.delete(DeleteIdentity(now: now)), users[1]) }
    }

    private var now: Date { Timestamp.normalized(Date()) }

    private func createIdentity() async throws -> CommunicationIdentifier {
        let id = CommunicationUserId.new(resourceId: UUID(), unique: UUID())
        let command = IdentityCommand.create(
            CreateIdentity(id: id, now: now, token: TokenRequest(scopes: ["voip"], tokenId: UUID())))
        _ = try await CommandHandler<IdentityDecider>(store: store).execute(
            command, named: command.name, on: id.streamId, isNewStream: true,
            context: CommandContext(actor: "application", now: now)
        ) { _ in CommandAnswer(code: 201) }
        return CommunicationIdentifier(rawId: id.rawId)!
    }

    private func identityCommand(_ command: IdentityCommand, _ user: CommunicationIdentifier) async throws {
        _ = try await CommandHandler<IdentityDecider>(store: store).execute(
            command, named: command.name, on: StreamName(.identity, id: user.rawId).streamId,
            context: CommandContext(actor: "application", now: now)
        ) { _ in CommandAnswer(code: 204) }
    }

    private func createRoom(with members: [(CommunicationIdentifier, Role)]) async throws -> RoomId {
        var generator = SystemRandomNumberGenerator()
        let roomId = RoomId.random(using: &generator)
        let command = RoomCommand.create(
            CreateRoom(
                roomId: roomId, now: now,
                participants: members.map { RosterChange(rawId: $0.0.rawId, action: .set(role: $0.1.rawValue)) }))
        _ = try await CommandHandler<RoomDecider>(store: store).execute(
            command, named: command.name, on: roomId.streamId, isNewStream: true,
            context: CommandContext(actor: "application", now: now)
        ) { _ in CommandAnswer(code: 201) }
        return roomId
    }

    private func roomCommand(_ command: RoomCommand, _ roomId: RoomId) async throws {
        _ = try await CommandHandler<RoomDecider>(store: store).execute(
            command, named: command.name, on: roomId.streamId,
            context: CommandContext(actor: "application", now: now)
        ) { _ in CommandAnswer(code: 200) }
    }

    private func join(_ roomId: RoomId, _ user: CommunicationIdentifier) async throws {
        _ = try await calls.join(roomId, as: user, context: CommandContext(actor: user.rawId, now: now)) { _ in
            CommandAnswer(code: 200)
        }
    }

    private func leave(_ roomId: RoomId, _ user: CommunicationIdentifier) async throws {
        _ = try await calls.perform(
            { .leave($0) }, in: roomId, as: user, context: CommandContext(actor: user.rawId, now: now),
            respond: { _ in CommandAnswer(code: 200) })
    }

    private func act(_ action: InCallAction, _ roomId: RoomId, _ user: CommunicationIdentifier) async throws {
        _ = try await calls.perform(
            { .act(action, $0) }, in: roomId, as: user, context: CommandContext(actor: user.rawId, now: now),
            respond: { _ in CommandAnswer(code: 200) })
    }
}

extension Sequence where Element: Sendable {
    /// Maps in order, one at a time.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

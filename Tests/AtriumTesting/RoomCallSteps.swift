import AtriumApplication
import AtriumDomain
import AtriumStore
import Foundation
import Testing

/// Steps of the room-call specifications: a room made and changed through its commands, users
/// joining its call, and waiting for a policy to catch up.
public enum RoomCallSteps {
    public static func user(_ name: String) -> CommunicationIdentifier {
        CommunicationIdentifier(rawId: "8:acs:resource_\(name)")!
    }

    /// A room whose roster is `members`, all Presenters unless said otherwise.
    public static func makeRoom(
        _ store: EventStore, _ members: [(CommunicationIdentifier, Role)], now: Date = Date()
    ) async throws -> RoomId {
        var generator = SystemRandomNumberGenerator()
        let roomId = RoomId.random(using: &generator)
        let command = RoomCommand.create(
            CreateRoom(
                roomId: roomId, now: Timestamp.normalized(now),
                participants: members.map { RosterChange(rawId: $0.0.rawId, action: .set(role: $0.1.rawValue)) }))
        _ = try await CommandHandler<RoomDecider>(store: store).execute(
            command, named: command.name, on: roomId.streamId, isNewStream: true,
            context: CommandContext(actor: "application", now: Timestamp.normalized(now)))
        return roomId
    }

    public static func roomCommand(_ command: RoomCommand, _ roomId: RoomId, _ store: EventStore) async throws {
        _ = try await CommandHandler<RoomDecider>(store: store).execute(
            command, named: command.name, on: roomId.streamId,
            context: CommandContext(actor: "application", now: Timestamp.normalized(Date())))
    }

    public static func join(_ calls: RoomCalls, _ roomId: RoomId, _ user: CommunicationIdentifier) async throws {
        _ = try await calls.join(
            roomId, as: user, context: CommandContext(actor: user.rawId, now: Timestamp.normalized(Date()))
        ) { _ in .unread }
    }

    public static func eventually(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("condition not met within 10 s")
    }
}

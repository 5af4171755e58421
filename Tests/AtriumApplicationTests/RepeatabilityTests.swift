import AtriumApplication
import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// A repeatable request takes effect once, however often and however concurrently it is retried.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct RepeatabilityTests {
    static let now = Timestamp.parse("2026-06-01T00:00:00Z")!

    @Test func concurrentRetriesOfOneCreateMakeOneRoom() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let handler = CommandHandler<RoomDecider>(store: store)
            let repeatability = Repeatability(
                requestId: UUID().uuidString, firstSent: Self.now, operation: "POST /rooms")
            // Each retry picks a new room id, as the API does: only the request id ties them together.
            let responses = try await withThrowingTaskGroup(of: CommandHandler<RoomDecider>.Outcome.self) { group in
                for attempt in 0..<10 {
                    group.addTask {
                        let roomId = try RoomId(validating: "1000000000000000\(attempt)")
                        let command = RoomCommand.create(CreateRoom(roomId: roomId, now: Self.now))
                        return try await handler.execute(
                            command, named: "CreateRoom", on: roomId.streamId, isNewStream: true,
                            context: CommandContext(actor: "test", now: Self.now), repeatability: repeatability
                        ) { room in CommandAnswer(code: 201, body: room.id!.value) }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(responses.map(\.answer.body)).count == 1, "every retry answers with the first room")
            #expect(responses.filter { !$0.replayed }.count == 1)
            let created = try await client.query("SELECT count(*) FROM rooms", logger: TestDatabase.logger)
                .decode(Int64.self).first { _ in true }
            #expect(created == 1)
            let streams = try await client.query("SELECT count(*) FROM streams", logger: TestDatabase.logger)
                .decode(Int64.self).first { _ in true }
            #expect(streams == 1, "the losing attempts must leave nothing behind")
        }
    }

    @Test func retryOfAnUpdateReturnsTheStoredResultWithoutDecidingAgain() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let handler = CommandHandler<RoomDecider>(store: store)
            let roomId = try RoomId(validating: "2000000000000000")
            try await Self.createRoom(roomId, with: handler)
            let add = RoomCommand.changeRoster(
                ChangeRoster(changes: [.init(rawId: "8:acs:r_a", action: .set(role: "Presenter"))]))
            let repeatability = Repeatability(
                requestId: "retry-1", firstSent: Self.now, operation: "PATCH /rooms/\(roomId)/participants")
            let first = try await handler.execute(
                add, named: "ChangeRoomRoster", on: roomId.streamId,
                context: CommandContext(actor: "test", now: Self.now),
                repeatability: repeatability
            ) { _ in CommandAnswer(code: 200, body: "first") }
            let retry = try await handler.execute(
                add, named: "ChangeRoomRoster", on: roomId.streamId,
                context: CommandContext(actor: "test", now: Self.now),
                repeatability: repeatability
            ) { _ in CommandAnswer(code: 200, body: "second") }
            #expect(!first.replayed && retry.replayed)
            #expect(retry.answer.body == "first")
            #expect(try await store.readStream(roomId.streamId).count == 2)

            // The same id for another operation is refused rather than answered with a foreign result.
            let misuse = Repeatability(requestId: "retry-1", firstSent: Self.now, operation: "PATCH /rooms/\(roomId)")
            await #expect(throws: DomainError.self) {
                _ = try await handler.execute(
                    .update(UpdateRoom(now: Self.now, pstnDialOutEnabled: true)), named: "UpdateRoom",
                    on: roomId.streamId,
                    context: CommandContext(actor: "test", now: Self.now), repeatability: misuse
                ) { _ in CommandAnswer(code: 200) }
            }
        }
    }

    /// A repeatable request that changed nothing is remembered too: its retry must not act on what
    /// the room has become since.
    @Test func aRetryOfANoOpDoesNotActOnLaterChanges() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let handler = CommandHandler<RoomDecider>(store: store)
            let roomId = try RoomId(validating: "3000000000000000")
            try await Self.createRoom(roomId, with: handler)
            let remove = RoomCommand.changeRoster(ChangeRoster(changes: [.init(rawId: "8:acs:r_x", action: .remove)]))
            let add = RoomCommand.changeRoster(
                ChangeRoster(changes: [.init(rawId: "8:acs:r_x", action: .set(role: nil))]))
            let repeatability = Repeatability(
                requestId: "noop-1", firstSent: Self.now, operation: "PATCH /rooms/\(roomId)/participants")
            let first = try await handler.execute(
                remove, named: "ChangeRoomRoster", on: roomId.streamId,
                context: CommandContext(actor: "test", now: Self.now), repeatability: repeatability
            ) { _ in CommandAnswer(code: 200, body: "{}") }
            #expect(first.events.isEmpty && !first.replayed)
            _ = try await handler.execute(
                add, named: "ChangeRoomRoster", on: roomId.streamId,
                context: CommandContext(actor: "test", now: Self.now)
            ) { _ in CommandAnswer(code: 200, body: "{}") }
            let retry = try await handler.execute(
                remove, named: "ChangeRoomRoster", on: roomId.streamId,
                context: CommandContext(actor: "test", now: Self.now), repeatability: repeatability
            ) { _ in CommandAnswer(code: 200, body: "{}") }
            #expect(retry.replayed)
            let room = RoomDecider.replay(
                try await store.readStream(roomId.streamId).map { try $0.decode(as: RoomEvent.self) })
            #expect(room.roster.entries.map(\.participant.rawId) == ["8:acs:r_x"], "the retry must not remove x")
        }
    }

    static func createRoom(_ roomId: RoomId, with handler: CommandHandler<RoomDecider>) async throws {
        _ = try await handler.execute(
            .create(CreateRoom(roomId: roomId, now: now)), named: "CreateRoom", on: roomId.streamId, isNewStream: true,
            context: CommandContext(actor: "test", now: now)
        ) { _ in CommandAnswer(code: 201) }
    }
}

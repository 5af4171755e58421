import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// Optimistic concurrency: racing commands on one room lose nothing.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct ConcurrentCommandTests {
    static let now = Timestamp.parse("2026-06-01T00:00:00Z")!

    /// 50 concurrent roster changes, all touching one shared member: the final roster equals the
    /// serial application, in log order, of the commands that were accepted.
    @Test func fiftyConflictingRosterUpdatesLoseNothing() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let handler = CommandHandler<RoomDecider>(store: store)
            let roomId = try RoomId(validating: "12345678901234567")
            let create = CreateRoom(
                roomId: roomId, now: Self.now,
                participants: [.init(rawId: Self.user("shared"), action: .set(role: "Attendee"))])
            _ = try await handler.execute(
                .create(create), named: "CreateRoom", on: roomId.streamId, isNewStream: true,
                context: CommandContext(actor: "test", now: Self.now)
            ) { _ in CommandAnswer(code: 201) }

            // Command i adds its own member, sets the shared member's role, and removes member i-1.
            let roles = ["Presenter", "Attendee", "Consumer"]
            let commands: [(correlation: UUID, command: ChangeRoster)] = (0..<50).map { i in
                let changes: [RosterChange] = [
                    .init(rawId: Self.user("member\(i)"), action: .set(role: roles[i % 3])),
                    .init(rawId: Self.user("shared"), action: .set(role: roles[(i + 1) % 3])),
                    .init(rawId: Self.user("member\(i - 1)"), action: .remove),
                ]
                return (UUID(), ChangeRoster(changes: changes))
            }
            let outcomes = await withTaskGroup(of: (UUID, (any Error)?).self) { group in
                for (correlation, command) in commands {
                    group.addTask {
                        do {
                            _ = try await handler.execute(
                                .changeRoster(command), named: "ChangeRoomRoster", on: roomId.streamId,
                                context: CommandContext(actor: "test", correlationId: correlation, now: Self.now)
                            ) { _ in CommandAnswer(code: 200, body: "{}") }
                            return (correlation, nil)
                        } catch {
                            return (correlation, error)
                        }
                    }
                }
                var results: [UUID: (any Error)?] = [:]
                for await (correlation, error) in group { results[correlation] = error }
                return results
            }

            // Rejected commands got the clear conflict error and wrote nothing.
            let rejected = Set(outcomes.filter { $0.value != nil }.map(\.key))
            for (_, error) in outcomes where error != nil {
                #expect((error as? DomainError)?.code == .conflict, "unexpected error \(String(describing: error))")
            }

            // The accepted commands, in the order their events were appended.
            let history = try await store.readStream(roomId.streamId)
            var order: [UUID] = []
            for event in history where event.metadata.command == "ChangeRoomRoster" {
                if order.last != event.metadata.correlationId { order.append(event.metadata.correlationId) }
            }
            #expect(Set(order).count == order.count, "a command's events were interleaved with another's")
            #expect(Set(order).isDisjoint(with: rejected))
            #expect(order.count + rejected.count == commands.count)

            // Serial application of the accepted commands, in that order, to the pure decider.
            let byCorrelation = Dictionary(uniqueKeysWithValues: commands.map { ($0.correlation, $0.command) })
            var expected = RoomDecider.replay(
                try RoomDecider.decide(.create(create), RoomDecider.initialState))
            for correlation in order {
                let events = try RoomDecider.decide(.changeRoster(byCorrelation[correlation]!), expected)
                expected = RoomDecider.replay(events, from: expected)
            }

            let readModel = RoomReadModel(client: client, logger: TestDatabase.logger)
            let rows = try #require(try await readModel.participants(of: roomId.value, after: 0, limit: 1000)).items
            #expect(rows.map(\.rawId) == expected.roster.entries.map(\.participant.rawId))
            #expect(rows.map(\.role) == expected.roster.entries.map(\.role.rawValue))
            // And the log alone gives the same state.
            let replayed = RoomDecider.replay(try history.map { try $0.decode(as: RoomEvent.self) })
            #expect(replayed == expected)
        }
    }

    static func user(_ name: String) -> String { "8:acs:resource_\(name)" }
}

import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// Room calls on a real PostgreSQL: the policies on the log, and concurrent joins and leaves.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct RoomCallPolicyTests {
    static let logger = TestDatabase.logger

    @Test func roomChangesReachTheLiveCallWithThePolicyAsActorAndTheEventAsCause() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: Self.logger)
            let calls = RoomCalls(store: store)
            let (alice, bob, carol) = (
                RoomCallSteps.user("alice"), RoomCallSteps.user("bob"), RoomCallSteps.user("carol")
            )
            let roomId = try await RoomCallSteps.makeRoom(
                store, [(alice, .presenter), (bob, .collaborator), (carol, .attendee)])
            for member in [alice, bob, carol] { try await RoomCallSteps.join(calls, roomId, member) }
            let callId = try #require(try await calls.loadRoom(roomId).currentCallId)

            let policy = LogConsumer(
                name: RoomCallPolicy.consumerName, store: store, handler: RoomCallPolicy(roomCalls: calls),
                pollInterval: .milliseconds(50))
            let running = Task { try await policy.run() }
            defer { running.cancel() }

            try await RoomCallSteps.roomCommand(
                .changeRoster(
                    ChangeRoster(
                        changes: [
                            RosterChange(rawId: bob.rawId, action: .set(role: "Consumer")),
                            RosterChange(rawId: carol.rawId, action: .remove),
                        ])), roomId, store)
            try await RoomCallSteps.eventually {
                let call = try await calls.loadCall(callId)
                return call.participant(carol.rawId) == nil && call.participant(bob.rawId)?.role == .consumer
            }
            try await RoomCallSteps.roomCommand(.delete(DeleteRoom()), roomId, store)
            try await RoomCallSteps.eventually { try await calls.loadCall(callId).lifecycle == .ended }

            let room = try await store.readStream(roomId.streamId)
            let call = try await store.readStream(StreamName.call(callId).streamId)
            let byPolicy = call.filter { $0.metadata.actor == RoomCallPolicy.actor }
            #expect(
                byPolicy.map(\.eventType) == [
                    "CallParticipantRoleChanged", "CallParticipantMuted", "CallParticipantRemoved",
                    "CallParticipantRemoved", "CallParticipantRemoved", "CallEnded",
                ])
            // Each policy event's cause is the room event that triggered it, in the same correlation.
            for event in byPolicy {
                let cause = try #require(room.first { $0.eventId == event.metadata.causationId })
                #expect(event.metadata.correlationId == cause.metadata.correlationId)
            }
            let ended = try #require(call.last)
            guard case .ended(let end) = try ended.decode(as: CallEvent.self) else {
                Issue.record("the call's last event is \(ended.eventType), not CallEnded")
                return
            }
            #expect(end.reason == .roomDeleted)
            #expect(room.first { $0.eventId == ended.metadata.causationId }?.eventType == "RoomDeleted")

            // The inline projection agrees with the log.
            let row = try await CallReadModel(client: client, logger: Self.logger).latestCall(inRoom: roomId.value)
            #expect(row?.state == "Ended" && row?.endReason == "RoomDeleted" && row?.participants == [])
        }
    }

    @Test func expiredRoomsHaveTheirCallsEnded() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: Self.logger)
            let calls = RoomCalls(store: store)
            let alice = RoomCallSteps.user("alice")
            let roomId = try await RoomCallSteps.makeRoom(store, [(alice, .presenter)])
            try await RoomCallSteps.join(calls, roomId, alice)
            let callId = try #require(try await calls.loadRoom(roomId).currentCallId)
            // Seen from 181 days on, the room's window has closed.
            let expiry = RoomExpiryPolicy(
                roomCalls: calls, calls: CallReadModel(client: client, logger: Self.logger), logger: Self.logger,
                clock: { Date().addingTimeInterval(181 * 24 * 3600) })
            #expect(try await expiry.sweep() == 1)
            #expect(try await expiry.sweep() == 0)
            let call = try await calls.loadCall(callId)
            #expect(call.lifecycle == .ended && call.endReason == .roomExpired)
        }
    }

    @Test func concurrentJoinsAndLeavesLeaveTheProjectionsEqualToTheLog() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: Self.logger)
            let calls = RoomCalls(store: store)
            let users = (0..<20).map { RoomCallSteps.user("u\($0)") }
            var rooms: [RoomId] = []
            for _ in 0..<10 { rooms.append(try await RoomCallSteps.makeRoom(store, users.map { ($0, .attendee) })) }
            // 200 users' sessions: join, and half of them leave again, all at once across 10 rooms.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for room in rooms {
                    for (index, user) in users.enumerated() {
                        group.addTask {
                            try await RoomCallSteps.join(calls, room, user)
                            if index.isMultiple(of: 2) {
                                _ = try await calls.perform(
                                    { .leave($0) }, in: room, as: user,
                                    context: CommandContext(actor: user.rawId, now: Timestamp.normalized(Date()))
                                ) { _ in CommandAnswer(code: 200) }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let readModel = CallReadModel(client: client, logger: Self.logger)
            for room in rooms {
                // Every call of the room, replayed from the log, against its projected rows.
                let callIds = try await client.query(
                    "SELECT call_id FROM calls WHERE room_id = \(room.value)", logger: Self.logger
                ).decode(String.self).collect()
                #expect(!callIds.isEmpty)
                let activeCalls = try await calls.loadRoom(room).currentCallId
                for callId in callIds {
                    let replayed = try await calls.loadCall(callId)
                    let projected = try await client.query(
                        "SELECT raw_id FROM call_participants WHERE call_id = \(callId) ORDER BY list_order",
                        logger: Self.logger
                    ).decode(String.self).collect()
                    #expect(projected == replayed.participants.map(\.rawId))
                    if callId == activeCalls, replayed.isActive {
                        #expect(
                            Set(projected)
                                == Set(users.indices.filter { !$0.isMultiple(of: 2) }.map { users[$0].rawId }))
                    }
                }
                let latest = try await readModel.latestCall(inRoom: room.value)
                #expect(latest != nil)
            }
        }
    }
}

extension AsyncSequence {
    fileprivate func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await element in self { all.append(element) }
        return all
    }
}

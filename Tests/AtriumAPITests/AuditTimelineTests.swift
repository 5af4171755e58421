import AtriumAPI
import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import AtriumTesting
import Foundation
import PostgresNIO
import Testing

/// A room and its call told by the audit, with the room-call policy at work on a real log: who
/// did what, and which event of the room caused what the policy did in the call.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct AuditTimelineTests {
    typealias Helpers = RoomCallSteps

    @Test func policyEventsNameTheRoomEventThatCausedThem() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let calls = RoomCalls(store: store)
            let (alice, bob) = (Helpers.user("alice"), Helpers.user("bob"))
            let roomId = try await Helpers.makeRoom(store, [(alice, .presenter), (bob, .attendee)])
            try await Helpers.join(calls, roomId, alice)
            try await Helpers.join(calls, roomId, bob)
            let callId = try #require(try await calls.loadRoom(roomId).currentCallId)

            let policy = LogConsumer(
                name: RoomCallPolicy.consumerName, store: store, handler: RoomCallPolicy(roomCalls: calls),
                pollInterval: .milliseconds(50))
            let running = Task { try await policy.run() }
            defer { running.cancel() }
            try await Helpers.roomCommand(
                .changeRoster(ChangeRoster(changes: [RosterChange(rawId: bob.rawId, action: .remove)])), roomId, store)
            try await Helpers.eventually { try await calls.loadCall(callId).participant(bob.rawId) == nil }
            try await Helpers.roomCommand(.delete(DeleteRoom()), roomId, store)
            try await Helpers.eventually { try await calls.loadCall(callId).lifecycle == .ended }

            let trail = AuditTrail(store: store)
            let roomStream = StreamName(.room, id: roomId.value)
            let callStream = StreamName(.call, id: callId)
            let room = try await trail.timeline(of: roomStream).items
            let call = try await trail.timeline(of: callStream).items

            #expect(
                room.map(\.description).dropFirst() == [
                    "added \(alice) as Presenter", "added \(bob) as Attendee", "call \(callId) started in the room",
                    "removed \(bob) (was Attendee)", "room deleted",
                ])
            #expect(
                room.map(\.metadata.actor) == ["application", "application", "application", alice.rawId] + [
                    "application", "application",
                ])
            #expect(
                call.map(\.description) == [
                    "call \(callId) started in room \(roomId) by \(alice) (Presenter)", "\(alice) joined as Presenter",
                    "\(bob) joined as Attendee", "removed \(bob) from the call: RemovedFromRoster",
                    "removed \(alice) from the call: CallEnded", "call \(callId) ended: RoomDeleted",
                ])
            #expect(
                call.map(\.metadata.actor) == [alice.rawId, alice.rawId, bob.rawId]
                    + Array(repeating: RoomCallPolicy.actor, count: 3))

            // What the policy did names the room event that caused it, in that event's correlation.
            let removal = room[4]
            let deletion = room[5]
            #expect(
                call[3].cause
                    == EventReference(
                        eventId: removal.eventId, streamId: roomStream.streamId, version: 5,
                        eventType: "RoomParticipantRemoved"))
            #expect(call[3].metadata.correlationId == removal.metadata.correlationId)
            for entry in call[4...] {
                #expect(entry.cause?.eventId == deletion.eventId && entry.cause?.eventType == "RoomDeleted")
                #expect(entry.metadata.correlationId == deletion.metadata.correlationId)
            }
            #expect(call[..<3].allSatisfy { $0.cause == nil })

            // The call as of each moment, rebuilt from its stream.
            func participants(_ moment: AuditMoment) async throws -> [String]? {
                let found = try await trail.state(of: callStream, at: moment)
                guard case .call(let state)? = found?.aggregate else { return nil }
                return state.participants.map(\.rawId)
            }
            #expect(try await participants(.version(3)) == [alice.rawId, bob.rawId])
            #expect(try await participants(.time(call[3].recordedAt)) == [alice.rawId])
            #expect(
                try await participants(.time(call[3].recordedAt.addingTimeInterval(-0.000_001))) == [
                    alice.rawId, bob.rawId,
                ])
            let ended = try #require(try await trail.state(of: callStream, at: .latest))
            let json = AuditRepresentation.state(ended)
            #expect(json["lifecycle"] == .string("Ended") && json["version"] == .number(6))
            #expect(json["call"]?["state"] == .string("Ended") && json["call"]?["endReason"] == .string("RoomDeleted"))
            #expect(json["call"]?["participants"] == .array([]))
            // The room as of the moment before its deletion still had alice and the call.
            let beforeDeletion = AuditRepresentation.state(
                try #require(try await trail.state(of: roomStream, at: .version(5))))
            #expect(beforeDeletion["lifecycle"] == .string("Active"))
            #expect(beforeDeletion["participants"] == .array([["rawId": .string(alice.rawId), "role": "Presenter"]]))
            #expect(beforeDeletion["currentCallId"] == .string(callId))
            #expect(
                AuditRepresentation.state(try #require(try await trail.state(of: roomStream, at: .latest)))["lifecycle"]
                    == .string("Deleted"))

            // JSON lines carry the same facts.
            let line = AuditRepresentation.entry(call[3])
            #expect(line["actor"] == .string(RoomCallPolicy.actor))
            #expect(line["causationId"] == .string(removal.eventId.uuidString.lowercased()))
            #expect(
                line["cause"]
                    == .object([
                        ("streamId", .string(roomStream.streamId)), ("version", .number(5)),
                        ("eventType", "RoomParticipantRemoved"),
                    ]))
            #expect(line["data"] == .object([("rawId", .string(bob.rawId)), ("reason", "RemovedFromRoster")]))
        }
    }

    @Test func anUnreadableEventStillShowsInTheTimeline() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let roomId = try await Helpers.makeRoom(store, [])
            let stream = StreamName(.room, id: roomId.value)
            try await store.append(
                to: stream.streamId, expected: .exact(1),
                events: [
                    NewEvent(
                        eventType: "RoomRenamed", data: Data(#"{"name":"Board"}"#.utf8),
                        metadata: EventMetadata(actor: "application", command: "RenameRoom", correlationId: UUID()))
                ], recordedAt: Date())
            let entries = try await AuditTrail(store: store).timeline(of: stream).items
            #expect(entries.count == 2)
            #expect(entries[1].description.hasPrefix("unreadable RoomRenamed (schema version 1)"))
            #expect(entries[1].data == ["name": "Board"])
            // A state cannot be folded past it: that is an error, not a guess.
            await #expect(throws: EventDecodingError.unknownType("RoomRenamed")) {
                try await AuditTrail(store: store).state(of: stream, at: .latest)
            }
        }
    }
}

import AtriumDelivery
import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import Testing

/// A room call's log events become ACS's call events, with ACS-WIRE.md's data and subjects.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct CallPublicationTests {
    let alice = "8:acs:resource_alice"
    let bob = "8:acs:resource_bob"

    @Test func aRoomCallsHistoryIsPublishedAsACSCallEvents() async throws {
        try await TestDatabase.with { client in
            let store = EventStore(client: client, logger: TestDatabase.logger)
            let metadata = EventMetadata(actor: bob, command: "LeaveCall", correlationId: UUID())
            func event(_ type: String, _ data: JSONValue) -> NewEvent {
                NewEvent(eventType: type, data: Data(data.serialized.utf8), metadata: metadata)
            }
            let start = Date()
            try await store.append(
                to: StreamName.call("c1").streamId, expected: .noStream,
                events: [
                    event(
                        "CallStarted",
                        [
                            "callId": "c1", "roomId": "99000000000000001", "startedBy": .string(alice),
                            "startedByRole": "Presenter",
                        ]),
                    event("CallParticipantJoined", ["rawId": .string(alice), "role": "Presenter"]),
                ], recordedAt: start)
            try await store.append(
                to: StreamName.call("c1").streamId, expected: .exact(2),
                events: [event("CallParticipantJoined", ["rawId": .string(bob), "role": "Attendee"])],
                recordedAt: start.addingTimeInterval(1))
            try await store.append(
                to: StreamName.call("c1").streamId, expected: .exact(3),
                events: [
                    event("CallParticipantLeft", ["rawId": .string(alice)]),
                    event("CallParticipantLeft", ["rawId": .string(bob)]),
                    event("CallEnded", ["reason": "LastParticipantLeft"]),
                ], recordedAt: start.addingTimeInterval(42))

            let publisher = Publisher(store: store)
            var published: [PublishedEvent] = []
            for recorded in try await store.readStream(StreamName.call("c1").streamId) {
                if let event = try await publisher.publish(recorded) { published.append(event) }
            }

            #expect(
                published.map(\.eventType) == [
                    PublishedEventTypes.callStarted, PublishedEventTypes.callParticipantAdded,
                    PublishedEventTypes.callParticipantAdded, PublishedEventTypes.callParticipantRemoved,
                    PublishedEventTypes.callParticipantRemoved, PublishedEventTypes.callEnded,
                ])
            #expect(
                published.map(\.subject) == [
                    "call/c1/startedBy/\(alice)", "call/c1/participant/\(alice)", "call/c1/participant/\(bob)",
                    "call/c1/participant/\(alice)", "call/c1/participant/\(bob)", "call/c1",
                ])
            let started = published[0].data
            #expect(started["serverCallId"] == "c1")
            #expect(started["room"]?["id"] == "99000000000000001")
            #expect(started["isRoomsCall"] == true)
            #expect(started["startedBy"]?["role"] == "Presenter")
            #expect(started["startedBy"]?["communicationIdentifier"]?["communicationUser"]?["id"] == .string(alice))

            let bobLeft = published[4].data
            #expect(bobLeft["user"]?["role"] == "Attendee", "the role is remembered after they leave")
            #expect(bobLeft["participantId"] == published[2].data["participantId"], "one participant, one id")

            let ended = published[5].data
            #expect(ended["callDurationInSeconds"] == .number(42))
            #expect(ended["endedBy"]?["communicationIdentifier"]?["rawId"] == .string(bob))
            #expect(ended["reason"]?["code"] == .number(0))

            // Published ids are derived from the log: publishing again gives the same ids.
            let again = Publisher(store: store)
            var ids: [UUID] = []
            for recorded in try await store.readStream(StreamName.call("c1").streamId) {
                if let event = try await again.publish(recorded) { ids.append(event.id) }
            }
            #expect(ids == published.map(\.id))
        }
    }
}

import Foundation
import Testing

@testable import AtriumDomain

@Suite("Room events in the log")
struct EventCodecTests {
    static let instant = Timestamp.parse("2026-01-01T08:30:15.123456Z")!

    static let everyEvent: [RoomEvent] = [
        .created(
            RoomCreated(
                roomId: "99551260353945127", createdAt: instant, validFrom: instant,
                validUntil: instant.addingTimeInterval(180 * 24 * 60 * 60), pstnDialOutEnabled: true)),
        .updated(RoomUpdated(validFrom: now, validUntil: instant, pstnDialOutEnabled: false)),
        .participantAdded(RoomParticipantAdded(rawId: "8:acs:resource_alice", role: .collaborator)),
        .participantRoleChanged(
            RoomParticipantRoleChanged(rawId: "8:orgid:alice", previousRole: .attendee, role: .presenter)),
        .participantRemoved(RoomParticipantRemoved(rawId: "28:orgid:bot", previousRole: .consumer)),
        .deleted(RoomDeleted()),
    ]

    @Test("every event survives being written and read back", arguments: everyEvent)
    func roundTrip(event: RoomEvent) throws {
        let data = try event.encodedData()
        let read = try RoomEvent(eventType: event.eventType, schemaVersion: event.schemaVersion, data: data)
        #expect(read == event)
    }

    @Test("the events a decider records survive being written and read back")
    func decidedEventsRoundTrip() throws {
        var history: [RoomEvent] = []
        for command in [
            create(pstnDialOutEnabled: true, participants: [upsert(alice, "Presenter"), upsert(bob)]),
            changeRoster(upsert(bob, "Consumer"), remove(alice), upsert(carol, "Collaborator")),
            update(validUntil: now.addingTimeInterval(days(1)), pstnDialOutEnabled: false),
            delete,
        ] {
            history += try when(command, given(history)).get()
        }
        #expect(history.count == 8)
        for event in history {
            let read = try RoomEvent(
                eventType: event.eventType, schemaVersion: event.schemaVersion, data: event.encodedData())
            #expect(read == event)
        }
    }

    @Test("each event has its own type name, at schema version 1")
    func names() {
        #expect(
            Self.everyEvent.map(\.eventType) == [
                "RoomCreated", "RoomUpdated", "RoomParticipantAdded", "RoomParticipantRoleChanged",
                "RoomParticipantRemoved",
                "RoomDeleted",
            ])
        #expect(Self.everyEvent.allSatisfy { $0.schemaVersion == 1 })
    }

    @Test("event data is JSON with sorted keys, ACS-style timestamps and roles as the wire spells them")
    func dataShape() throws {
        let created = try #require(Self.everyEvent.first).encodedData()
        #expect(
            String(decoding: created, as: UTF8.self)
                == #"{"createdAt":"2026-01-01T08:30:15.1234560+00:00","pstnDialOutEnabled":true,"roomId":"99551260353945127","#
                + #""validFrom":"2026-01-01T08:30:15.1234560+00:00","validUntil":"2026-06-30T08:30:15.1234560+00:00"}"#)
        let changed = try Self.everyEvent[3].encodedData()
        #expect(
            String(decoding: changed, as: UTF8.self)
                == #"{"previousRole":"Attendee","rawId":"8:orgid:alice","role":"Presenter"}"#)
        #expect(String(decoding: try RoomEvent.deleted(RoomDeleted()).encodedData(), as: UTF8.self) == "{}")
    }

    @Test("an event of a type this version does not know cannot be read")
    func unknownType() {
        #expect(throws: EventDecodingError.unknownType("RoomRenamed")) {
            try RoomEvent(eventType: "RoomRenamed", schemaVersion: 1, data: Data("{}".utf8))
        }
        #expect(throws: EventDecodingError.unknownType("roomCreated")) {
            try RoomEvent(eventType: "roomCreated", schemaVersion: 1, data: Data("{}".utf8))
        }
    }

    @Test("data that does not fit its type cannot be read")
    func corruptData() {
        #expect(throws: DecodingError.self) {
            try RoomEvent(
                eventType: "RoomParticipantAdded", schemaVersion: 1,
                data: Data(#"{"rawId":"8:acs:r_a","role":"Boss"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try RoomEvent(
                eventType: "RoomUpdated", schemaVersion: 1,
                data: Data(
                    #"{"pstnDialOutEnabled":true,"validFrom":"yesterday","validUntil":"2026-01-01T00:00:00Z"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try RoomEvent(eventType: "RoomCreated", schemaVersion: 1, data: Data("{}".utf8))
        }
    }
}

/// The hand-written event JSON must be byte for byte what the encoder would store.
struct EventJSONWriterTests {
    @Test(arguments: [
        RoomEvent.created(
            RoomCreated(
                roomId: "12345678901234567", createdAt: Date(timeIntervalSince1970: 1_764_000_000.123456),
                validFrom: Date(timeIntervalSince1970: 1_764_000_000.5),
                validUntil: Date(timeIntervalSince1970: 1_779_552_000), pstnDialOutEnabled: true)),
        .updated(
            RoomUpdated(
                validFrom: Date(timeIntervalSince1970: 0), validUntil: Date(timeIntervalSince1970: 86_400.000001),
                pstnDialOutEnabled: false)),
        .participantAdded(RoomParticipantAdded(rawId: "8:acs:r_\"odd\\id\n", role: .presenter)),
        .participantRoleChanged(
            RoomParticipantRoleChanged(rawId: "8:acs:r_é", previousRole: .attendee, role: .collaborator)),
        .participantRemoved(RoomParticipantRemoved(rawId: "8:acs:r_x", previousRole: .consumer)),
        .deleted(RoomDeleted()),
        .callStarted(RoomCallStarted(callId: "c-1")),
    ])
    func writerMatchesTheEncoder(_ event: RoomEvent) throws {
        let encoded: Data =
            switch event {
            case .created(let e): try EventJSON.encode(e)
            case .updated(let e): try EventJSON.encode(e)
            case .participantAdded(let e): try EventJSON.encode(e)
            case .participantRoleChanged(let e): try EventJSON.encode(e)
            case .participantRemoved(let e): try EventJSON.encode(e)
            case .deleted(let e): try EventJSON.encode(e)
            case .callStarted(let e): try EventJSON.encode(e)
            }
        #expect(String(decoding: try event.encodedData(), as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
    }
}

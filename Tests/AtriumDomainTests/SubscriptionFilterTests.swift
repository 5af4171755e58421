import Foundation
import Testing

@testable import AtriumDomain

@Suite("Event subscriptions: which events a filter lets through (Event Grid's semantics)")
struct SubscriptionFilterTests {
    static let event = PublishedEvent(
        eventType: "Microsoft.Communication.CallStarted",
        id: UUID(uuidString: "6E8A1B52-0C4F-4D3A-9E21-7F5B3C2D1A00")!,
        subject: "call/Server-Call-1/startedBy/8:acs:r_alice",
        eventTime: Timestamp.parse("2026-03-01T12:00:00Z")!,
        data: [
            "room": ["id": "99551260353945127"],
            "isRoomsCall": true,
            "isTwoParty": false,
            "count": .number(3),
            "ratio": .number(0.5),
            "tags": ["VIP", "Blue"],
            "scores": [.number(1), .number(2.5), "7"],
            "flags": [false, false],
            "nothing": nil,
            "label": "Weekly Sync",
        ])

    static func passes(_ filter: EventFilter, _ event: PublishedEvent = event) -> Bool {
        filter.matches(event)
    }

    static func passes(_ filters: AdvancedFilter...) -> Bool {
        EventFilter(advancedFilters: filters).matches(event)
    }

    static func filter(_ operatorType: AdvancedFilter.Operator, _ key: String, _ values: JSONValue...) -> AdvancedFilter
    {
        AdvancedFilter(operatorType: operatorType, key: key, values: values)
    }

    @Test("an empty filter lets everything through")
    func empty() {
        #expect(Self.passes(EventFilter()))
        #expect(Self.passes(EventFilter(includedEventTypes: [])))
    }

    @Test("included event types ignore case; `All` means every type")
    func eventTypes() {
        #expect(Self.passes(EventFilter(includedEventTypes: ["microsoft.communication.callstarted"])))
        #expect(Self.passes(EventFilter(includedEventTypes: ["X", "Microsoft.Communication.CallStarted"])))
        #expect(!Self.passes(EventFilter(includedEventTypes: ["Microsoft.Communication.CallEnded"])))
        #expect(Self.passes(EventFilter(includedEventTypes: ["all"])))
    }

    @Test("subject begins and ends with, ignoring case unless told otherwise")
    func subject() {
        #expect(Self.passes(EventFilter(subjectBeginsWith: "call/server-call-1/")))
        #expect(Self.passes(EventFilter(subjectEndsWith: "R_ALICE")))
        #expect(Self.passes(EventFilter(subjectBeginsWith: "call/", subjectEndsWith: "alice")))
        #expect(!Self.passes(EventFilter(subjectBeginsWith: "call/", subjectEndsWith: "bob")))
        #expect(!Self.passes(EventFilter(subjectBeginsWith: "room/")))
        #expect(!Self.passes(EventFilter(subjectBeginsWith: "call/server-call-1/", isSubjectCaseSensitive: true)))
        #expect(Self.passes(EventFilter(subjectBeginsWith: "call/Server-Call-1/", isSubjectCaseSensitive: true)))
        #expect(!Self.passes(EventFilter(subjectEndsWith: "R_ALICE", isSubjectCaseSensitive: true)))
    }

    @Test("StringIn: an exact value, ignoring case, any of the values")
    func stringIn() {
        #expect(Self.passes(Self.filter(.stringIn, "data.room.id", "1", "99551260353945127")))
        #expect(Self.passes(Self.filter(.stringIn, "data.label", "WEEKLY SYNC")))
        #expect(!Self.passes(Self.filter(.stringIn, "data.label", "Weekly")))
        #expect(Self.passes(Self.filter(.stringIn, "eventType", "microsoft.communication.callstarted")))
        #expect(Self.passes(Self.filter(.stringIn, "Subject", "CALL/server-call-1/startedBy/8:acs:r_alice")))
        #expect(Self.passes(Self.filter(.stringIn, "id", "6e8a1b52-0c4f-4d3a-9e21-7f5b3c2d1a00")))
        #expect(Self.passes(Self.filter(.stringIn, "dataVersion", "1.0")))
    }

    @Test("StringNotIn: none of the values; an absent key has none of them")
    func stringNotIn() {
        #expect(Self.passes(Self.filter(.stringNotIn, "data.label", "other")))
        #expect(!Self.passes(Self.filter(.stringNotIn, "data.label", "other", "weekly sync")))
        #expect(Self.passes(Self.filter(.stringNotIn, "data.missing", "x")))
        #expect(Self.passes(Self.filter(.stringNotIn, "data.nothing", "x")))
        // Other types are ignored: a number is none of the strings.
        #expect(Self.passes(Self.filter(.stringNotIn, "data.count", "3")))
    }

    @Test("StringBeginsWith and StringContains ignore case")
    func stringPrefixAndContains() {
        #expect(Self.passes(Self.filter(.stringBeginsWith, "data.label", "x", "weekly")))
        #expect(!Self.passes(Self.filter(.stringBeginsWith, "data.label", "sync")))
        #expect(Self.passes(Self.filter(.stringContains, "data.label", "KLY S")))
        #expect(!Self.passes(Self.filter(.stringContains, "data.label", "daily")))
        #expect(Self.passes(Self.filter(.stringContains, "subject", "/STARTEDBY/")))
    }

    @Test("arrays: any element may match; StringNotIn needs every element outside the values")
    func arrays() {
        #expect(Self.passes(Self.filter(.stringIn, "data.tags", "blue")))
        #expect(!Self.passes(Self.filter(.stringIn, "data.tags", "green")))
        #expect(Self.passes(Self.filter(.stringBeginsWith, "data.tags", "vi")))
        #expect(Self.passes(Self.filter(.stringContains, "data.tags", "lu")))
        #expect(!Self.passes(Self.filter(.stringNotIn, "data.tags", "vip")))
        #expect(Self.passes(Self.filter(.stringNotIn, "data.tags", "green", "red")))
        #expect(Self.passes(Self.filter(.numberIn, "data.scores", .number(2.5))))
        // "7" is a string: elements of another type are ignored.
        #expect(!Self.passes(Self.filter(.numberIn, "data.scores", .number(7))))
        #expect(Self.passes(Self.filter(.stringIn, "data.scores", "7")))
        #expect(Self.passes(Self.filter(.boolEquals, "data.flags", false)))
        #expect(!Self.passes(Self.filter(.boolEquals, "data.flags", true)))
    }

    @Test("NumberIn compares numbers, whole or not")
    func numberIn() {
        #expect(Self.passes(Self.filter(.numberIn, "data.count", .number(1), .number(3))))
        #expect(Self.passes(Self.filter(.numberIn, "data.ratio", .number(0.5))))
        #expect(!Self.passes(Self.filter(.numberIn, "data.count", .number(4))))
        #expect(!Self.passes(Self.filter(.numberIn, "data.label", .number(3))))
    }

    @Test("BoolEquals compares booleans only")
    func boolEquals() {
        #expect(Self.passes(Self.filter(.boolEquals, "data.isRoomsCall", true)))
        #expect(!Self.passes(Self.filter(.boolEquals, "data.isRoomsCall", false)))
        #expect(Self.passes(Self.filter(.boolEquals, "data.isTwoParty", false)))
        #expect(!Self.passes(Self.filter(.boolEquals, "data.label", true)))
    }

    @Test("IsNullOrUndefined: absent or null, nothing else")
    func isNullOrUndefined() {
        #expect(Self.passes(Self.filter(.isNullOrUndefined, "data.missing")))
        #expect(Self.passes(Self.filter(.isNullOrUndefined, "data.room.missing")))
        #expect(Self.passes(Self.filter(.isNullOrUndefined, "data.nothing")))
        #expect(!Self.passes(Self.filter(.isNullOrUndefined, "data.isTwoParty")))
        #expect(!Self.passes(Self.filter(.isNullOrUndefined, "data.room")))
    }

    @Test("an absent key or a null matches no other operator")
    func absentKeys() {
        for key in ["data.missing", "data.nothing", "data.label.deeper"] {
            #expect(!Self.passes(Self.filter(.stringIn, key, "x")), "\(key)")
            #expect(!Self.passes(Self.filter(.stringBeginsWith, key, "")), "\(key)")
            #expect(!Self.passes(Self.filter(.stringContains, key, "")), "\(key)")
            #expect(!Self.passes(Self.filter(.numberIn, key, .number(0))), "\(key)")
            #expect(!Self.passes(Self.filter(.boolEquals, key, false)), "\(key)")
        }
    }

    @Test("advanced filters are ANDed, with each other and with the types and the subject")
    func conjunction() {
        let room = Self.filter(.stringIn, "data.room.id", "99551260353945127")
        let roomsCall = Self.filter(.boolEquals, "data.isRoomsCall", true)
        let twoParty = Self.filter(.boolEquals, "data.isTwoParty", true)
        #expect(Self.passes(room, roomsCall))
        #expect(!Self.passes(room, roomsCall, twoParty))
        #expect(
            !Self.passes(
                EventFilter(includedEventTypes: ["Microsoft.Communication.CallEnded"], advancedFilters: [room])))
        #expect(!Self.passes(EventFilter(subjectBeginsWith: "room/", advancedFilters: [room])))
        #expect(
            Self.passes(
                EventFilter(
                    includedEventTypes: ["Microsoft.Communication.CallStarted"], subjectBeginsWith: "call/",
                    advancedFilters: [room, roomsCall])))
    }
}

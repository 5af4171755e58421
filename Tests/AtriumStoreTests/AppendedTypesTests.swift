import Testing

@testable import AtriumStore

/// What a NOTIFY of appended events says, and whom it concerns.
struct AppendedTypesTests {
    @Test func aNotificationNamesTheTypesAppendedSinceTheLastOne() {
        var types = AppendedTypes()
        types.add(["RoomCreated", "RoomParticipantAdded"])
        types.add(["RoomCreated"])
        #expect(types.payload == "RoomCreated,RoomParticipantAdded")
    }

    @Test func anAppendOfUnknownTypesOrTooManyTypesConcernsEveryone() {
        var unknown = AppendedTypes()
        unknown.add(["RoomCreated"])
        unknown.add(nil)
        #expect(unknown.payload == "*")
        var many = AppendedTypes()
        many.add((0..<1_000).map { "SomeRatherLongEventTypeName\($0)" })
        #expect(many.payload == "*")
    }

    @Test func aConsumerOfAFewTypesIsConcernedOnlyByThem() {
        let policy: Set<String> = ["RoomDeleted", "RoomParticipantRemoved"]
        #expect(AppendedTypes.concern("RoomCreated,RoomDeleted", wanted: policy))
        #expect(!AppendedTypes.concern("RoomCreated,RoomUpdated", wanted: policy))
        #expect(AppendedTypes.concern("*", wanted: policy))
        #expect(AppendedTypes.concern("", wanted: policy), "a notifier that names nothing may mean anything")
        #expect(AppendedTypes.concern("RoomCreated", wanted: nil))
    }

    @Test func aChosenSelectionWakesForWhatCanChangeTheChoiceUntilChosen() {
        let fanOut = WakeFilter(.typesChosenBy(sql: "SELECT NULL::text[]", changedBy: ["SubscriptionCreated"]))
        #expect(fanOut.isSelective)
        #expect(fanOut.concerns("SubscriptionCreated"))
        #expect(!fanOut.concerns("RoomCreated"))
        #expect(!WakeFilter(.all).isSelective)
        #expect(WakeFilter(.all).concerns("RoomCreated"))
    }
}

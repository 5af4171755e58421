import AtriumDomain
import Testing

/// Stream ids are `{category}-{id}`: what the log stores, the audit API shows and the SQL
/// projections dispatch on.
@Suite("Stream names")
struct StreamNameTests {
    @Test func eachAggregateHasItsCategory() throws {
        #expect(StreamName.room(try RoomId(validating: "99551260353945127")).streamId == "room-99551260353945127")
        #expect(StreamName.call("3993af12").streamId == "call-3993af12")
        #expect(
            StreamName.identity(try CommunicationUserId(validating: "8:acs:r_alice")).streamId
                == "identity-8:acs:r_alice")
        #expect(StreamName.subscription(try SubscriptionName(validating: "Orders")).streamId == "subscription-orders")
    }

    @Test func aStreamIdReadsBackAsItsName() {
        for category in StreamName.Category.allCases {
            let name = StreamName(category, id: "some-id-with-dashes")
            #expect(StreamName(streamId: name.streamId) == name)
        }
        #expect(StreamName(streamId: "identity-8:acs:r_alice") == StreamName(.identity, id: "8:acs:r_alice"))
    }

    @Test(arguments: ["widget-1", "room-", "room", "", "-1", "Room-1"])
    func anythingElseIsNoStreamOfAtrium(streamId: String) {
        #expect(StreamName(streamId: streamId) == nil)
    }
}

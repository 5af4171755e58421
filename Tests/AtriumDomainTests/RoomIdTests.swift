import AtriumDomain
import Testing

@Suite("Room ids")
struct RoomIdTests {
    let invalidLength = DomainError(.badRequest, "Invalid room ID length.", target: "roomId")

    @Test("16 and 17 digits are a room id", arguments: ["1234567890123456", "99551260353945127", "0000000000000000"])
    func accepted(value: String) throws {
        let id = try RoomId(validating: value)
        #expect(id.value == value)
        #expect(id.description == value)
        #expect(StreamName(streamId: id.streamId) == StreamName(.room, id: value))
    }

    @Test(
        "anything else is refused as an invalid length",
        arguments: [
            "", "123456789012345", "123456789012345678", "1234567890123456a", "12345678901234.6", "-1234567890123456",
            " 1234567890123456", "１２３４５６７８９０１２３４５６", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", "not-a-room-id",
        ])
    func rejected(value: String) {
        #expect(throws: invalidLength) { try RoomId(validating: value) }
    }

    @Test("a random id has 17 digits and is a valid room id")
    func randomIsValid() throws {
        var generator = SplitMix64(seed: 2026)
        for _ in 0..<1_000 {
            let id = RoomId.random(using: &generator)
            #expect(id.value.count == 17)
            #expect(id.value.first != "0")
            #expect(try RoomId(validating: id.value) == id)
        }
    }

    @Test("random ids come from the generator the caller gives")
    func randomIsReproducible() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        var other = SplitMix64(seed: 43)
        let a = (0..<5).map { _ in RoomId.random(using: &first) }
        let b = (0..<5).map { _ in RoomId.random(using: &second) }
        let c = (0..<5).map { _ in RoomId.random(using: &other) }
        #expect(a == b)
        #expect(a != c)
        #expect(Set(a).count == 5)
    }
}

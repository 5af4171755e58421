import AtriumDomain
import AtriumStore
import Foundation
import Testing

/// The hand-written metadata JSON must be exactly what the JSON encoder would store.
struct EventMetadataTests {
    @Test(arguments: [
        EventMetadata(actor: "application", command: "CreateRoom", correlationId: UUID()),
        EventMetadata(
            actor: "8:acs:r_\"quoted\"\\slash\n\u{01}é", command: "ChangeRoomRoster", correlationId: UUID(),
            causationId: UUID(), requestId: "req/1\t2"),
    ])
    func handWrittenJSONMatchesTheEncoder(_ metadata: EventMetadata) throws {
        let encoded = String(decoding: try EventJSON.encode(metadata), as: UTF8.self)
        #expect(metadata.jsonText == encoded)
        #expect(try EventJSON.decode(Data(metadata.jsonText.utf8), as: EventMetadata.self) == metadata)
    }
}

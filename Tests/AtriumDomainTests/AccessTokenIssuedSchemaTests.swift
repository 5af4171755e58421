import Foundation
import Testing

@testable import AtriumDomain

/// `AccessTokenIssued` went from schema version 1 to 2 (the lifetime recorded as
/// `expiresInMinutes`); events written at version 1 stay in the log as they are and are upcast on read.
@Suite("AccessTokenIssued across its schema versions")
struct AccessTokenIssuedSchemaTests {
    typealias F = IdentityFixtures

    /// The bytes version 1 wrote (sorted keys, ACS timestamps), lifetime left out.
    static let versionOneData = Data(
        #"{"expiresOn":"2026-01-01T01:30:00.0000000+00:00","issuedAt":"2026-01-01T00:00:00.0000000+00:00","scopes":["chat","voip"],"tokenId":"00000000-0000-4000-8000-0000000000AA"}"#
            .utf8)

    @Test("a version 1 event reads as today's event, its lifetime derived from its two instants")
    func upcastsVersionOne() throws {
        let read = try IdentityEvent(eventType: "AccessTokenIssued", schemaVersion: 1, data: Self.versionOneData)
        #expect(read == F.issued([.chat, .voip], minutes: 90))
        guard case .accessTokenIssued(let issued) = read else {
            Issue.record("read \(read.eventType)")
            return
        }
        #expect(issued.expiresInMinutes == 90)
        #expect(issued.grant.expiresOn == F.now.addingTimeInterval(90 * 60))
    }

    @Test("new events are written at version 2 with the lifetime, and read back unchanged")
    func writesVersionTwo() throws {
        let event = F.issued([.voipJoin], minutes: 60)
        #expect(event.schemaVersion == 2)
        let data = try event.encodedData()
        #expect(String(decoding: data, as: UTF8.self).contains(#""expiresInMinutes":60"#))
        #expect(try IdentityEvent(eventType: event.eventType, schemaVersion: 2, data: data) == event)
        // The other identity events did not change shape.
        #expect(F.created.schemaVersion == 1)
    }

    @Test("a history written partly before the change folds as if written today")
    func mixedHistoryFolds() throws {
        let stored: [(Int, Data)] = [
            (1, try F.created.encodedData()), (1, Self.versionOneData),
        ]
        let read = try stored.enumerated().map { index, row in
            try IdentityEvent(
                eventType: index == 0 ? "IdentityCreated" : "AccessTokenIssued", schemaVersion: row.0, data: row.1)
        }
        #expect(IdentityDecider.replay(read) == given(F.created, F.issued([.chat, .voip], minutes: 90)))
    }

    @Test("a schema version from a newer Atrium is refused, not misread")
    func refusesUnknownVersions() {
        #expect(throws: EventDecodingError.unsupportedSchemaVersion("AccessTokenIssued", 3)) {
            try IdentityEvent(eventType: "AccessTokenIssued", schemaVersion: 3, data: Self.versionOneData)
        }
    }
}

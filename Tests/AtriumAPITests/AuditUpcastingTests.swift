import AtriumAPI
import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

/// An event written before a schema change, read through the audit after it: `AccessTokenIssued`
/// went from version 1 to 2, and a version 1 row in the log reads as today's event.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct AuditUpcastingTests {
    typealias H = AuditHTTPTests

    @Test func aTokenIssuedBeforeTheSchemaChangeReadsCorrectlyThroughTheAudit() async throws {
        try await H.withServer { client, store in
            let created = try await H.send(client, .post, "/identities?api-version=2023-10-01")
            let rawId = try #require(H.string(try H.json(created)["identity"]?["id"]))
            let stream = StreamName(.identity, id: rawId).streamId

            // A token issued by an Atrium from before the change: the row as version 1 wrote it.
            let issuedAt = try #require(Timestamp.parse("2026-03-01T09:00:00.25Z"))
            let tokenId = UUID()
            let versionOne = NewEvent(
                eventType: "AccessTokenIssued", schemaVersion: 1,
                data: Data(
                    #"{"expiresOn":"2026-03-01T10:30:00.2500000+00:00","issuedAt":"2026-03-01T09:00:00.2500000+00:00","scopes":["chat","voip"],"tokenId":"\#(tokenId.uuidString)"}"#
                        .utf8),
                metadata: EventMetadata(actor: "application", command: "IssueAccessToken", correlationId: UUID()))
            try await store.append(to: stream, expected: .exact(1), events: [versionOne], recordedAt: issuedAt)
            // And one issued today.
            let issued = try await H.send(
                client, .post,
                "/identities/\(IdentityHTTPTests.encoded(rawId))/:issueAccessToken?api-version=2023-10-01",
                body: #"{"scopes": ["voip.join"], "expiresInMinutes": 120}"#)
            #expect(issued.status == .ok)

            let (entries, _) = try await H.timeline(client, stream)
            #expect(entries.map { H.number($0["schemaVersion"]) } == [1, 1, 2])
            let old = entries[1]
            #expect(H.number(old["data"]?["expiresInMinutes"]) == 90)
            #expect(H.string(old["data"]?["tokenId"]) == tokenId.uuidString)
            #expect(
                H.string(old["description"])
                    == "access token \(tokenId.uuidString.lowercased()) issued for chat, voip, 90 minutes, "
                    + "until 2026-03-01T10:30:00.2500000+00:00")
            #expect(H.number(entries[2]["data"]?["expiresInMinutes"]) == 120)

            // The state as of the old event holds its token, read in today's shape.
            let state = try H.json(
                try await H.send(client, .get, "/audit/streams/\(stream)/state?\(H.version)&version=2"))
            #expect(H.string(state["lastIssuedToken"]?["tokenId"]) == tokenId.uuidString.lowercased())
            #expect(H.string(state["lastIssuedToken"]?["expiresOn"]) == "2026-03-01T10:30:00.2500000+00:00")
            #expect(H.array(state["lastIssuedToken"]?["scopes"]) == [.string("chat"), .string("voip")])

            // Reading upcasts; the log itself is never rewritten.
            let stored = try await store.client.query(
                "SELECT schema_version, data::text FROM events WHERE stream_id = \(stream) ORDER BY stream_version",
                logger: TestDatabase.logger
            ).decode((Int32, String).self).reduce(into: []) { $0.append($1) }
            #expect(stored.map(\.0) == [1, 1, 2])
            #expect(!stored[1].1.contains("expiresInMinutes") && stored[2].1.contains("expiresInMinutes"))
        }
    }
}

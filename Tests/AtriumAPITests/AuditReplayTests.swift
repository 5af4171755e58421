import AtriumAPI
import AtriumDomain
import AtriumStore
import AtriumTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

/// The replay proof: a room with a long history, changed through the Rooms API while the test
/// writes down what the API answered after each change and when; afterwards the audit rebuilds
/// the room from the log alone, as of those moments and those versions, and must give the same.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs DATABASE_URL (run Tools/test)"))
struct AuditReplayTests {
    typealias H = AuditHTTPTests

    /// What the Rooms API said at one moment.
    struct Observation {
        var moment: Date
        /// The stream's version then, read from the log's own table.
        var version: Int
        var room: JSONValue
        var participants: JSONValue
    }

    /// A long, varied history: roster additions, role changes, removals and re-additions,
    /// property updates, and requests that change nothing.
    static func changes(roomId: String, start: Date) -> [(target: String, body: String)] {
        let participants = "/rooms/\(roomId)/participants?api-version=2025-03-13"
        let room = "/rooms/\(roomId)?api-version=2025-03-13"
        let roles = ["Presenter", "Collaborator", "Attendee", "Consumer"]
        var changes: [(String, String)] = []
        for step in 0..<60 {
            let user = "8:acs:r_user\(step % 9)"
            switch step % 5 {
            case 0, 1:
                changes.append(
                    (participants, #"{"participants": {"\#(user)": {"role": "\#(roles[step % 4])"}}}"#))
            case 2:
                changes.append(
                    (
                        participants,
                        #"{"participants": {"8:acs:r_user\#((step + 3) % 9)": null, "\#(user)": {"role": "\#(roles[(step + 1) % 4])"}}}"#
                    ))
            case 3:
                let until = Timestamp.format(start.addingTimeInterval(Double(step + 10) * 86_400))
                changes.append((room, #"{"validUntil": "\#(until)", "pstnDialOutEnabled": \#(step % 2 == 0)}"#))
            default:
                // The same role again, or someone who is not there removed: nothing happens.
                changes.append((participants, #"{"participants": {"8:acs:r_absent": null}}"#))
            }
        }
        return changes
    }

    @Test func theStateAtEachRecordedMomentEqualsWhatTheAPIReturnedThen() async throws {
        try await H.withServer { client, store in
            let beforeCreation = Date()
            let roomId = try await H.createRoom(
                client,
                body: #"{"participants": {"8:acs:r_owner": {"role": "Presenter"}}, "pstnDialOutEnabled": false}"#)
            let stream = StreamName(.room, id: roomId).streamId

            func observe() async throws -> Observation {
                let room = try await H.send(client, .get, "/rooms/\(roomId)?api-version=2025-03-13")
                let roster = try await H.send(
                    client, .get, "/rooms/\(roomId)/participants?api-version=2025-03-13&maxpagesize=1000")
                #expect(room.status == .ok && roster.status == .ok)
                let version = try await store.client.query(
                    "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = \(stream)",
                    logger: TestDatabase.logger
                ).decode(Int64.self).first { _ in true }
                #expect(try H.json(roster)["nextLink"] == nil)
                return Observation(
                    moment: Date(), version: Int(version ?? -1), room: try H.json(room),
                    participants: try H.json(roster)["value"] ?? .null)
            }

            var observations = [try await observe()]
            for (target, body) in Self.changes(roomId: roomId, start: Date()) {
                let response = try await H.send(client, .patch, target, body: body)
                #expect(response.status == .ok, "\(target) \(body)")
                observations.append(try await observe())
            }
            #expect(observations.last.map(\.version) ?? 0 >= 40, "the history is long")

            // A dozen moments spread over the whole history, first and last included.
            let chosen = (0..<12).map { observations[$0 * (observations.count - 1) / 11] }
            #expect(Set(chosen.map(\.version)).count == 12)
            for observation in chosen {
                for query in ["at=\(H.query(observation.moment))", "version=\(observation.version)"] {
                    let response = try await H.send(
                        client, .get, "/audit/streams/\(stream)/state?\(H.version)&\(query)")
                    #expect(response.status == .ok, "\(query)")
                    let state = try H.json(response)
                    #expect(state["room"] == observation.room, "room as of \(query)")
                    #expect(state["participants"] == observation.participants, "participants as of \(query)")
                    #expect(H.number(state["version"]) == observation.version, "\(query)")
                }
            }

            // Before the room existed there was nothing; after its deletion the API says 404 and
            // the audit says what it was.
            let before = try H.json(
                try await H.send(
                    client, .get, "/audit/streams/\(stream)/state?\(H.version)&at=\(H.query(beforeCreation))"))
            #expect(H.string(before["lifecycle"]) == "NotCreated" && H.number(before["version"]) == 0)
            #expect(try await H.send(client, .delete, "/rooms/\(roomId)?api-version=2025-03-13").status == .noContent)
            #expect(try await H.send(client, .get, "/rooms/\(roomId)?api-version=2025-03-13").status == .notFound)
            let deleted = try H.json(try await H.send(client, .get, "/audit/streams/\(stream)/state?\(H.version)"))
            #expect(H.string(deleted["lifecycle"]) == "Deleted")
            #expect(
                deleted["room"] == observations.last?.room && deleted["participants"] == observations.last?.participants
            )
        }
    }
}

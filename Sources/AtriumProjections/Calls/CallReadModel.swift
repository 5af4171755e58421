import Foundation
import Logging
import PostgresNIO

/// Queries over the inline call read models (`calls`, `call_participants`).
public struct CallReadModel: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The calls still active in a room whose validity window closed at or before `now`.
    public func activeCallsOfExpiredRooms(at now: Date) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT c.call_id FROM calls c JOIN rooms r ON r.room_id = c.room_id
             WHERE c.state = 'Active' AND r.valid_until <= \(now)
            """, logger: logger)
        var callIds: [String] = []
        for try await callId in rows.decode(String.self) { callIds.append(callId) }
        return callIds
    }

    /// The room's most recent call, with its participants in the order they came in.
    public func latestCall(inRoom roomId: String) async throws -> CallRow? {
        let calls = try await client.query(
            """
            SELECT call_id, state, started_by, end_reason FROM calls
             WHERE room_id = \(roomId) ORDER BY started_at DESC, call_id LIMIT 1
            """, logger: logger)
        var found: CallRow?
        for try await (callId, state, startedBy, endReason) in calls.decode((String, String, String, String?).self) {
            found = CallRow(
                callId: callId, roomId: roomId, state: state, startedBy: startedBy, endReason: endReason,
                participants: [])
        }
        guard var call = found else { return nil }
        let participants = try await client.query(
            """
            SELECT raw_id, role, state, muted, video_on, screen_sharing FROM call_participants
             WHERE call_id = \(call.callId) ORDER BY list_order
            """, logger: logger)
        for try await (rawId, role, state, muted, videoOn, screenSharing) in participants.decode(
            (String, String?, String, Bool, Bool, Bool).self)
        {
            call.participants.append(
                CallParticipantRow(
                    rawId: rawId, role: role, state: state, muted: muted, videoOn: videoOn,
                    screenSharing: screenSharing))
        }
        return call
    }
}

import Foundation
import Logging
import PostgresNIO

/// Lookups over the inline read models of Call Automation (`call_connections`, `call_recordings`):
/// which call a connection or a recording belongs to. The details come from the call's stream.
public struct CallConnectionReadModel: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The call a connection belongs to, the call's room, and the correlation id the call started
    /// under (its first event's), if the connection was ever made.
    public func call(ofConnection connectionId: String) async throws -> (
        callId: String, roomId: String, correlationId: UUID
    )? {
        let rows = try await client.query(
            """
            SELECT k.call_id, k.room_id, (e.metadata->>'correlationId')::uuid
              FROM call_connections c
              JOIN calls k ON k.call_id = c.call_id
              JOIN events e ON e.stream_id = 'call-' || k.call_id AND e.stream_version = 1
             WHERE c.connection_id = \(connectionId)
            """, logger: logger)
        for try await (callId, roomId, correlationId) in rows.decode((String, String, UUID).self) {
            return (callId, roomId, correlationId)
        }
        return nil
    }

    /// The call a recording belongs to, while the recording is not stopped.
    public func callId(ofRecording recordingId: String) async throws -> String? {
        let rows = try await client.query(
            "SELECT call_id FROM call_recordings WHERE recording_id = \(recordingId)", logger: logger)
        for try await callId in rows.decode(String.self) { return callId }
        return nil
    }
}

import Logging
import PostgresNIO

/// A large, realistic event log written straight into PostgreSQL for `bench-rebuild`: the same
/// event types and JSON the domain writes, generated server-side (INSERT … SELECT over
/// generate_series), then projected inline as the append would, one transaction per chunk.
///
/// One unit is a room's life: four users get identities and tokens; the room is created with them
/// on its roster, updated, one of them re-roled; three join its call, mute, unmute, share video and
/// screen, and leave (the last one out ends it), then one is removed from the roster. Some units
/// vary it: every tenth user revokes their tokens, one identity in twenty is deleted, one room in
/// five is deleted, and one call in five stays live with two people in it. That is 28.75 events per
/// unit on average, over 2 room, 4 identity and 1 call streams. Units advance step by step in
/// chunks, so the log interleaves many streams as a busy server's does.
struct SyntheticLog: Sendable {
    static let eventsPerUnit = 28.75
    /// Units per transaction: about 57,500 events.
    static let unitsPerChunk = 2_000

    let logger: Logger

    /// Units for at least `events` events (whole periods of the variations, so the mix is exact).
    static func units(forEvents events: Int) -> Int {
        let units = Int((Double(events) / eventsPerUnit).rounded(.up))
        return (units + 19) / 20 * 20
    }

    /// Appends units `first...last` in one transaction: events, streams, and their inline projection.
    func append(units: ClosedRange<Int>, on client: PostgresClient) async throws {
        try await client.withTransaction(logger: logger) { transaction in
            try await transaction.query(
                Self.insertEvents(first: units.lowerBound, last: units.upperBound), logger: logger)
            try await transaction.query(
                """
                INSERT INTO streams (stream_id, version)
                SELECT stream_id, max(stream_version) FROM events WHERE transaction_id = pg_current_xact_id()
                 GROUP BY stream_id
                """, logger: logger)
            // What append_to_stream does after each insert, in log order.
            try await transaction.query(
                """
                DO $$
                DECLARE
                    e record;
                BEGIN
                    FOR e IN SELECT stream_id, stream_version, global_position, event_type, data, recorded_at
                               FROM events WHERE transaction_id = pg_current_xact_id() ORDER BY global_position
                    LOOP
                        PERFORM project_inline(e.stream_id, e.stream_version, e.global_position, e.event_type,
                                               e.data, e.recorded_at);
                    END LOOP;
                END;
                $$
                """, logger: logger)
        }
    }

    private static func insertEvents(first: Int, last: Int) -> PostgresQuery {
        """
        WITH unit AS (
            SELECT u,
                   (10000000000000000 + u)::text AS room_id,
                   md5('call-' || u)::uuid::text AS call_id,
                   timestamptz '2026-01-05 08:00:00+00' + u * interval '20 seconds' AS t0,
                   '8:acs:6d1c8a5e-2f1b-4b7e-9a52-0c6f3b1d2e40_' || md5('user-' || u || '-1')::uuid AS u1,
                   '8:acs:6d1c8a5e-2f1b-4b7e-9a52-0c6f3b1d2e40_' || md5('user-' || u || '-2')::uuid AS u2,
                   '8:acs:6d1c8a5e-2f1b-4b7e-9a52-0c6f3b1d2e40_' || md5('user-' || u || '-3')::uuid AS u3,
                   '8:acs:6d1c8a5e-2f1b-4b7e-9a52-0c6f3b1d2e40_' || md5('user-' || u || '-4')::uuid AS u4,
                   u % 5 = 0 AS room_deleted,
                   u % 4 = 1 AND u % 5 <> 0 AS call_stays_live
              FROM generate_series(\(Int64(first)), \(Int64(last))) AS u
        ),
        at AS (
            SELECT unit.*,
                   to_char(t0 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"') AS t0_text,
                   to_char((t0 + interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"') AS day_text,
                   to_char((t0 + interval '7 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"') AS week_text,
                   to_char((t0 + interval '14 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"') AS fortnight_text
              FROM unit
        ),
        member AS (
            SELECT at.*, k, user_id FROM at, LATERAL (VALUES (1, u1), (2, u2), (3, u3), (4, u4)) AS users (k, user_id)
        ),
        timeline (u, step, stream_id, stream_version, event_type, data, actor, command) AS (
            SELECT u, k, 'identity-' || user_id, 1, 'IdentityCreated',
                   jsonb_build_object('createdAt', t0_text, 'rawId', user_id), 'application', 'CreateIdentity'
              FROM member
            UNION ALL
            SELECT u, 4 + k, 'identity-' || user_id, 2, 'AccessTokenIssued',
                   jsonb_build_object('expiresOn', day_text, 'issuedAt', t0_text,
                                      'scopes', jsonb_build_array('chat', 'voip'), 'tokenId', md5('token-' || user_id)::uuid),
                   'application', 'IssueAccessToken'
              FROM member
            UNION ALL
            SELECT u, 9, 'room-' || room_id, 1, 'RoomCreated',
                   jsonb_build_object('createdAt', t0_text, 'pstnDialOutEnabled', false, 'roomId', room_id,
                                      'validFrom', t0_text, 'validUntil', week_text),
                   'application', 'CreateRoom'
              FROM at
            UNION ALL
            SELECT u, 9 + k, 'room-' || room_id, 1 + k, 'RoomParticipantAdded',
                   jsonb_build_object('rawId', user_id, 'role', (ARRAY['Presenter', 'Attendee', 'Attendee', 'Consumer'])[k]),
                   'application', 'ChangeRoomRoster'
              FROM member
            UNION ALL
            SELECT u, 14, 'room-' || room_id, 6, 'RoomUpdated',
                   jsonb_build_object('pstnDialOutEnabled', true, 'validFrom', t0_text, 'validUntil', fortnight_text),
                   'application', 'UpdateRoom'
              FROM at
            UNION ALL
            SELECT u, 15, 'room-' || room_id, 7, 'RoomParticipantRoleChanged',
                   jsonb_build_object('previousRole', 'Attendee', 'rawId', u3, 'role', 'Collaborator'),
                   'application', 'ChangeRoomRoster'
              FROM at
            UNION ALL
            SELECT u, 16, 'room-' || room_id, 8, 'RoomCallStarted', jsonb_build_object('callId', call_id),
                   u1, 'StartRoomCall'
              FROM at
            UNION ALL
            SELECT u, 17, 'call-' || call_id, 1, 'CallStarted',
                   jsonb_build_object('callId', call_id, 'roomId', room_id, 'startedBy', u1, 'startedByRole', 'Presenter'),
                   u1, 'JoinCall'
              FROM at
            UNION ALL
            SELECT u, 17 + k, 'call-' || call_id, 1 + k, 'CallParticipantJoined',
                   jsonb_build_object('rawId', user_id, 'role', (ARRAY['Presenter', 'Attendee', 'Collaborator'])[k]),
                   user_id, 'JoinCall'
              FROM member WHERE k <= 3
            UNION ALL
            SELECT u, 21, 'call-' || call_id, 5, 'CallParticipantMuted', jsonb_build_object('mutedBy', u1, 'rawId', u2),
                   u1, 'MuteParticipant'
              FROM at
            UNION ALL
            SELECT u, 22, 'call-' || call_id, 6, 'CallParticipantVideoChanged', jsonb_build_object('on', true, 'rawId', u1),
                   u1, 'StartVideo'
              FROM at
            UNION ALL
            SELECT u, 23, 'call-' || call_id, 7, 'CallParticipantScreenShareChanged',
                   jsonb_build_object('on', true, 'rawId', u1), u1, 'StartScreenShare'
              FROM at
            UNION ALL
            SELECT u, 24, 'call-' || call_id, 8, 'CallParticipantUnmuted', jsonb_build_object('rawId', u2),
                   u2, 'UnmuteSelf'
              FROM at
            UNION ALL
            SELECT u, 25, 'call-' || call_id, 9, 'CallParticipantLeft', jsonb_build_object('rawId', u3), u3, 'LeaveCall'
              FROM at
            UNION ALL
            SELECT u, 26, 'call-' || call_id, 10, 'CallParticipantLeft', jsonb_build_object('rawId', u2), u2, 'LeaveCall'
              FROM at WHERE NOT call_stays_live
            UNION ALL
            SELECT u, 27, 'call-' || call_id, 11, 'CallParticipantLeft', jsonb_build_object('rawId', u1), u1, 'LeaveCall'
              FROM at WHERE NOT call_stays_live
            UNION ALL
            SELECT u, 27, 'call-' || call_id, 12, 'CallEnded', jsonb_build_object('reason', 'LastParticipantLeft'),
                   u1, 'LeaveCall'
              FROM at WHERE NOT call_stays_live
            UNION ALL
            SELECT u, 28, 'room-' || room_id, 9, 'RoomParticipantRemoved',
                   jsonb_build_object('previousRole', 'Consumer', 'rawId', u4), 'application', 'ChangeRoomRoster'
              FROM at
            UNION ALL
            SELECT u, 29, 'room-' || room_id, 10, 'RoomDeleted', '{}'::jsonb, 'application', 'DeleteRoom'
              FROM at WHERE room_deleted
            UNION ALL
            SELECT u, 30, 'identity-' || u1, 3, 'AccessTokensRevoked', jsonb_build_object('revokedAt', day_text),
                   'application', 'RevokeAccessTokens'
              FROM at WHERE u % 10 = 0
            UNION ALL
            SELECT u, 31, 'identity-' || u4, 3, 'IdentityDeleted', jsonb_build_object('deletedAt', day_text),
                   'application', 'DeleteIdentity'
              FROM at WHERE u % 20 = 3
        )
        INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
        SELECT stream_id, stream_version, gen_random_uuid(), event_type, 1, data,
               jsonb_build_object('actor', actor, 'command', command, 'correlationId', gen_random_uuid()),
               timestamptz '2026-01-05 08:00:00+00' + u * interval '20 seconds' + step * interval '1 second'
          FROM timeline
         ORDER BY step, u, stream_id, stream_version
        """
    }
}

-- Inline read models of room calls: who is in each call and how. The call's history stays in the log.
CREATE TABLE calls (
    call_id     text        PRIMARY KEY,
    room_id     text        NOT NULL,
    state       text        NOT NULL,  -- 'Active' or 'Ended'
    started_at  timestamptz NOT NULL,
    started_by  text        NOT NULL,
    ended_at    timestamptz,
    end_reason  text,
    version     bigint      NOT NULL
);

CREATE INDEX calls_by_room ON calls (room_id, started_at);

CREATE TABLE call_participants (
    call_id        text    NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
    raw_id         text    NOT NULL,
    role           text,              -- NULL for a PSTN leg
    state          text    NOT NULL,  -- 'Connecting' or 'Connected'
    muted          boolean NOT NULL DEFAULT false,
    video_on       boolean NOT NULL DEFAULT false,
    screen_sharing boolean NOT NULL DEFAULT false,
    list_order     bigint  NOT NULL,  -- the event that brought them in
    PRIMARY KEY (call_id, raw_id)
);

CREATE FUNCTION project_call(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_call_id text := substr(p_stream_id, 6);  -- 'call-<id>'
    v_raw_id  text := p_data->>'rawId';
BEGIN
    CASE p_event_type
    WHEN 'CallStarted' THEN
        INSERT INTO calls (call_id, room_id, state, started_at, started_by, version)
        VALUES (v_call_id, p_data->>'roomId', 'Active', p_recorded_at, p_data->>'startedBy', p_stream_version);
    WHEN 'CallParticipantJoined' THEN
        INSERT INTO call_participants (call_id, raw_id, role, state, list_order)
        VALUES (v_call_id, v_raw_id, p_data->>'role', 'Connected', p_global_position);
    WHEN 'CallDialOutRequested' THEN
        INSERT INTO call_participants (call_id, raw_id, role, state, list_order)
        VALUES (v_call_id, p_data->>'phoneNumber', NULL, 'Connecting', p_global_position);
    WHEN 'CallParticipantLeft', 'CallParticipantRemoved' THEN
        DELETE FROM call_participants WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantMuted' THEN
        UPDATE call_participants SET muted = true WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantUnmuted' THEN
        UPDATE call_participants SET muted = false WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantVideoChanged' THEN
        UPDATE call_participants SET video_on = (p_data->>'on')::boolean
         WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantScreenShareChanged' THEN
        UPDATE call_participants SET screen_sharing = (p_data->>'on')::boolean
         WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantRoleChanged' THEN
        UPDATE call_participants SET role = p_data->>'role' WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallEnded' THEN
        UPDATE calls SET state = 'Ended', ended_at = p_recorded_at, end_reason = p_data->>'reason'
         WHERE call_id = v_call_id;
        DELETE FROM call_participants WHERE call_id = v_call_id;
    ELSE
        NULL;
    END CASE;
    UPDATE calls SET version = p_stream_version WHERE call_id = v_call_id AND p_event_type <> 'CallStarted';
END;
$$;

-- The dispatcher gains calls.
CREATE OR REPLACE FUNCTION project_inline(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_stream_id LIKE 'room-%' THEN
        PERFORM project_room(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at);
    ELSIF p_stream_id LIKE 'identity-%' THEN
        PERFORM project_identity(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data,
                                 p_recorded_at);
    ELSIF p_stream_id LIKE 'call-%' THEN
        PERFORM project_call(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at);
    END IF;
END;
$$;

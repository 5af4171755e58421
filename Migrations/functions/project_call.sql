-- Room calls (tables `calls`, `call_participants`, `call_connections`, `call_recordings`): who is in
-- each call and how, the server applications connected to it, its recordings. The call's history
-- (media operations among it) stays in the log.
CREATE OR REPLACE FUNCTION project_call(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_call_id text := stream_entity_id(p_stream_id);
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
    WHEN 'CallDialOutAnswered' THEN
        UPDATE call_participants SET state = 'Connected' WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantLeft', 'CallParticipantRemoved', 'CallDialOutFailed' THEN
        DELETE FROM call_participants WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallAddParticipantCanceled' THEN
        DELETE FROM call_participants WHERE call_id = v_call_id AND raw_id = v_raw_id AND state = 'Connecting';
    WHEN 'CallParticipantMuted' THEN
        UPDATE call_participants SET muted = true WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantUnmuted' THEN
        UPDATE call_participants SET muted = false WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantHoldChanged' THEN
        UPDATE call_participants SET on_hold = (p_data->>'onHold')::boolean
         WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantVideoChanged' THEN
        UPDATE call_participants SET video_on = (p_data->>'on')::boolean
         WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantScreenShareChanged' THEN
        UPDATE call_participants SET screen_sharing = (p_data->>'on')::boolean
         WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallParticipantRoleChanged' THEN
        UPDATE call_participants SET role = p_data->>'role' WHERE call_id = v_call_id AND raw_id = v_raw_id;
    WHEN 'CallApplicationConnected' THEN
        INSERT INTO call_connections (connection_id, call_id, callback_uri, operation_context, application, state,
                                      list_order)
        VALUES (p_data->>'connectionId', v_call_id, p_data->>'callbackUri', p_data->>'operationContext',
                p_data->>'application', 'connected', p_global_position);
    WHEN 'CallApplicationDisconnected' THEN
        UPDATE call_connections SET state = 'disconnected' WHERE connection_id = p_data->>'connectionId';
    WHEN 'CallRecordingStarted' THEN
        INSERT INTO call_recordings (recording_id, call_id, state, kind, state_callback_uri, started_at)
        VALUES (p_data->>'recordingId', v_call_id, p_data->>'state', p_data->>'kind', p_data->>'stateCallbackUri',
                (p_data->>'startedAt')::timestamptz);
    WHEN 'CallRecordingStateChanged' THEN
        UPDATE call_recordings SET state = p_data->>'state' WHERE recording_id = p_data->>'recordingId';
    WHEN 'CallRecordingStopped' THEN
        DELETE FROM call_recordings WHERE recording_id = p_data->>'recordingId';
    WHEN 'CallEnded' THEN
        UPDATE calls SET state = 'Ended', ended_at = p_recorded_at, end_reason = p_data->>'reason'
         WHERE call_id = v_call_id;
        DELETE FROM call_participants WHERE call_id = v_call_id;
        UPDATE call_connections SET state = 'disconnected' WHERE call_id = v_call_id;
        DELETE FROM call_recordings WHERE call_id = v_call_id;
    ELSE
        NULL;  -- media operations live in the call's stream only
    END CASE;
    UPDATE calls SET version = p_stream_version WHERE call_id = v_call_id AND p_event_type <> 'CallStarted';
END;
$$;

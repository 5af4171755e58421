-- Call Automation: server applications' connections to calls, recordings, held participants,
-- answered and failed phone legs (inline read models of the `call-*` streams); the durable timers
-- the telephony and media policies schedule; and outbox rows addressed to a callback URI.

ALTER TABLE call_participants ADD COLUMN on_hold boolean NOT NULL DEFAULT false;

CREATE TABLE call_connections (
    connection_id     text    PRIMARY KEY,
    call_id           text    NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
    callback_uri      text    NOT NULL,
    operation_context text,
    application       text    NOT NULL,  -- the application's identifier in the call
    state             text    NOT NULL,  -- 'connected' or 'disconnected'
    list_order        bigint  NOT NULL
);

CREATE INDEX call_connections_by_call ON call_connections (call_id, list_order);

-- Recordings not yet stopped (a stopped or ended one is gone, as ACS forgets it).
CREATE TABLE call_recordings (
    recording_id       text        PRIMARY KEY,
    call_id            text        NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
    state              text        NOT NULL,  -- 'active' or 'inactive'
    kind               text        NOT NULL,
    state_callback_uri text,
    started_at         timestamptz NOT NULL
);

CREATE INDEX call_recordings_by_call ON call_recordings (call_id);

CREATE OR REPLACE FUNCTION project_call(
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

-- What the telephony and media policies expect to happen later: a phone answering, a play ending,
-- a recognition timing out. Written in the same transaction as the policy's checkpoint; fired by
-- CallTimerService as a command on the call, then deleted (a timer fired twice is harmless: the
-- decider ignores a report about what is no longer pending).
CREATE TABLE call_timers (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    timer_key      text        NOT NULL UNIQUE,  -- the causing event and purpose: scheduling again adds nothing
    call_id        text        NOT NULL,
    due_at         timestamptz NOT NULL,
    progress       jsonb       NOT NULL,  -- the CallProgress to report
    actor          text        NOT NULL,
    correlation_id uuid        NOT NULL,
    causation_id   uuid        NOT NULL,
    attempts       integer     NOT NULL DEFAULT 0
);

CREATE INDEX call_timers_due ON call_timers (due_at);

-- Callbacks of a call connection are outbox rows addressed to its callback URI (subscription
-- `callback:<connection id>`), delivered in order per connection.
ALTER TABLE outbox ADD COLUMN destination text;
CREATE INDEX outbox_pending_by_subscription ON outbox (subscription, id) WHERE state = 'pending';

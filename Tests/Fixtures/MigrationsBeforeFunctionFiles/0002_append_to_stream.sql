-- Read models kept in step with the log inside the append transaction. Later migrations replace
-- this dispatcher as they add projections; each projection ignores the event types it does not use.
CREATE FUNCTION project_inline(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
END;
$$;

-- Appends events to one stream in one statement (one round trip): checks the expected version,
-- writes the events, updates the inline read models and stores the command's result for retries.
-- The caller runs it in autocommit, so all of it commits or none.
--
-- It sends no NOTIFY: a notifying transaction holds PostgreSQL's notify lock through its commit,
-- which serialises all appends (measured 5,700 -> 2,200 appends/s at 32 clients). The caller
-- notifies after commit instead (AppendNotifier).
--
-- p_expected_version: -1 = the stream must not exist, NULL = any, n = exactly n events so far.
-- A version mismatch raises SQLSTATE 'AT409'; a repeated request id raises unique_violation
-- on command_results_pkey.
CREATE FUNCTION append_to_stream(
    p_stream_id        text,
    p_expected_version bigint,
    p_event_ids        uuid[],
    p_event_types      text[],
    p_schema_versions  integer[],
    p_data             jsonb[],
    p_metadata         jsonb[],
    p_recorded_at      timestamptz,
    p_result           jsonb
) RETURNS TABLE (global_position bigint, stream_version bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_count   bigint := cardinality(p_event_ids);
    v_current bigint;
    v_event   record;
BEGIN
    IF p_expected_version IS NULL OR p_expected_version >= 0 THEN
        UPDATE streams SET version = streams.version + v_count
         WHERE streams.stream_id = p_stream_id
           AND (p_expected_version IS NULL OR streams.version = p_expected_version)
        RETURNING streams.version - v_count INTO v_current;
    END IF;
    IF v_current IS NULL THEN
        -- A new stream: right when it must not exist yet, or when any version will do.
        IF p_expected_version >= 0 THEN
            RAISE EXCEPTION 'stream % is not at version %', p_stream_id, p_expected_version USING ERRCODE = 'AT409';
        END IF;
        INSERT INTO streams (stream_id, version) VALUES (p_stream_id, v_count) ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'stream % already exists', p_stream_id USING ERRCODE = 'AT409';
        END IF;
        v_current := 0;
    END IF;

    FOR v_event IN
        INSERT INTO events AS e (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
        SELECT p_stream_id, v_current + n, id, type, version, payload, meta, p_recorded_at
          FROM unnest(p_event_ids, p_event_types, p_schema_versions, p_data, p_metadata)
               WITH ORDINALITY AS x (id, type, version, payload, meta, n)
        ORDER BY n
        RETURNING e.global_position, e.stream_version, e.event_type, e.data
    LOOP
        PERFORM project_inline(p_stream_id, v_event.stream_version, v_event.global_position,
                               v_event.event_type, v_event.data, p_recorded_at);
        global_position := v_event.global_position;
        stream_version := v_event.stream_version;
        RETURN NEXT;
    END LOOP;

    IF p_result IS NOT NULL THEN
        INSERT INTO command_results (request_id, first_sent, operation, status, headers, body)
        VALUES (p_result->>'requestId', (p_result->>'firstSent')::timestamptz, p_result->>'operation',
                (p_result->>'status')::integer, p_result->'headers', p_result->>'body');
    END IF;
END;
$$;

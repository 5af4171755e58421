-- Appends events to one stream: checks the expected version, writes the events, updates the
-- inline read models and stores the command's result for retries, all or nothing. append_batch
-- runs it for each item of a batch, in a savepoint of its own.
--
-- It sends no NOTIFY: a notifying transaction holds PostgreSQL's notify lock through its commit,
-- which serialises all appends (measured 5,700 -> 2,200 appends/s at 32 clients). The caller
-- notifies after commit instead (AppendNotifier).
--
-- p_expected_version as reserve_stream_versions takes it. A version mismatch raises SQLSTATE
-- 'AT409'; a repeated request id raises unique_violation on command_results_pkey.
CREATE OR REPLACE FUNCTION append_to_stream(
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
    v_current bigint := reserve_stream_versions(p_stream_id, p_expected_version, cardinality(p_event_ids));
    v_event   record;
BEGIN
    IF v_current IS NULL THEN
        IF p_expected_version >= 0 THEN
            RAISE EXCEPTION 'stream % is not at version %', p_stream_id, p_expected_version USING ERRCODE = 'AT409';
        END IF;
        RAISE EXCEPTION 'stream % already exists', p_stream_id USING ERRCODE = 'AT409';
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

    PERFORM store_command_result(p_result);
END;
$$;

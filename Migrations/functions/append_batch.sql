-- Group commit: the appends of several concurrent commands in one statement and one transaction.
--
-- Each item runs in its own savepoint, so whatever goes wrong with one item affects that item
-- only and is reported in `outcome`: 'appended' (one row per event), or one row of 'conflict'
-- (SQLSTATE AT409), 'duplicate' (command_results_pkey) or 'error' (anything else; `message`
-- carries the SQLSTATE and text for that caller's error). Events of item i are the
-- next p_event_counts[i] entries of the event arrays. p_expected_versions uses -2 for "any"
-- (SQL NULL cannot travel in these arrays) and p_results '' for "no stored result".
CREATE OR REPLACE FUNCTION append_batch(
    p_streams           text[],
    p_expected_versions bigint[],
    p_recorded_at       timestamptz[],
    p_results           text[],
    p_event_counts      integer[],
    p_event_ids         uuid[],
    p_event_types       text[],
    p_schema_versions   integer[],
    p_data              jsonb[],
    p_metadata          jsonb[]
) RETURNS TABLE (item integer, outcome text, global_position bigint, stream_version bigint, message text)
LANGUAGE plpgsql AS $$
DECLARE
    v_first      integer := 1;
    v_last       integer;
    v_constraint text;
    v_state      text;
    v_message    text;
    v_row        record;
BEGIN
    FOR i IN 1 .. cardinality(p_streams) LOOP
        v_last := v_first + p_event_counts[i] - 1;
        item := i;
        message := NULL;
        BEGIN
            FOR v_row IN
                SELECT * FROM append_to_stream(
                    p_streams[i], NULLIF(p_expected_versions[i], -2), p_event_ids[v_first:v_last],
                    p_event_types[v_first:v_last], p_schema_versions[v_first:v_last], p_data[v_first:v_last],
                    p_metadata[v_first:v_last], p_recorded_at[i], NULLIF(p_results[i], '')::jsonb)
            LOOP
                outcome := 'appended';
                global_position := v_row.global_position;
                stream_version := v_row.stream_version;
                RETURN NEXT;
            END LOOP;
        EXCEPTION
            WHEN SQLSTATE 'AT409' THEN
                outcome := 'conflict';
                global_position := NULL;
                stream_version := NULL;
                RETURN NEXT;
            WHEN unique_violation THEN
                GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME, v_state = RETURNED_SQLSTATE,
                                        v_message = MESSAGE_TEXT;
                outcome := CASE WHEN v_constraint = 'command_results_pkey' THEN 'duplicate' ELSE 'error' END;
                message := v_state || ': ' || v_message;
                global_position := NULL;
                stream_version := NULL;
                RETURN NEXT;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
                -- A deadlock or serialisation failure aborts the whole transaction: let it propagate.
                IF v_state IN ('40P01', '40001') THEN
                    RAISE;
                END IF;
                outcome := 'error';
                message := v_state || ': ' || v_message;
                global_position := NULL;
                stream_version := NULL;
                RETURN NEXT;
        END;
        v_first := v_last + 1;
    END LOOP;
END;
$$;

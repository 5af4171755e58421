-- Group commit without a savepoint per item: the common case of append_batch at a fraction of its
-- cost.
--
-- append_batch isolates each item in a savepoint (a subtransaction) and hands each its slice of
-- the event arrays through append_to_stream. Measured with Tools/bench, that made PostgreSQL's
-- share of a create-room cost more than a whole pgbench INSERT transaction. Here the expected
-- conflicts and repeated request ids are found by checking, not by catching, and all accepted
-- events go in with one INSERT.
--
-- Anything else (a projection refusing an event, a request id stored by a concurrent transaction
-- between the check and the insert) raises and aborts the whole statement, so nothing of the
-- batch is written; the caller then runs the same batch through append_batch, which isolates the
-- failing item. Same parameters and result rows as append_batch.
CREATE OR REPLACE FUNCTION append_batch_fast(
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
    v_first    integer := 1;
    v_count    integer;
    v_current  bigint;
    v_result   jsonb;
    -- One entry per accepted event: its item, its index in the event arrays, its stream version.
    v_items    integer[] := '{}';
    v_indexes  integer[] := '{}';
    v_versions bigint[] := '{}';
    v_row      record;
BEGIN
    message := NULL;
    FOR i IN 1 .. cardinality(p_streams) LOOP
        v_count := p_event_counts[i];
        v_result := NULLIF(p_results[i], '')::jsonb;
        item := i;

        IF v_result IS NOT NULL
           AND EXISTS (SELECT 1 FROM command_results WHERE request_id = v_result->>'requestId') THEN
            outcome := 'duplicate';
            v_current := NULL;
        ELSE
            v_current := reserve_stream_versions(p_streams[i], NULLIF(p_expected_versions[i], -2), v_count);
            outcome := CASE WHEN v_current IS NULL THEN 'conflict' END;
        END IF;

        IF v_current IS NOT NULL THEN
            IF v_result IS NOT NULL THEN  -- most commands store none: no call for them
                PERFORM store_command_result(v_result);
            END IF;
            FOR k IN 1 .. v_count LOOP
                v_items := v_items || i;
                v_indexes := v_indexes || (v_first + k - 1);
                v_versions := v_versions || (v_current + k);
            END LOOP;
        ELSE
            global_position := NULL;
            stream_version := NULL;
            RETURN NEXT;
        END IF;
        v_first := v_first + v_count;
    END LOOP;

    outcome := 'appended';
    FOR v_row IN
        WITH accepted AS (
            SELECT a.item, a.index, a.version, a.n FROM unnest(v_items, v_indexes, v_versions)
                   WITH ORDINALITY AS a (item, index, version, n)
        ), inserted AS (
            INSERT INTO events AS e (stream_id, stream_version, event_id, event_type, schema_version, data, metadata,
                                     recorded_at)
            SELECT p_streams[a.item], a.version, p_event_ids[a.index], p_event_types[a.index],
                   p_schema_versions[a.index], p_data[a.index], p_metadata[a.index], p_recorded_at[a.item]
              FROM accepted a
             ORDER BY a.n
            RETURNING e.global_position, e.stream_id, e.stream_version, e.event_type, e.data, e.recorded_at
        )
        SELECT a.item, i.* FROM inserted i JOIN accepted a ON a.version = i.stream_version
                                                          AND p_streams[a.item] = i.stream_id
         ORDER BY a.n
    LOOP
        PERFORM project_inline(v_row.stream_id, v_row.stream_version, v_row.global_position,
                               v_row.event_type, v_row.data, v_row.recorded_at);
        item := v_row.item;
        global_position := v_row.global_position;
        stream_version := v_row.stream_version;
        RETURN NEXT;
    END LOOP;
END;
$$;

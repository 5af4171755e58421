-- The inline read models kept in step with the log: the one dispatcher, by stream category, that
-- both the append (append_to_stream, append_batch_fast) and the rebuild (rebuild_apply_events)
-- run for every event. Each projection ignores the event types it does not use; an event of a
-- category with no inline read model is left alone.
--
-- A one-expression SQL function, so the planner inlines it into its caller's statement: the
-- dispatch costs no function call of its own (with plpgsql it cost about 4% of Tools/bench).
CREATE OR REPLACE FUNCTION project_inline(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE sql AS $$
    SELECT CASE stream_category(p_stream_id)
        WHEN 'room' THEN
            project_room(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at)
        WHEN 'identity' THEN
            project_identity(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at)
        WHEN 'call' THEN
            project_call(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at)
        WHEN 'subscription' THEN
            project_subscription(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data,
                                 p_recorded_at)
    END
$$;

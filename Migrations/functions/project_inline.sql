-- The inline read models kept in step with the log: the one dispatcher, by stream category, that
-- both the append (append_to_stream, append_batch_fast) and the rebuild (rebuild_apply_events)
-- run for every event. Each projection ignores the event types it does not use.
--
-- Rooms come first: most appended events are a room's.
CREATE OR REPLACE FUNCTION project_inline(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CASE stream_category(p_stream_id)
    WHEN 'room' THEN
        PERFORM project_room(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at);
    WHEN 'identity' THEN
        PERFORM project_identity(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data,
                                 p_recorded_at);
    WHEN 'call' THEN
        PERFORM project_call(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at);
    WHEN 'subscription' THEN
        PERFORM project_subscription(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data,
                                     p_recorded_at);
    ELSE
        NULL;  -- no inline read model
    END CASE;
END;
$$;

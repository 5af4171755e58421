-- The category of a stream: what comes before the first '-' of its id (`room-<id>` is a 'room'),
-- the aggregate whose events it holds. Inlined by the planner wherever it is used.
CREATE OR REPLACE FUNCTION stream_category(p_stream_id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT split_part(p_stream_id, '-', 1)
$$;

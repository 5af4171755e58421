-- The id of the entity a stream is about: what comes after the first '-' of its id (`room-<id>`
-- holds the events of room <id>; the id itself may contain '-').
CREATE OR REPLACE FUNCTION stream_entity_id(p_stream_id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substr(p_stream_id, strpos(p_stream_id, '-') + 1)
$$;

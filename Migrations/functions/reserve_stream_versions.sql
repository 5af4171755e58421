-- The optimistic concurrency check of every append: takes the next p_count versions of a stream
-- if it is where the caller expects, and returns the version it was at (0 for a new stream), or
-- NULL when it is not (the caller answers or raises a conflict).
--
-- One row per stream holds its version: the row lock serialises writers of a stream, and a stale
-- expected version is refused before any event row (or sequence value) is spent.
--
-- p_expected_version: -1 = the stream must not exist, NULL = any, n = exactly n events so far.
CREATE OR REPLACE FUNCTION reserve_stream_versions(
    p_stream_id text, p_expected_version bigint, p_count bigint
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_current bigint;
BEGIN
    IF p_expected_version IS NULL OR p_expected_version >= 0 THEN
        UPDATE streams SET version = streams.version + p_count
         WHERE streams.stream_id = p_stream_id
           AND (p_expected_version IS NULL OR streams.version = p_expected_version)
        RETURNING streams.version - p_count INTO v_current;
        IF v_current IS NOT NULL OR p_expected_version >= 0 THEN
            RETURN v_current;
        END IF;
    END IF;
    -- A new stream: right when it must not exist yet, or when any version will do.
    INSERT INTO streams (stream_id, version) VALUES (p_stream_id, p_count) ON CONFLICT DO NOTHING;
    RETURN CASE WHEN FOUND THEN 0 END;
END;
$$;

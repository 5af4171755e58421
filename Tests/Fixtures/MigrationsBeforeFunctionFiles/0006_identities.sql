-- Inline read model of identities: what user-token authentication checks on every request
-- (does the identity exist, and were its tokens revoked after a token was issued?).
-- Deleted identities keep their row, marked deleted: their tokens must keep failing, and an id
-- is never handed out twice.
CREATE TABLE identities (
    raw_id            text        PRIMARY KEY,
    created_at        timestamptz NOT NULL,
    tokens_revoked_at timestamptz NULL,  -- tokens issued at or before this instant are void
    deleted_at        timestamptz NULL,
    version           bigint      NOT NULL
);

CREATE FUNCTION project_identity(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_raw_id text := substr(p_stream_id, 10);  -- 'identity-<rawId>'
BEGIN
    CASE p_event_type
    WHEN 'IdentityCreated' THEN
        INSERT INTO identities (raw_id, created_at, version)
        VALUES (v_raw_id, (p_data->>'createdAt')::timestamptz, p_stream_version);
    WHEN 'AccessTokensRevoked' THEN
        UPDATE identities SET tokens_revoked_at = (p_data->>'revokedAt')::timestamptz, version = p_stream_version
         WHERE raw_id = v_raw_id;
    WHEN 'IdentityDeleted' THEN
        UPDATE identities SET deleted_at = (p_data->>'deletedAt')::timestamptz,
                              tokens_revoked_at = (p_data->>'deletedAt')::timestamptz,
                              version = p_stream_version
         WHERE raw_id = v_raw_id;
    ELSE
        -- AccessTokenIssued changes nothing a reader of this table needs.
        UPDATE identities SET version = p_stream_version WHERE raw_id = v_raw_id;
    END CASE;
END;
$$;

-- The inline projections by stream category: one branch per aggregate. A later migration adds
-- its aggregate by replacing this function with one more branch.
CREATE OR REPLACE FUNCTION project_inline(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_stream_id LIKE 'room-%' THEN
        PERFORM project_room(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at);
    ELSIF p_stream_id LIKE 'identity-%' THEN
        PERFORM project_identity(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data,
                                 p_recorded_at);
    END IF;
END;
$$;

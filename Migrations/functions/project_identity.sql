-- Identities (table `identities`): what user-token authentication checks on every request.
CREATE OR REPLACE FUNCTION project_identity(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_raw_id text := stream_entity_id(p_stream_id);
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

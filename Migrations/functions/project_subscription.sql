-- Event subscriptions (table `event_subscriptions`). A deleted subscription's outbox rows are
-- not a read model's business: the fan-out purges them (FanOut, in log order).
CREATE OR REPLACE FUNCTION project_subscription(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_name text := stream_entity_id(p_stream_id);
BEGIN
    CASE p_event_type
    WHEN 'SubscriptionCreated' THEN
        INSERT INTO event_subscriptions (name, definition, validation_code, created_at, updated_at,
                                         created_transaction_id, created_position, version)
        VALUES (v_name, p_data->'subscription', p_data->>'validationCode', p_recorded_at, p_recorded_at,
                pg_current_xact_id(), p_global_position, p_stream_version);
    WHEN 'SubscriptionUpdated' THEN
        UPDATE event_subscriptions
           SET definition = p_data->'subscription', updated_at = p_recorded_at, version = p_stream_version,
               validation_code = COALESCE(p_data->>'validationCode', validation_code),
               validated_at = CASE WHEN p_data->>'validationCode' IS NULL THEN validated_at END,
               validation_method = CASE WHEN p_data->>'validationCode' IS NULL THEN validation_method END
         WHERE name = v_name;
    WHEN 'SubscriptionValidated' THEN
        UPDATE event_subscriptions
           SET validation_code = NULL, validated_at = p_recorded_at, validation_method = p_data->>'method',
               version = p_stream_version
         WHERE name = v_name;
    WHEN 'SubscriptionDeleted' THEN
        DELETE FROM event_subscriptions WHERE name = v_name;
    ELSE
        NULL;
    END CASE;
END;
$$;

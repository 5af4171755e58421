-- Event subscriptions (inline read model of the `subscription-{name}` streams) and the outbox the
-- fan-out fills and the delivery workers drain.
CREATE TABLE event_subscriptions (
    name                   text        PRIMARY KEY,
    definition             jsonb       NOT NULL,  -- the EventSubscription the API accepted
    validation_code        text,                  -- the handshake's code; NULL once validated
    validated_at           timestamptz,
    validation_method      text,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    -- Where the subscription begins in the log: the fan-out applies it to later events only; a
    -- start position in the past is served by a backfill up to here.
    created_transaction_id xid8        NOT NULL,
    created_position       bigint      NOT NULL,
    version                bigint      NOT NULL
);

CREATE TABLE outbox (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription     text        NOT NULL,
    event_id         uuid        NOT NULL,  -- the published event's id, derived from the log event
    event_type       text        NOT NULL,
    subject          text        NOT NULL,
    payload          text        NOT NULL,  -- the event in the subscription's envelope (one array element)
    source_position  bigint      NOT NULL,  -- the log event's global position
    committed_at     timestamptz NOT NULL,  -- when the log event was recorded: TTL and latency count from here
    state            text        NOT NULL DEFAULT 'pending',  -- 'pending' or 'dead'; delivered rows are deleted
    due_at           timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 0,
    last_attempt_at  timestamptz,
    last_outcome     text,
    dead_reason      text,
    dead_at          timestamptz,
    redriven_at      timestamptz,           -- a redriven dead letter's time to live counts from here
    UNIQUE (subscription, event_id)  -- fan-out and backfill can never enqueue an event twice
);

CREATE INDEX outbox_due ON outbox (due_at) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (subscription, dead_at) WHERE state = 'dead';

CREATE FUNCTION project_subscription(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_name text := substr(p_stream_id, 14);  -- 'subscription-<name>'
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
        DELETE FROM outbox WHERE subscription = v_name;  -- nothing more is delivered to it
    ELSE
        NULL;
    END CASE;
END;
$$;

-- The dispatcher gains subscriptions.
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
    ELSIF p_stream_id LIKE 'call-%' THEN
        PERFORM project_call(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at);
    ELSIF p_stream_id LIKE 'subscription-%' THEN
        PERFORM project_subscription(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data,
                                     p_recorded_at);
    END IF;
END;
$$;

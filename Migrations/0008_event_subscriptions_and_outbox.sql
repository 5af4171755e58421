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

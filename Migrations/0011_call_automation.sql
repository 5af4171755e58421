-- Call Automation: server applications' connections to calls, recordings, held participants,
-- answered and failed phone legs (inline read models of the `call-*` streams); the durable timers
-- the telephony and media policies schedule; and outbox rows addressed to a callback URI.

ALTER TABLE call_participants ADD COLUMN on_hold boolean NOT NULL DEFAULT false;

CREATE TABLE call_connections (
    connection_id     text    PRIMARY KEY,
    call_id           text    NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
    callback_uri      text    NOT NULL,
    operation_context text,
    application       text    NOT NULL,  -- the application's identifier in the call
    state             text    NOT NULL,  -- 'connected' or 'disconnected'
    list_order        bigint  NOT NULL
);

CREATE INDEX call_connections_by_call ON call_connections (call_id, list_order);

-- Recordings not yet stopped (a stopped or ended one is gone, as ACS forgets it).
CREATE TABLE call_recordings (
    recording_id       text        PRIMARY KEY,
    call_id            text        NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
    state              text        NOT NULL,  -- 'active' or 'inactive'
    kind               text        NOT NULL,
    state_callback_uri text,
    started_at         timestamptz NOT NULL
);

CREATE INDEX call_recordings_by_call ON call_recordings (call_id);

-- What the telephony and media policies expect to happen later: a phone answering, a play ending,
-- a recognition timing out. Written in the same transaction as the policy's checkpoint; fired by
-- CallTimerService as a command on the call, then deleted (a timer fired twice is harmless: the
-- decider ignores a report about what is no longer pending).
CREATE TABLE call_timers (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    timer_key      text        NOT NULL UNIQUE,  -- the causing event and purpose: scheduling again adds nothing
    call_id        text        NOT NULL,
    due_at         timestamptz NOT NULL,
    progress       jsonb       NOT NULL,  -- the CallProgress to report
    actor          text        NOT NULL,
    correlation_id uuid        NOT NULL,
    causation_id   uuid        NOT NULL,
    attempts       integer     NOT NULL DEFAULT 0
);

CREATE INDEX call_timers_due ON call_timers (due_at);

-- Callbacks of a call connection are outbox rows addressed to its callback URI (subscription
-- `callback:<connection id>`), delivered in order per connection.
ALTER TABLE outbox ADD COLUMN destination text;
CREATE INDEX outbox_pending_by_subscription ON outbox (subscription, id) WHERE state = 'pending';

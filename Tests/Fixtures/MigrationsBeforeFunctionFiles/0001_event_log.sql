-- The event log: every fact Atrium knows, in commit-safe order.
--
-- global_position is handed out at insert and becomes visible at commit, out of order; readers of
-- the whole log therefore page by (transaction_id, global_position) below the oldest running
-- transaction (see read_all in AtriumStore), never by global_position alone.
CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    event_id        uuid        NOT NULL UNIQUE,
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL,
    data            jsonb       NOT NULL,
    metadata        jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL,
    UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_in_commit_order ON events (transaction_id, global_position);

-- One row per stream holding its current version: the row lock serialises writers of a stream,
-- and a stale expected version is refused before any event row (or sequence value) is spent.
CREATE TABLE streams (
    stream_id text   PRIMARY KEY,
    version   bigint NOT NULL
);

-- The first result of each repeatable request (Repeatability-Request-ID), replayed to retries.
CREATE TABLE command_results (
    request_id  text        PRIMARY KEY,
    first_sent  timestamptz NOT NULL,
    operation   text        NOT NULL,
    status      integer     NOT NULL,
    headers     jsonb       NOT NULL,
    body        text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Where each named consumer of the log has got to; advanced in the same transaction as its effects.
CREATE TABLE consumer_checkpoints (
    consumer        text        PRIMARY KEY,
    transaction_id  xid8        NOT NULL,
    global_position bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Where a rebuild or verify (run by `atrium rebuild`, in its own process) shows its progress, so
-- that every node's /metrics can report it: one row, written at most once a second.
CREATE TABLE rebuild_progress (
    id           integer     PRIMARY KEY CHECK (id = 1),
    kind         text        NOT NULL,  -- 'rebuild' or 'verify'
    projections  text        NOT NULL,
    phase        text        NOT NULL,
    events_done  bigint      NOT NULL,
    events_total bigint      NOT NULL,
    started_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    finished_at  timestamptz            -- NULL while it runs (or if its process died)
);

-- Inline read models of room calls: who is in each call and how. The call's history stays in the log.
CREATE TABLE calls (
    call_id     text        PRIMARY KEY,
    room_id     text        NOT NULL,
    state       text        NOT NULL,  -- 'Active' or 'Ended'
    started_at  timestamptz NOT NULL,
    started_by  text        NOT NULL,
    ended_at    timestamptz,
    end_reason  text,
    version     bigint      NOT NULL
);

CREATE INDEX calls_by_room ON calls (room_id, started_at);

CREATE TABLE call_participants (
    call_id        text    NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
    raw_id         text    NOT NULL,
    role           text,              -- NULL for a PSTN leg
    state          text    NOT NULL,  -- 'Connecting' or 'Connected'
    muted          boolean NOT NULL DEFAULT false,
    video_on       boolean NOT NULL DEFAULT false,
    screen_sharing boolean NOT NULL DEFAULT false,
    list_order     bigint  NOT NULL,  -- the event that brought them in
    PRIMARY KEY (call_id, raw_id)
);

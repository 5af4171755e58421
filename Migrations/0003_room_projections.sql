-- Inline read models of rooms: what the Rooms API serves. Deleted rooms leave them.
CREATE TABLE rooms (
    room_id               text        PRIMARY KEY,
    list_order            bigint      NOT NULL UNIQUE,  -- the RoomCreated event's global position
    created_at            timestamptz NOT NULL,
    valid_from            timestamptz NOT NULL,
    valid_until           timestamptz NOT NULL,
    pstn_dial_out_enabled boolean     NOT NULL,
    version               bigint      NOT NULL
);

CREATE TABLE room_participants (
    room_id    text   NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
    raw_id     text   NOT NULL,
    role       text   NOT NULL,
    list_order bigint NOT NULL,  -- the event that added them: lists keep insertion order
    PRIMARY KEY (room_id, raw_id)
);

CREATE INDEX room_participants_in_order ON room_participants (room_id, list_order);

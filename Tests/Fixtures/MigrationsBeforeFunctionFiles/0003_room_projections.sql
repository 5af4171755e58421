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

CREATE FUNCTION project_room(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_room_id text := substr(p_stream_id, 6);  -- 'room-<id>'
BEGIN
    CASE p_event_type
    WHEN 'RoomCreated' THEN
        INSERT INTO rooms (room_id, list_order, created_at, valid_from, valid_until, pstn_dial_out_enabled, version)
        VALUES (v_room_id, p_global_position, (p_data->>'createdAt')::timestamptz, (p_data->>'validFrom')::timestamptz,
                (p_data->>'validUntil')::timestamptz, (p_data->>'pstnDialOutEnabled')::boolean, p_stream_version);
    WHEN 'RoomUpdated' THEN
        UPDATE rooms SET valid_from = (p_data->>'validFrom')::timestamptz,
                         valid_until = (p_data->>'validUntil')::timestamptz,
                         pstn_dial_out_enabled = (p_data->>'pstnDialOutEnabled')::boolean,
                         version = p_stream_version
         WHERE room_id = v_room_id;
    WHEN 'RoomParticipantAdded' THEN
        INSERT INTO room_participants (room_id, raw_id, role, list_order)
        VALUES (v_room_id, p_data->>'rawId', p_data->>'role', p_global_position);
        UPDATE rooms SET version = p_stream_version WHERE room_id = v_room_id;
    WHEN 'RoomParticipantRoleChanged' THEN
        UPDATE room_participants SET role = p_data->>'role' WHERE room_id = v_room_id AND raw_id = p_data->>'rawId';
        UPDATE rooms SET version = p_stream_version WHERE room_id = v_room_id;
    WHEN 'RoomParticipantRemoved' THEN
        DELETE FROM room_participants WHERE room_id = v_room_id AND raw_id = p_data->>'rawId';
        UPDATE rooms SET version = p_stream_version WHERE room_id = v_room_id;
    WHEN 'RoomDeleted' THEN
        DELETE FROM rooms WHERE room_id = v_room_id;
    ELSE
        NULL;
    END CASE;
END;
$$;

CREATE OR REPLACE FUNCTION project_inline(
    p_stream_id text, p_stream_version bigint, p_global_position bigint,
    p_event_type text, p_data jsonb, p_recorded_at timestamptz
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_stream_id LIKE 'room-%' THEN
        PERFORM project_room(p_stream_id, p_stream_version, p_global_position, p_event_type, p_data, p_recorded_at);
    END IF;
END;
$$;

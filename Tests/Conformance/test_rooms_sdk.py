"""Rooms through the official SDK (azure-communication-rooms 1.2.0), unchanged."""

import base64
import os
import uuid
import urllib.parse
from datetime import timedelta

import pytest
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import (ClientAuthenticationError, HttpResponseError,
                                   ResourceNotFoundError)
from azure.communication.rooms import (CommunicationUserIdentifier, ParticipantRole,
                                       RoomParticipant, RoomsClient)

import acs_hmac
from acs_values import (MSG_IDENTIFIER, MSG_PAST, MSG_ROOM_ID, MSG_SPAN, ROOM_ID, assert_acs_error,
                        close, new_user, now, parse_ts, room_ids_listed, whole_seconds)


def participants_of(client, room_id):
    return [(p.communication_identifier.raw_id, p.role) for p in client.list_participants(room_id)]


def expect_http_error(status, func, *args, **kwargs):
    with pytest.raises(HttpResponseError) as info:
        func(*args, **kwargs)
    assert info.value.status_code == status, str(info.value)
    assert info.value.error is not None and info.value.error.code, "no ACS error code parsed"
    return info.value


# -- create / get ------------------------------------------------------------------------------

def test_create_with_defaults(client):
    before = now()
    room = client.create_room()
    after = now()
    assert ROOM_ID.match(room.id), room.id
    slack = timedelta(seconds=5)
    assert before - slack <= parse_ts(room.created_at) <= after + slack
    assert before - slack <= parse_ts(room.valid_from) <= after + slack
    span = parse_ts(room.valid_until) - parse_ts(room.valid_from)
    assert abs(span - timedelta(days=180)) <= timedelta(seconds=1), span
    assert room.pstn_dial_out_enabled is False


def test_create_with_explicit_values_and_get(client):
    valid_from = whole_seconds(now() + timedelta(days=1))
    valid_until = valid_from + timedelta(days=30)
    room = client.create_room(valid_from=valid_from, valid_until=valid_until,
                              pstn_dial_out_enabled=True)
    assert parse_ts(room.valid_from) == valid_from
    assert parse_ts(room.valid_until) == valid_until
    assert room.pstn_dial_out_enabled is True

    got = client.get_room(room.id)
    assert got.id == room.id
    assert parse_ts(got.created_at) == parse_ts(room.created_at)
    assert parse_ts(got.valid_from) == valid_from
    assert parse_ts(got.valid_until) == valid_until
    assert got.pstn_dial_out_enabled is True


def test_create_with_participants(client):
    alice, bob, carol = new_user(), new_user(), new_user()
    room = client.create_room(participants=[
        RoomParticipant(communication_identifier=alice, role=ParticipantRole.PRESENTER),
        RoomParticipant(communication_identifier=bob),
        RoomParticipant(communication_identifier=carol, role=ParticipantRole.CONSUMER),
    ])
    listed = client.list_participants(room.id)
    by_id = {p.communication_identifier.raw_id: p for p in listed}
    assert set(by_id) == {alice.raw_id, bob.raw_id, carol.raw_id}
    assert by_id[alice.raw_id].role == "Presenter"
    assert by_id[bob.raw_id].role == "Attendee"
    assert by_id[carol.raw_id].role == "Consumer"
    assert isinstance(by_id[alice.raw_id].communication_identifier, CommunicationUserIdentifier)


def test_participants_of_one_request_keep_its_order(client):
    users = [new_user() for _ in range(6)]
    room = client.create_room(participants=[RoomParticipant(communication_identifier=u) for u in users])
    assert [raw for raw, _ in participants_of(client, room.id)] == [u.raw_id for u in users]


# -- update ------------------------------------------------------------------------------------

def test_update_validity_and_pstn(client):
    room = client.create_room()
    valid_from = whole_seconds(now() + timedelta(hours=2))
    valid_until = valid_from + timedelta(days=10)
    updated = client.update_room(room_id=room.id, valid_from=valid_from, valid_until=valid_until,
                                 pstn_dial_out_enabled=True)
    assert updated.id == room.id
    assert parse_ts(updated.created_at) == parse_ts(room.created_at)
    assert parse_ts(updated.valid_from) == valid_from
    assert parse_ts(updated.valid_until) == valid_until
    assert updated.pstn_dial_out_enabled is True
    got = client.get_room(room.id)
    assert (parse_ts(got.valid_from), parse_ts(got.valid_until), got.pstn_dial_out_enabled) == (
        valid_from, valid_until, True)


def test_update_of_one_field_keeps_the_others(client):
    valid_from = whole_seconds(now() + timedelta(days=1))
    valid_until = valid_from + timedelta(days=20)
    room = client.create_room(valid_from=valid_from, valid_until=valid_until,
                              pstn_dial_out_enabled=True)
    # The SDK sends validFrom/validUntil as null here: null means "unchanged".
    updated = client.update_room(room_id=room.id, pstn_dial_out_enabled=False)
    assert updated.pstn_dial_out_enabled is False
    assert parse_ts(updated.valid_from) == valid_from
    assert parse_ts(updated.valid_until) == valid_until

    new_until = valid_until + timedelta(days=5)
    updated = client.update_room(room_id=room.id, valid_until=new_until)
    assert parse_ts(updated.valid_until) == new_until
    assert parse_ts(updated.valid_from) == valid_from
    assert updated.pstn_dial_out_enabled is False
    got = client.get_room(room.id)
    assert (parse_ts(got.valid_from), parse_ts(got.valid_until), got.pstn_dial_out_enabled) == (
        valid_from, new_until, False)


# -- list --------------------------------------------------------------------------------------

def test_list_rooms_spans_more_than_one_page(client, atrium):
    created = {client.create_room().id for _ in range(105)}
    listed = [room.id for room in client.list_rooms()]  # the SDK follows nextLink itself
    assert len(listed) == len(set(listed)), "a room was listed twice"
    assert created <= set(listed), f"{len(created - set(listed))} created rooms not listed"
    assert len(listed) > 100

    first = atrium.signed_request("GET", "/rooms?api-version=2025-03-13")
    assert first.status_code == 200
    page = first.json()
    assert 0 < len(page["value"]) <= 100
    next_link = urllib.parse.urlsplit(page["nextLink"])
    assert next_link.scheme == "http" and next_link.netloc == f"127.0.0.1:{atrium.port}", page["nextLink"]
    assert set(room_ids_listed(atrium.signed_request)) >= created


# -- delete ------------------------------------------------------------------------------------

def test_delete_then_get_is_404_and_delete_again_is_fine(client):
    room = client.create_room(participants=[RoomParticipant(communication_identifier=new_user())])
    client.delete_room(room.id)
    with pytest.raises(ResourceNotFoundError) as info:
        client.get_room(room.id)
    assert info.value.status_code == 404
    client.delete_room(room.id)  # 204 again
    expect_http_error(404, client.update_room, room_id=room.id, pstn_dial_out_enabled=True)
    expect_http_error(404, lambda: list(client.list_participants(room.id)))
    assert room.id not in {r.id for r in client.list_rooms()}


# -- participants ------------------------------------------------------------------------------

def test_participant_upsert_list_overwrite_and_remove(client):
    room = client.create_room()
    assert participants_of(client, room.id) == []
    u1, u2, u3 = new_user(), new_user(), new_user()
    client.add_or_update_participants(room_id=room.id, participants=[
        RoomParticipant(communication_identifier=u1)])
    client.add_or_update_participants(room_id=room.id, participants=[
        RoomParticipant(communication_identifier=u2, role=ParticipantRole.CONSUMER)])
    client.add_or_update_participants(room_id=room.id, participants=[
        RoomParticipant(communication_identifier=u3, role=ParticipantRole.PRESENTER)])
    assert participants_of(client, room.id) == [
        (u1.raw_id, "Attendee"), (u2.raw_id, "Consumer"), (u3.raw_id, "Presenter")]

    # Upsert overwrites the role; the member keeps its place in the list.
    client.add_or_update_participants(room_id=room.id, participants=[
        RoomParticipant(communication_identifier=u1, role=ParticipantRole.PRESENTER)])
    assert participants_of(client, room.id) == [
        (u1.raw_id, "Presenter"), (u2.raw_id, "Consumer"), (u3.raw_id, "Presenter")]

    # Removing a non-member alongside a member is fine.
    client.remove_participants(room_id=room.id, participants=[u2, new_user()])
    assert participants_of(client, room.id) == [(u1.raw_id, "Presenter"), (u3.raw_id, "Presenter")]
    client.remove_participants(room_id=room.id, participants=[
        RoomParticipant(communication_identifier=u3)])
    assert participants_of(client, room.id) == [(u1.raw_id, "Presenter")]
    client.remove_participants(room_id=room.id, participants=[new_user()])
    assert participants_of(client, room.id) == [(u1.raw_id, "Presenter")]


def test_collaborator_role_at_default_api_version(client):
    room = client.create_room()
    user = new_user()
    client.add_or_update_participants(room_id=room.id, participants=[
        RoomParticipant(communication_identifier=user, role=ParticipantRole.COLLABORATOR)])
    assert participants_of(client, room.id) == [(user.raw_id, "Collaborator")]


def test_collaborator_role_rejected_before_2025_03_13(atrium, client):
    room = client.create_room()
    with RoomsClient(atrium.base_url, AzureKeyCredential(atrium.key), api_version="2024-04-15") as old:
        expect_http_error(400, old.add_or_update_participants, room_id=room.id, participants=[
            RoomParticipant(communication_identifier=new_user(), role=ParticipantRole.COLLABORATOR)])
        user = new_user()
        old.add_or_update_participants(room_id=room.id, participants=[
            RoomParticipant(communication_identifier=user, role=ParticipantRole.PRESENTER)])
    assert participants_of(client, room.id) == [(user.raw_id, "Presenter")]


# -- documented errors -------------------------------------------------------------------------

def test_span_over_180_days_is_rejected(client, atrium):
    start = whole_seconds(now() + timedelta(hours=1))
    err = expect_http_error(400, client.create_room, valid_from=start,
                            valid_until=start + timedelta(days=181))
    assert MSG_SPAN in str(err)

    body = {"validFrom": start.isoformat(), "validUntil": (start + timedelta(days=181)).isoformat()}
    resp = atrium.signed_request("POST", "/rooms?api-version=2025-03-13", body)
    error = assert_acs_error(resp, 400, MSG_SPAN)
    assert error["details"][0]["target"] == "ValidUntil", error

    room = client.create_room(valid_from=start, valid_until=start + timedelta(days=10))
    err = expect_http_error(400, client.update_room, room_id=room.id,
                            valid_until=start + timedelta(days=181))
    assert MSG_SPAN in str(err)
    assert parse_ts(client.get_room(room.id).valid_until) == start + timedelta(days=10)


def test_valid_until_in_the_past_is_rejected(client):
    err = expect_http_error(400, client.create_room, valid_from=now() - timedelta(days=2),
                            valid_until=now() - timedelta(days=1))
    assert MSG_PAST in str(err)


@pytest.mark.parametrize("bad_id", ["abc", "123"])
def test_malformed_room_id(client, bad_id):
    err = expect_http_error(400, client.get_room, bad_id)
    assert MSG_ROOM_ID in str(err)
    err = expect_http_error(400, client.update_room, room_id=bad_id, pstn_dial_out_enabled=True)
    assert MSG_ROOM_ID in str(err)
    err = expect_http_error(400, client.delete_room, bad_id)
    assert MSG_ROOM_ID in str(err)


def test_unknown_room_is_404(client):
    never_created = "9" + "".join(str(uuid.uuid4().int)[:16])
    assert ROOM_ID.match(never_created)
    with pytest.raises(ResourceNotFoundError):
        client.get_room(never_created)
    expect_http_error(404, client.update_room, room_id=never_created, pstn_dial_out_enabled=True)
    expect_http_error(404, lambda: list(client.list_participants(never_created)))
    expect_http_error(404, client.add_or_update_participants, room_id=never_created,
                      participants=[RoomParticipant(communication_identifier=new_user())])


def test_bad_identifier_is_rejected(client, atrium):
    room = client.create_room()
    err = expect_http_error(400, client.add_or_update_participants, room_id=room.id, participants=[
        RoomParticipant(communication_identifier=CommunicationUserIdentifier("not-an-id"))])
    assert MSG_IDENTIFIER in str(err)
    resp = atrium.signed_request("PATCH", f"/rooms/{room.id}/participants?api-version=2025-03-13",
                                 {"participants": {"x:y": {"role": "Attendee"}}},
                                 {"Content-Type": "application/merge-patch+json"})
    assert_acs_error(resp, 400, MSG_IDENTIFIER)
    err = expect_http_error(400, client.create_room, participants=[
        RoomParticipant(communication_identifier=CommunicationUserIdentifier("not-an-id"))])
    assert MSG_IDENTIFIER in str(err)
    assert participants_of(client, room.id) == []


def test_bad_role_is_rejected(client):
    room = client.create_room()
    expect_http_error(400, client.add_or_update_participants, room_id=room.id, participants=[
        RoomParticipant(communication_identifier=new_user(), role="Boss")])
    expect_http_error(400, client.create_room, participants=[
        RoomParticipant(communication_identifier=new_user(), role="Boss")])
    assert participants_of(client, room.id) == []


def test_wrong_key_is_401(atrium):
    wrong = base64.b64encode(os.urandom(32)).decode()
    with RoomsClient(atrium.base_url, AzureKeyCredential(wrong)) as bad:
        with pytest.raises(ClientAuthenticationError) as info:
            bad.create_room()
        assert info.value.status_code == 401
        with pytest.raises(ClientAuthenticationError):
            bad.get_room("12345678901234567")


# -- repeatability -----------------------------------------------------------------------------

def test_repeated_create_returns_the_first_result(atrium):
    before = len(room_ids_listed(atrium.signed_request))
    headers = {"Repeatability-Request-ID": str(uuid.uuid4()),
               "Repeatability-First-Sent": acs_hmac.rfc1123()}
    body = {"validFrom": None, "validUntil": None, "pstnDialOutEnabled": True,
            "participants": {new_user().raw_id: {"role": "Presenter"}}}
    first = atrium.signed_request("POST", "/rooms?api-version=2025-03-13", body, headers)
    assert first.status_code == 201, first.text
    room = first.json()
    assert ROOM_ID.match(room["id"])

    for _ in range(2):
        again = atrium.signed_request("POST", "/rooms?api-version=2025-03-13", body, headers)
        assert again.status_code == 201, again.text
        assert again.headers.get("Repeatability-Result") == "accepted"
        assert again.json()["id"] == room["id"]
        assert close(again.json()["createdAt"], room["createdAt"], 0.001)

    assert len(room_ids_listed(atrium.signed_request)) == before + 1

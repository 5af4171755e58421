"""A room call end to end: real identities and tokens (azure-communication-identity), a room made
with the Rooms SDK, and the client calling API (`/client/rooms/{id}/call/...`) driven over HTTP
with each user's bearer token, while a live feed (server-sent events) is read alongside.
"""

import json
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.core.credentials import AzureKeyCredential
from azure.communication.identity import CommunicationIdentityClient, CommunicationTokenScope
from azure.communication.rooms import (CommunicationUserIdentifier, ParticipantRole, RoomParticipant,
                                       RoomsClient)


@pytest.fixture(scope="module")
def identities(atrium):
    # The sync client of azure-communication-identity 1.5.0 is not a context manager (SDK-NOTES.md).
    return CommunicationIdentityClient(atrium.base_url, AzureKeyCredential(atrium.key))


def new_member(identities):
    user, token = identities.create_user_and_token(scopes=[CommunicationTokenScope.VOIP])
    return user, token.token


def call(atrium, method, room_id, path, token, body=None):
    url = f"{atrium.base_url}/client/rooms/{room_id}/call{path}"
    return requests.request(method, url, headers={"Authorization": f"Bearer {token}"},
                            json=body, timeout=10)


def error_code(response):
    return response.json()["error"]


def participants(state):
    return {p["identifier"]["rawId"]: p for p in state["participants"]}


class Feed:
    """Reads a call's server-sent events on a thread until CallEnded (or the timeout)."""

    def __init__(self, atrium, room_id, token):
        self.events = []
        self.opened = threading.Event()
        url = f"{atrium.base_url}/client/rooms/{room_id}/call/events"
        self.thread = threading.Thread(target=self._read, args=(url, token), daemon=True)
        self.thread.start()
        assert self.opened.wait(10), "the feed did not open"

    def _read(self, url, token):
        with requests.get(url, headers={"Authorization": f"Bearer {token}"}, stream=True,
                          timeout=30) as response:
            assert response.status_code == 200, response.text
            assert response.headers["Content-Type"].startswith("text/event-stream")
            self.opened.set()
            for line in response.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    event = json.loads(line[len("data: "):])
                    self.events.append(event)
                    if event["type"] == "CallEnded":
                        return

    def wait_ended(self, timeout=20):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"no CallEnded in the feed: {[e['type'] for e in self.events]}"


def test_a_room_call_from_join_to_room_deletion(atrium, client, identities):
    presenter, p_token = new_member(identities)
    attendee, a_token = new_member(identities)
    consumer, c_token = new_member(identities)
    _, stranger_token = new_member(identities)
    now = datetime.now(timezone.utc)
    room = client.create_room(
        valid_from=now - timedelta(minutes=1), valid_until=now + timedelta(hours=1),
        participants=[RoomParticipant(communication_identifier=presenter, role=ParticipantRole.PRESENTER),
                      RoomParticipant(communication_identifier=attendee, role=ParticipantRole.ATTENDEE),
                      RoomParticipant(communication_identifier=consumer, role=ParticipantRole.CONSUMER)])

    # The first to join starts the call; the others join the same one.
    first = call(atrium, "POST", room.id, "/join", p_token)
    assert first.status_code == 200, first.text
    call_id = first.json()["callId"]
    assert first.json()["state"] == "Active"
    feed = Feed(atrium, room.id, a_token)
    for token in (a_token, c_token):
        joined = call(atrium, "POST", room.id, "/join", token)
        assert joined.status_code == 200, joined.text
        assert joined.json()["callId"] == call_id
    state = call(atrium, "GET", room.id, "", a_token).json()
    assert participants(state)[presenter.raw_id]["role"] == "Presenter"
    assert participants(state)[consumer.raw_id]["role"] == "Consumer"

    # The Consumer can neither unmute nor turn video on.
    refused = call(atrium, "POST", room.id, "/microphone", c_token, {"muted": False})
    assert refused.status_code == 403 and error_code(refused)["target"] == "UnmuteMicrophone"
    refused = call(atrium, "POST", room.id, "/video", c_token, {"on": True})
    assert refused.status_code == 403 and error_code(refused)["target"] == "TurnVideoOn"

    # The Attendee can neither mute others nor share the screen.
    target = urllib.parse.quote(presenter.raw_id, safe="")
    refused = call(atrium, "POST", room.id, f"/participants/{target}/mute", a_token)
    assert refused.status_code == 403 and error_code(refused)["target"] == "MuteOthers"
    refused = call(atrium, "POST", room.id, "/screenShare", a_token, {"on": True})
    assert refused.status_code == 403 and error_code(refused)["target"] == "ShareScreen"
    assert refused.headers["x-ms-error-code"] == "Forbidden"

    # The Presenter mutes the Attendee and removes the Consumer.
    attendee_path = urllib.parse.quote(attendee.raw_id, safe="")
    muted = call(atrium, "POST", room.id, f"/participants/{attendee_path}/mute", p_token)
    assert muted.status_code == 200, muted.text
    assert participants(muted.json())[attendee.raw_id]["isMuted"] is True
    consumer_path = urllib.parse.quote(consumer.raw_id, safe="")
    removed = call(atrium, "DELETE", room.id, f"/participants/{consumer_path}", p_token)
    assert removed.status_code == 200, removed.text
    assert consumer.raw_id not in participants(removed.json())

    # Someone off the roster is refused; so is an unauthenticated caller.
    assert call(atrium, "POST", room.id, "/join", stranger_token).status_code == 403
    assert call(atrium, "POST", room.id, "/join", "not-a-token").status_code == 401

    # The Attendee unmutes herself; the Presenter is made an Attendee mid-call, and her next
    # mute-other is refused at once.
    assert call(atrium, "POST", room.id, "/microphone", a_token, {"muted": False}).status_code == 200
    client.add_or_update_participants(
        room_id=room.id,
        participants=[RoomParticipant(communication_identifier=presenter, role=ParticipantRole.ATTENDEE)])
    refused = call(atrium, "POST", room.id, f"/participants/{attendee_path}/mute", p_token)
    assert refused.status_code == 403 and error_code(refused)["target"] == "MuteOthers"

    # Deleting the room ends the call (a policy on the log), and the feed says so.
    client.delete_room(room_id=room.id)
    feed.wait_ended()
    types = [e["type"] for e in feed.events]
    versions = [e["version"] for e in feed.events]
    assert versions == sorted(versions) and len(set(versions)) == len(versions), "feed out of order"
    for expected in ("CallParticipantJoined", "CallParticipantMuted", "CallParticipantRemoved",
                     "CallParticipantUnmuted", "CallParticipantRoleChanged", "CallEnded"):
        assert expected in types, f"{expected} missing from the feed: {types}"
    role_changed = next(e for e in feed.events if e["type"] == "CallParticipantRoleChanged")
    assert role_changed["actor"] == "policy:room-calls" and role_changed["causationId"]
    assert role_changed["data"]["role"] == "Attendee"
    ended = feed.events[-1]
    assert ended["type"] == "CallEnded" and ended["data"]["reason"] == "RoomDeleted"
    assert ended["actor"] == "policy:room-calls" and ended["causationId"]
    mute = next(e for e in feed.events if e["type"] == "CallParticipantMuted")
    assert mute["actor"] == presenter.raw_id and mute["data"]["rawId"] == attendee.raw_id
    assert call(atrium, "GET", room.id, "", a_token).status_code == 404


def test_joining_outside_the_validity_window_is_refused(atrium, client, identities):
    member, token = new_member(identities)
    now = datetime.now(timezone.utc)
    later = client.create_room(
        valid_from=now + timedelta(hours=1), valid_until=now + timedelta(hours=2),
        participants=[RoomParticipant(communication_identifier=member, role=ParticipantRole.PRESENTER)])
    refused = call(atrium, "POST", later.id, "/join", token)
    assert refused.status_code == 403 and "not open yet" in error_code(refused)["message"]

    # A call running when validUntil passes is ended by the expiry policy; joining after is refused.
    short = client.create_room(
        valid_from=now - timedelta(minutes=1), valid_until=now + timedelta(seconds=4),
        participants=[RoomParticipant(communication_identifier=member, role=ParticipantRole.PRESENTER)])
    assert call(atrium, "POST", short.id, "/join", token).status_code == 200
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and call(atrium, "GET", short.id, "", token).status_code == 200:
        time.sleep(0.25)
    assert call(atrium, "GET", short.id, "", token).status_code == 404, "the call outlived its room"
    refused = call(atrium, "POST", short.id, "/join", token)
    assert refused.status_code == 403 and "no longer valid" in error_code(refused)["message"]

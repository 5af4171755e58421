"""Helpers for the publishing tests: event subscriptions over signed HTTP, a room call driven
through the client calling API, the Standard Webhooks signature, and the `atrium outbox` CLI.
"""

import base64
import contextlib
import hashlib
import hmac
import json
import os
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone

import requests
from azure.communication.identity import CommunicationTokenScope
from azure.communication.rooms import ParticipantRole, RoomParticipant

API_VERSION = "2025-06-01"
EVENT_GRID = "EventGridSchema"
CLOUD_EVENTS = "CloudEventSchemaV1_0"

CALL_STARTED = "Microsoft.Communication.CallStarted"
CALL_ENDED = "Microsoft.Communication.CallEnded"
PARTICIPANT_ADDED = "Microsoft.Communication.CallParticipantAdded"
PARTICIPANT_REMOVED = "Microsoft.Communication.CallParticipantRemoved"
ROOM_CREATED = "Atrium.Rooms.RoomCreated"
ROOM_UPDATED = "Atrium.Rooms.RoomUpdated"
ROOM_DELETED = "Atrium.Rooms.RoomDeleted"
ROSTER_CHANGED = "Atrium.Rooms.RosterChanged"

HANDSHAKE_TIMEOUT = 30
DELIVERY_TIMEOUT = 60


# -- subscriptions ------------------------------------------------------------------------------

def new_name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def new_secret():
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def subscription_body(endpoint, schema=EVENT_GRID, *, room_id=None, room_key="data.room.id",
                      types=None, secret=None, start="Now", advanced_filters=None,
                      subject_begins="", subject_ends="", max_attempts=30, ttl=1440,
                      dead_letter=True, max_events=1):
    filters = list(advanced_filters or [])
    if room_id is not None:
        ids = room_id if isinstance(room_id, list) else [room_id]
        filters.append({"operatorType": "StringIn", "key": room_key, "values": ids})
    properties = {
        "destination": {"endpointType": "WebHook",
                        "properties": {"endpointUrl": endpoint, "maxEventsPerBatch": max_events,
                                       "preferredBatchSizeInKilobytes": 64}},
        "filter": {"includedEventTypes": types, "subjectBeginsWith": subject_begins,
                   "subjectEndsWith": subject_ends, "isSubjectCaseSensitive": False,
                   "advancedFilters": filters},
        "eventDeliverySchema": schema,
        "retryPolicy": {"maxDeliveryAttempts": max_attempts, "eventTimeToLiveInMinutes": ttl},
        "deadLetterEnabled": dead_letter,
        "startPosition": {"type": start},
    }
    if types is None:
        del properties["filter"]["includedEventTypes"]
    if secret is not None:
        properties["signingSecret"] = secret
    return {"properties": properties}


def subscription_path(name):
    return f"/eventSubscriptions/{name}?api-version={API_VERSION}"


def put_subscription(atrium, name, body):
    resp = atrium.signed_request("PUT", subscription_path(name), body)
    assert resp.status_code in (200, 201), (
        f"PUT subscription {name}: expected 201, got {resp.status_code}: {resp.text[:500]}")
    assert resp.status_code == 201, f"a new subscription is 201 Created, got {resp.status_code}"
    return resp.json()


def get_subscription(atrium, name):
    return atrium.signed_request("GET", subscription_path(name))


def delete_subscription(atrium, name):
    return atrium.signed_request("DELETE", subscription_path(name))


def provisioning_state(atrium, name):
    resp = get_subscription(atrium, name)
    assert resp.status_code == 200, f"GET subscription {name}: {resp.status_code} {resp.text[:300]}"
    return resp.json().get("properties", {}).get("provisioningState")


def wait_provisioned(atrium, name, timeout=HANDSHAKE_TIMEOUT, receiver=None):
    deadline, state = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        state = provisioning_state(atrium, name)
        if state == "Succeeded":
            return
        time.sleep(0.2)
    extra = ("\nreceiver:\n" + receiver.summary()) if receiver is not None else ""
    raise AssertionError(f"subscription {name} not Succeeded after {timeout} s "
                         f"(provisioningState {state!r}){extra}")


@contextlib.contextmanager
def subscribed(atrium, receiver, name=None, *, wait=True, **kw):
    """Create a subscription to `receiver`, wait for its handshake, delete it afterwards."""
    name = name or new_name("conf")
    put_subscription(atrium, name, subscription_body(receiver.url, **kw))
    try:
        if wait:
            wait_provisioned(atrium, name, receiver=receiver)
        yield name
    finally:
        if atrium.process is not None and atrium.process.poll() is None:
            delete_subscription(atrium, name)


# -- a room call --------------------------------------------------------------------------------

def new_member(identities):
    user, token = identities.create_user_and_token(scopes=[CommunicationTokenScope.VOIP])
    return user, token.token


def create_room(client, members):
    """`members`: [(user, ParticipantRole)]; valid from a minute ago for an hour."""
    now = datetime.now(timezone.utc)
    return client.create_room(
        valid_from=now - timedelta(minutes=1), valid_until=now + timedelta(hours=1),
        participants=[RoomParticipant(communication_identifier=u, role=r) for u, r in members])


def call_action(atrium, room_id, action, token):
    resp = requests.post(f"{atrium.base_url}/client/rooms/{room_id}/call/{action}",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert resp.status_code == 200, f"{action}: {resp.status_code} {resp.text[:300]}"
    return resp.json() if resp.content else {}


class RoomCall:
    """A room with a Presenter and an Attendee: both join, the Attendee leaves, then the Presenter
    (the last out ends the call). Six published call events, in this order."""

    def __init__(self, atrium, client, identities):
        self.atrium = atrium
        self.presenter, self.p_token = new_member(identities)
        self.attendee, self.a_token = new_member(identities)
        self.room = create_room(client, [(self.presenter, ParticipantRole.PRESENTER),
                                         (self.attendee, ParticipantRole.ATTENDEE)])
        self.call_id = None

    def run(self):
        joined = call_action(self.atrium, self.room.id, "join", self.p_token)
        self.call_id = joined.get("callId")
        again = call_action(self.atrium, self.room.id, "join", self.a_token)
        assert again.get("callId") == self.call_id
        call_action(self.atrium, self.room.id, "leave", self.a_token)
        call_action(self.atrium, self.room.id, "leave", self.p_token)
        return self

    def expected(self):
        """[(type, subject, rawId of the participant or None)] in the order they happened."""
        c, p, a = self.call_id, self.presenter.raw_id, self.attendee.raw_id
        return [
            (CALL_STARTED, f"call/{c}/startedBy/{p}", p),
            (PARTICIPANT_ADDED, f"call/{c}/participant/{p}", p),
            (PARTICIPANT_ADDED, f"call/{c}/participant/{a}", a),
            (PARTICIPANT_REMOVED, f"call/{c}/participant/{a}", a),
            (PARTICIPANT_REMOVED, f"call/{c}/participant/{p}", p),
            (CALL_ENDED, f"call/{c}", None),
        ]

    def role_of(self, raw_id):
        return {self.presenter.raw_id: "Presenter", self.attendee.raw_id: "Attendee"}[raw_id]


# -- envelopes ----------------------------------------------------------------------------------

def event_type(event):
    return event.get("eventType") or event.get("type")


def event_time(event):
    return event.get("eventTime") or event.get("time")


def summarize(events):
    return [(event_type(e), e.get("subject")) for e in events]


# -- Standard Webhooks signature ----------------------------------------------------------------

def expected_signature(secret, msg_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verify_signature(secret, received, tolerance=300):
    """Standard Webhooks: `webhook-signature` holds space-separated `v1,<base64>`; one must match
    HMAC-SHA256(base64decode(secret), "{webhook-id}.{webhook-timestamp}.{body}")."""
    msg_id = received.header("webhook-id")
    timestamp = received.header("webhook-timestamp")
    signatures = received.header("webhook-signature")
    assert msg_id and timestamp and signatures, (
        f"signature headers missing: webhook-id={msg_id!r} webhook-timestamp={timestamp!r} "
        f"webhook-signature={signatures!r}")
    assert timestamp.isdigit(), f"webhook-timestamp is not unix seconds: {timestamp!r}"
    assert abs(int(timestamp) - received.wall) <= tolerance, (
        f"webhook-timestamp {timestamp} is {int(timestamp) - received.wall:.0f} s off the arrival time")
    want = expected_signature(secret, msg_id, timestamp, received.body)
    offered = [s.split(",", 1) for s in signatures.split()]
    assert all(len(s) == 2 for s in offered), f"malformed webhook-signature {signatures!r}"
    assert ["v1", want] in [[v, sig] for v, sig in offered], (
        f"no v1 signature matches: got {signatures!r}, expected v1,{want}")


# -- the outbox CLI ----------------------------------------------------------------------------

def outbox_cli(atrium, *args, timeout=60):
    """Run `atrium outbox ARGS --data-dir D` beside the running server; returns CompletedProcess."""
    argv = [str(atrium.binary), "outbox", *args, "--data-dir", str(atrium.data_dir)]
    env = dict(os.environ, ATRIUM_ACCESS_KEY=atrium.key)
    done = subprocess.run(argv, env=env, cwd=atrium.data_dir, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, (f"{' '.join(argv[1:])} exited {done.returncode}\n"
                                  f"stdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-2000:]}")
    return done


def outbox_entries(atrium, *args):
    """`atrium outbox list --json ARGS`: one JSON object per line (a line holding an array is
    taken as a list of entries); other lines (logs) are skipped."""
    done = outbox_cli(atrium, "list", "--json", *args)
    entries = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if not line or line[0] not in "[{":
            continue
        try:
            parsed = json.loads(line)
        except ValueError:
            raise AssertionError(f"`outbox list --json` printed a line that is not JSON: {line[:500]!r}")
        entries.extend(parsed if isinstance(parsed, list) else [parsed])
    assert all(isinstance(e, dict) for e in entries), f"unexpected `outbox list --json` output: {done.stdout[:500]}"
    return entries


def entry_event_id(entry):
    for key in ("eventId", "event_id", "eventID"):
        if key in entry:
            return str(entry[key]).lower()
    return None


def entry_reason(entry):
    for key in ("deadReason", "dead_reason", "reason", "lastOutcome", "last_outcome"):
        if entry.get(key):
            return str(entry[key])
    return None

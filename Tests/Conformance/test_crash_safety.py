"""kill -9 in the middle of a write stream, restart on the same data dir, then check that nothing
acknowledged was lost and that retries (same Repeatability headers) apply exactly once.

These tests kill and restart the shared server; conftest runs them after all other tests.
"""

import json
import threading
import time
import uuid

import pytest
import requests

import acs_hmac
from acs_values import synthetic_user, path_and_query, room_ids_listed

STREAM_SECONDS = 2.0
ROOMS = "/rooms?api-version=2025-03-13"
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(autouse=True)
def running(atrium):
    """If an earlier crash test failed between kill and restart, bring the server back first."""
    if atrium.process.poll() is not None:
        atrium.start()


def stream_then_kill(atrium, threads, one_attempt, whole_tree=True):
    """Run `one_attempt(session, n)` in a loop on `threads` threads, SIGKILL the server after
    STREAM_SECONDS, and return every attempt record (dicts) once all threads are done."""
    stop, lock, attempts = threading.Event(), threading.Lock(), []

    def worker(n):
        with requests.Session() as session:
            while not stop.is_set():
                attempt = one_attempt(session, n)
                with lock:
                    attempts.append(attempt)

    workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
    for w in workers:
        w.start()
    time.sleep(STREAM_SECONDS)
    atrium.kill9(whole_tree=whole_tree)
    stop.set()
    for w in workers:
        w.join(timeout=60)
    assert not any(w.is_alive() for w in workers), "request threads hung after the kill"
    return attempts


def send(atrium, attempt, session=None):
    """Send (or re-send) a recorded create; a new x-ms-date/signature, the same everything else."""
    return atrium.signed_request(attempt["method"], attempt["path"], attempt["body"],
                                 attempt["headers"], session=session, timeout=20)


def run(atrium, attempt, session):
    try:
        resp = send(atrium, attempt, session)
    except requests.RequestException as exc:
        attempt["outcome"] = f"lost ({type(exc).__name__})"
    else:
        attempt["status"], attempt["response"] = resp.status_code, resp.text
        attempt["outcome"] = "acked" if resp.status_code in (200, 201) else "unexpected"
    return attempt


def summarize(attempts):
    acked = [a for a in attempts if a["outcome"] == "acked"]
    lost = [a for a in attempts if a["outcome"].startswith("lost")]
    unexpected = [a for a in attempts if a["outcome"] == "unexpected"]
    assert not unexpected, [(a["status"], a["response"][:200]) for a in unexpected[:5]]
    assert acked, f"no write was acknowledged in {STREAM_SECONDS} s ({len(lost)} lost)"
    print(f"\n{len(acked)} acknowledged, {len(lost)} unacknowledged at the kill")
    return acked, lost


def test_room_creates_survive_kill9_and_retry_exactly_once(atrium):
    before = set(room_ids_listed(atrium.signed_request))

    def create(session, n):
        user = synthetic_user().raw_id
        attempt = {"method": "POST", "path": ROOMS, "user": user,
                   "body": {"validFrom": None, "validUntil": None, "pstnDialOutEnabled": False,
                            "participants": {user: {"role": "Presenter"}}},
                   "headers": {"Repeatability-Request-ID": str(uuid.uuid4()),
                               "Repeatability-First-Sent": acs_hmac.rfc1123()}}
        return run(atrium, attempt, session)

    attempts = stream_then_kill(atrium, 8, create)
    acked, lost = summarize(attempts)
    atrium.start()

    for a in acked:
        room_id = json.loads(a["response"])["id"]
        got = atrium.signed_request("GET", f"/rooms/{room_id}?api-version=2025-03-13")
        assert got.status_code == 200, f"acknowledged room {room_id} lost: {got.status_code}"
        people = atrium.signed_request("GET", f"/rooms/{room_id}/participants?api-version=2025-03-13")
        assert people.json()["value"] == [{"rawId": a["user"], "role": "Presenter"}]
        a["room_id"] = room_id

    for a in lost:  # the first retry either applies it now or returns what was applied before
        resp = send(atrium, a)
        assert resp.status_code == 201, resp.text
        a["room_id"] = resp.json()["id"]

    for a in attempts:  # every further retry is a replay of the stored first result
        resp = send(atrium, a)
        assert resp.status_code == 201, resp.text
        assert resp.headers.get("Repeatability-Result") == "accepted"
        assert resp.json()["id"] == a["room_id"]

    room_ids = [a["room_id"] for a in attempts]
    assert len(set(room_ids)) == len(attempts), "two request ids share a room"
    created = set(room_ids_listed(atrium.signed_request)) - before
    assert created == set(room_ids), (
        f"{len(created - set(room_ids))} extra rooms, {len(set(room_ids) - created)} missing")


def test_participant_upserts_survive_kill9(atrium):
    rooms = []
    for _ in range(4):
        resp = atrium.signed_request("POST", ROOMS, {})
        assert resp.status_code == 201, resp.text
        rooms.append(resp.json()["id"])

    def upsert(session, n):
        user = synthetic_user().raw_id
        attempt = {"method": "PATCH", "room": rooms[n], "user": user, "headers": MERGE_PATCH,
                   "path": f"/rooms/{rooms[n]}/participants?api-version=2025-03-13",
                   "body": {"participants": {user: {"role": "Consumer"}}}}
        return run(atrium, attempt, session)

    attempts = stream_then_kill(atrium, len(rooms), upsert)
    acked, lost = summarize(attempts)
    atrium.start()

    for a in lost:
        resp = send(atrium, a)
        assert resp.status_code == 200, resp.text

    for room_id in rooms:
        listed = _participants(atrium, room_id)
        raw_ids = [p["rawId"] for p in listed]
        assert len(raw_ids) == len(set(raw_ids)), "a participant is listed twice"
        assert set(raw_ids) == {a["user"] for a in attempts if a["room"] == room_id}
        assert all(p["role"] == "Consumer" for p in listed)
        acked_order = [a["user"] for a in acked if a["room"] == room_id]
        assert [r for r in raw_ids if r in set(acked_order)] == acked_order, (
            "acknowledged participants out of insertion order")


def test_restart_after_only_the_server_process_died(atrium):
    """The embedded PostgreSQL outlives a crashed server process; the next start must cope."""
    resp = atrium.signed_request("POST", ROOMS, {"pstnDialOutEnabled": True})
    assert resp.status_code == 201, resp.text
    room = resp.json()
    atrium.kill9(whole_tree=False)
    atrium.start()
    got = atrium.signed_request("GET", f"/rooms/{room['id']}?api-version=2025-03-13")
    assert got.status_code == 200 and got.json() == room, got.text
    again = atrium.signed_request("POST", ROOMS, {})
    assert again.status_code == 201, again.text


def _participants(atrium, room_id):
    path, out = f"/rooms/{room_id}/participants?api-version=2025-03-13", []
    while path:
        resp = atrium.signed_request("GET", path)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        out += body["value"]
        path = path_and_query(body["nextLink"]) if body.get("nextLink") else None
    return out

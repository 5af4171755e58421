"""kill -9 while deliveries are in flight; after the restart every event of the log still arrives
(at least once).

The name contains "test_crash_safety": conftest runs it after everything else (it kills and
restarts the shared server).
"""

import threading
import time

import pytest
import requests

from acs_values import path_and_query, synthetic_user
from event_receiver import EventReceiver
from publishing import ROSTER_CHANGED, new_name, subscribed

pytestmark = pytest.mark.timeout(600)

ROOMS = "/rooms?api-version=2025-03-13"
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}
WRITERS = 3
AFTER_RESTART_TIMEOUT = 180
MAX_WRITES_PER_ROOM = 200


@pytest.fixture(autouse=True)
def running(atrium):
    """If an earlier crash test failed between kill and restart, bring the server back first."""
    if atrium.process.poll() is not None:
        atrium.start()


def listed_participants(atrium, room_id):
    path, out = f"/rooms/{room_id}/participants?api-version=2025-03-13", []
    while path:
        resp = atrium.signed_request("GET", path)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        out += [p["rawId"] for p in body["value"]]
        path = path_and_query(body["nextLink"]) if body.get("nextLink") else None
    return out


@pytest.mark.parametrize("whole_tree", [True, False], ids=["server-and-postgres", "server-only"])
def test_kill9_while_delivering_loses_no_event(atrium, whole_tree):
    rooms = []
    for _ in range(WRITERS):
        resp = atrium.signed_request("POST", ROOMS, {})
        assert resp.status_code == 201, resp.text
        rooms.append(resp.json()["id"])

    # A slow receiver keeps a backlog of deliveries in flight when the server dies.
    receiver = EventReceiver(delay=0.2).start()
    name = new_name("conf-crash")
    stop, lock, writes = threading.Event(), threading.Lock(), []

    def writer(n):
        with requests.Session() as session:
            while not stop.is_set():
                user = synthetic_user().raw_id
                write = {"room": rooms[n], "user": user,
                         "path": f"/rooms/{rooms[n]}/participants?api-version=2025-03-13",
                         "body": {"participants": {user: {"role": "Attendee"}}}}
                try:
                    resp = atrium.signed_request("PATCH", write["path"], write["body"], MERGE_PATCH,
                                                 session=session, timeout=20)
                    write["acked"] = resp.status_code == 200
                except requests.RequestException:
                    write["acked"] = False
                with lock:
                    writes.append(write)
                    mine = sum(w["room"] == rooms[n] for w in writes)
                if mine >= MAX_WRITES_PER_ROOM:
                    return
                time.sleep(0.02)

    try:
        with subscribed(atrium, receiver, name, room_id=rooms, room_key="data.roomId",
                        types=[ROSTER_CHANGED]):
            threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
            for t in threads:
                t.start()
            receiver.wait_until(lambda r: len(r.delivered()) >= 5, 30, "deliveries flowing before the kill")
            time.sleep(0.5)
            delivered_before = len(receiver.delivered())
            atrium.kill9(whole_tree=whole_tree)
            killed = time.monotonic()
            in_flight = sum(1 for r in receiver.notifications() if r.status == 0)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            assert not any(t.is_alive() for t in threads), "writer threads hung after the kill"
            restarted = time.monotonic()  # from here on, requests come from the new process
            atrium.start()

            # Unacknowledged writes are sent again: applied now or already there.
            for w in writes:
                if not w["acked"]:
                    resp = atrium.signed_request("PATCH", w["path"], w["body"], MERGE_PATCH, timeout=20)
                    assert resp.status_code == 200, resp.text

            # Every roster change in the log (the rosters now) must reach the receiver.
            want = set()
            for room_id in rooms:
                on_roster = listed_participants(atrium, room_id)
                acked = {w["user"] for w in writes if w["room"] == room_id and w["acked"]}
                assert acked <= set(on_roster), f"acknowledged roster writes lost: {acked - set(on_roster)}"
                want |= {f"room/{room_id}/participant/{raw}" for raw in on_roster}

            def acknowledged(r):
                """Deliveries the server saw answered: answered before the kill, or sent after the
                restart (an answer written to a killed server's socket acknowledges nothing)."""
                return [(q, e) for q, e in r.delivered() if q.answered_at < killed or q.at > restarted]

            def missing(r):
                return want - {e.get("subject") for _, e in acknowledged(r)}

            receiver.wait_until(lambda r: not missing(r), AFTER_RESTART_TIMEOUT,
                                f"all {len(want)} roster events after the restart "
                                f"(missing: {len(missing(receiver))})")

            delivered, every_attempt = acknowledged(receiver), receiver.event_attempts()
            subjects_by_id = {}
            for _, e in every_attempt:
                subjects_by_id.setdefault(e.get("id"), set()).add(e.get("subject"))
            assert all(len(s) == 1 for s in subjects_by_id.values()), "one event id, two subjects"
            ids_by_subject = {}
            for _, e in every_attempt:
                ids_by_subject.setdefault(e.get("subject"), set()).add(e.get("id"))
            assert all(len(i) == 1 for i in ids_by_subject.values()), (
                "a redelivered event got a new id: "
                + str({s: i for s, i in ids_by_subject.items() if len(i) > 1}))
            duplicates = len(delivered) - len({e.get("id") for _, e in delivered})
            print(f"\n{len(writes)} writes ({sum(not w['acked'] for w in writes)} unacknowledged), "
                  f"{delivered_before} delivered before the kill, {in_flight} requests in flight at the kill, "
                  f"{len(subjects_by_id)} events in all, "
                  f"{duplicates} delivered more than once; all in {time.monotonic() - restarted:.1f} s "
                  "after the restart")
    finally:
        stop.set()
        receiver.stop()

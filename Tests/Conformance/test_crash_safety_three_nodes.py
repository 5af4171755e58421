"""Three `atrium serve` processes on one PostgreSQL share commands and deliveries; one is killed
with -9 midway. Nothing acknowledged is lost, every event is delivered, the consumers carry on on
the survivors, and `atrium rebuild --verify` finds the read models equal to the log. (Named like the crash tests so that conftest runs it after everything else.)"""

import itertools
import os
import subprocess
import threading
import time

import pytest
import requests

from atrium_process import AtriumServer, atrium_binary
from event_receiver import EventReceiver
from publishing import subscribed

ROOMS = "/rooms?api-version=2025-03-13"
LOAD_SECONDS = 6.0
THREADS = 6

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def cluster(atrium):
    """The session's server plus two more nodes on its embedded PostgreSQL."""
    if atrium.process.poll() is not None:
        atrium.start()
    others = [AtriumServer(key=atrium.key, env={"DATABASE_URL": atrium.database_url()}) for _ in range(2)]
    try:
        for node in others:
            node.start()
        yield [atrium] + others
    finally:
        for node in others:
            try:
                node.stop()
            except Exception:  # noqa: BLE001 - the killed node is already gone
                pass
            node.cleanup_leftovers()


def test_three_nodes_one_killed_lose_nothing(cluster):
    victim = cluster[1]
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()

    with EventReceiver() as receiver:
        with subscribed(cluster[0], receiver, types=["Atrium.Rooms.RoomCreated"]):
            def worker(n):
                nodes = itertools.cycle(cluster[n % 3:] + cluster[:n % 3])
                while not stop.is_set():
                    node = next(nodes)
                    if node.process.poll() is not None:
                        continue  # the killed node: its clients move on to the others
                    try:
                        resp = node.signed_request("POST", ROOMS, {}, timeout=10)
                    except requests.RequestException:
                        continue  # cut off by the kill: never acknowledged
                    if resp.status_code == 201:
                        with lock:
                            acknowledged.append(resp.json()["id"])

            threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
            for thread in threads:
                thread.start()
            time.sleep(LOAD_SECONDS / 2)
            victim.kill9(whole_tree=False)
            with lock:
                at_kill = len(acknowledged)
            time.sleep(LOAD_SECONDS / 2)
            stop.set()
            for thread in threads:
                thread.join()
            assert at_kill > 0 and len(acknowledged) > at_kill, (
                f"load did not flow on both sides of the kill ({at_kill} then {len(acknowledged)})")

            # Every acknowledged command is in the log and the read models, whichever node took it.
            survivor = cluster[2]
            for room_id in acknowledged:
                resp = survivor.signed_request("GET", f"/rooms/{room_id}?api-version=2025-03-13")
                assert resp.status_code == 200, f"acknowledged room {room_id} is missing: {resp.status_code}"

            # Every event is delivered (at least once), also those fanned out after the kill: the
            # consumers carry on on the survivors. In-flight deliveries of the killed node come back
            # when their lease ends (60 s).
            wanted = {f"room/{room_id}" for room_id in acknowledged}

            def delivered_subjects(r):
                return {event.get("subject") for _, event in r.delivered()}

            receiver.wait_until(lambda r: wanted <= delivered_subjects(r), 150,
                                f"{len(wanted)} RoomCreated events")
            missing = wanted - delivered_subjects(receiver)
            assert not missing, f"{len(missing)} acknowledged rooms were never delivered"

            # The read models the nodes wrote, inline and concurrently, equal a rebuild from the log.
            verify = subprocess.run(
                [str(atrium_binary()), "rebuild", "--all", "--verify"],
                env=dict(os.environ, DATABASE_URL=cluster[0].database_url()),
                capture_output=True, text=True, timeout=300)
            assert verify.returncode == 0, f"rebuild --verify found differences:\n{verify.stdout}\n{verify.stderr}"
            print(f"three nodes: {len(acknowledged)} rooms acknowledged ({at_kill} before the kill), "
                  f"{len(receiver.delivered())} deliveries acknowledged by the receiver")

"""Issue 15's first probe: clients creating rooms while others send a subscription whose
includedEventTypes holds U+0000. Prints, for a phase without the poison and one with it, the rooms
created per second and how many of the valid commands failed.

    python poisoned_batches.py URL ACCESS_KEY [--seconds S] [--clients N] [--poisoners P]
"""

import argparse
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "Conformance"))
from acs_hmac import signed_request  # noqa: E402


def phase(url, key, seconds, clients, poisoners):
    counts = {"created": 0, "failed": 0, "poison_refused": 0, "poison_other": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def create_rooms():
        with requests.Session() as session:
            while time.monotonic() < deadline:
                status = signed_request(url, key, "POST", "/rooms?api-version=2025-03-13", {},
                                        session=session).status_code
                with lock:
                    counts["created" if status == 201 else "failed"] += 1

    def poison():
        with requests.Session() as session:
            while time.monotonic() < deadline:
                body = {"properties": {
                    "destination": {"endpointType": "WebHook",
                                    "properties": {"endpointUrl": "http://127.0.0.1:9/hook"}},
                    "filter": {"includedEventTypes": ["x\u0000"]}}}
                status = signed_request(url, key, "PUT",
                                        f"/eventSubscriptions/p-{uuid.uuid4().hex[:12]}?api-version=2025-06-01",
                                        body, session=session).status_code
                with lock:
                    counts["poison_refused" if status == 400 else "poison_other"] += 1

    threads = [threading.Thread(target=create_rooms) for _ in range(clients)]
    threads += [threading.Thread(target=poison) for _ in range(poisoners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("key")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--poisoners", type=int, default=2)
    args = parser.parse_args()
    clean = phase(args.url, args.key, args.seconds, args.clients, 0)
    poisoned = phase(args.url, args.key, args.seconds, args.clients, args.poisoners)
    # The Python clients are the bottleneck here: a poisoner takes a room creator's share of them,
    # so requests answered per second is the server-side comparison, rooms/s the client-side one.
    for name, counts in (("without poison", clean), ("with poison", poisoned)):
        total = counts["created"] + counts["failed"]
        answered = total + counts["poison_refused"] + counts["poison_other"]
        print(f"{name:15} requests/s {answered / args.seconds:8.1f}   rooms/s {counts['created'] / args.seconds:8.1f}"
              f"   valid commands failed "
              f"{counts['failed']} of {total} ({100 * counts['failed'] / max(total, 1):.1f}%)   "
              f"poison refused with 400: {counts['poison_refused']}, otherwise: {counts['poison_other']}")
    def answered(counts):
        return sum(counts.values())

    print(f"requests answered, ratio with / without poison: {answered(poisoned) / max(answered(clean), 1):.2f}")


if __name__ == "__main__":
    main()

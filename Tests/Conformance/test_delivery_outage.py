"""A subscriber that is down for a while, and one that refuses: Event Grid's retry rules, dead
letters, and `atrium outbox list` / `redrive` beside the running server.
"""

import json
import re
import time

import pytest

from event_receiver import EventReceiver, Switchable, failing_first, unavailable_for
from publishing import (CALL_STARTED, DELIVERY_TIMEOUT, RoomCall, entry_event_id, entry_reason, new_name,
                        outbox_cli, outbox_entries, subscribed, summarize)

pytestmark = pytest.mark.timeout(300)

OUTAGE_SECONDS = 5
RETRY_AFTER = 1


def test_an_outage_with_503_and_retry_after_loses_nothing(atrium, client, identities):
    call = RoomCall(atrium, client, identities)
    outage = unavailable_for(OUTAGE_SECONDS, retry_after=RETRY_AFTER)
    with EventReceiver(behaviour=outage) as receiver:
        with subscribed(atrium, receiver, room_id=call.room.id):
            call.run()
            expected = call.expected()
            receiver.wait_until(lambda r: len(r.delivered_ids()) >= len(expected),
                                OUTAGE_SECONDS + DELIVERY_TIMEOUT, "every event after the outage")

            attempts = receiver.event_attempts()
            refused = [r for r, _ in attempts if r.status == 503]
            assert refused, "the receiver never answered 503: no outage was exercised\n" + receiver.summary()
            every_id = {e.get("id") for _, e in attempts}
            assert every_id == receiver.delivered_ids(), (
                f"events that never got through: {every_id - receiver.delivered_ids()}")
            assert len(every_id) == len(expected), (
                f"{len(every_id)} distinct ids for {len(expected)} events: retries must keep the event id")
            firsts = [e for _, e in receiver.first_deliveries()]
            assert sorted(summarize(firsts)) == sorted((t, s) for t, s, _ in expected), (
                f"delivered set differs from the call's events: {summarize(firsts)}")

            retried = 0
            for event_id, tries in receiver.attempts_by_id().items():
                counts = [r.delivery_count() for r in tries]
                assert counts == list(range(len(counts))), (
                    f"aeg-delivery-count of event {event_id} over its attempts: {counts} "
                    "(expected 0, 1, 2, ...)")
                assert [r.status for r in tries[:-1]] == [503] * (len(tries) - 1) and tries[-1].status == 200, (
                    f"event {event_id} retried after success or stopped early: {[r.status for r in tries]}")
                bodies = {r.body for r in tries}
                assert len(bodies) == 1, f"event {event_id} changed between attempts: {bodies}"
                gaps = [b.at - a.at for a, b in zip(tries, tries[1:])]
                # Retry-After: 1 honoured: not sooner (the receiver asked for a second), and not the
                # 30 s default for a 503 either.
                assert all(g >= 0.8 * RETRY_AFTER for g in gaps), (
                    f"event {event_id} retried sooner than Retry-After {RETRY_AFTER} s: gaps {gaps}")
                assert all(g <= RETRY_AFTER + 10 for g in gaps), (
                    f"event {event_id}: Retry-After {RETRY_AFTER} s ignored, gaps {gaps}")
                retried += len(tries) > 1
            assert retried, "no event was retried"
            last = max(r.at for r, _ in receiver.delivered())
            assert last <= outage.ends + RETRY_AFTER + 10, (
                f"the last event arrived {last - outage.ends:.1f} s after the outage ended")
            print(f"\n{len(attempts)} attempts for {len(every_id)} events, {len(refused)} answered 503")


def test_a_503_without_retry_after_waits_at_least_30_seconds(atrium, client, identities):
    call = RoomCall(atrium, client, identities)
    with EventReceiver(behaviour=failing_first(1, 503)) as receiver:
        with subscribed(atrium, receiver, room_id=call.room.id, types=[CALL_STARTED]):
            call.run()
            receiver.wait_until(lambda r: r.delivered_ids(), 30 + DELIVERY_TIMEOUT, "the retried CallStarted")
            tries = receiver.notifications()
            assert [r.status for r in tries] == [503, 200], receiver.summary()
            assert [r.delivery_count() for r in tries] == [0, 1], receiver.summary()
            gap = tries[1].at - tries[0].at
            assert gap >= 29, f"a 503 without Retry-After was retried after {gap:.1f} s (Event Grid: >= 30 s)"


def test_a_400_dead_letters_at_once_and_redrive_delivers(atrium, client, identities):
    call = RoomCall(atrium, client, identities)
    refusing = Switchable(400)
    name = new_name("conf-dead")
    with EventReceiver(behaviour=refusing) as receiver:
        with subscribed(atrium, receiver, name, room_id=call.room.id):
            call.run()
            expected = call.expected()
            receiver.wait_until(lambda r: len(r.attempts_by_id()) >= len(expected),
                                DELIVERY_TIMEOUT, "one attempt of every event")

            # Dead-lettered at once: each event is tried once, and listed as dead with a reason.
            by_id, listed = {}, False
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                by_id = {entry_event_id(x): x for x in outbox_entries(atrium, "--dead", "--subscription", name)}
                if set(receiver.attempts_by_id()) <= set(by_id):
                    listed = True
                    break
                time.sleep(0.5)
            attempts = receiver.attempts_by_id()
            assert listed, (
                f"`outbox list --dead` lacks events: listed {sorted(by_id)}, delivered {sorted(attempts)}")
            assert all(len(t) == 1 for t in attempts.values()), (
                "a 400 was retried: " + str({i: len(t) for i, t in attempts.items() if len(t) > 1}))
            assert len(attempts) == len(expected), f"{len(attempts)} events for {len(expected)}"
            for event_id in attempts:
                entry = by_id[event_id]
                assert entry_reason(entry), f"dead letter of {event_id} without a reason: {entry}"
                assert re.search(r"\b400\b", json.dumps(entry)), (
                    f"dead letter of {event_id} does not say the endpoint answered 400: {entry}")

            # Fix the receiver, redrive the subscription: each event arrives (again).
            refusing.switch_to(200)
            done = outbox_cli(atrium, "redrive", "--subscription", name)
            numbers = [int(n) for n in re.findall(r"\d+", done.stdout)]
            assert len(expected) in numbers, (
                f"redrive should say it redrove {len(expected)}: stdout {done.stdout!r}")
            receiver.wait_until(lambda r: len(r.delivered_ids()) >= len(expected),
                                DELIVERY_TIMEOUT, "every redriven event")
            assert receiver.delivered_ids() == set(attempts), "redrive delivered other events"
            firsts = [e for _, e in receiver.first_deliveries()]
            assert sorted(summarize(firsts)) == sorted((t, s) for t, s, _ in expected)
            left = [x for x in outbox_entries(atrium, "--dead", "--subscription", name)
                    if entry_event_id(x) in attempts]
            assert not left, f"dead letters still listed after a successful redrive: {left}"

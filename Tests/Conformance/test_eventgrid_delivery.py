"""Publishing to Event Grid–style subscriptions, against real deliveries of the running server.

A loopback receiver (event_receiver.py) subscribes over the subscriptions API (HMAC-signed,
api-version 2025-06-01), answers the validation handshake, and records what arrives while a room
call runs through the client calling API. The deliveries must parse with azure-eventgrid 4.22.1
(`EventGridEvent.from_dict`) and azure-core (`CloudEvent.from_dict`) and carry the subjects and
data of ACS-WIRE.md, in the order they happened, with Event Grid's headers and a Standard
Webhooks signature.
"""

import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.communication.rooms import ParticipantRole, RoomParticipant
from azure.core.messaging import CloudEvent
from azure.eventgrid import EventGridEvent

from acs_values import parse_ts
from event_receiver import EventReceiver
from publishing import (CALL_ENDED, CALL_STARTED, CLOUD_EVENTS, DELIVERY_TIMEOUT, EVENT_GRID,
                        HANDSHAKE_TIMEOUT, PARTICIPANT_ADDED, PARTICIPANT_REMOVED, ROOM_CREATED,
                        ROOM_DELETED, ROOM_UPDATED, ROSTER_CHANGED, RoomCall, create_room,
                        delete_subscription, event_time, event_type, new_member, new_name,
                        new_secret, provisioning_state, put_subscription, subscribed,
                        subscription_body, summarize, verify_signature, wait_provisioned)

pytestmark = pytest.mark.timeout(240)

SCHEMAS = [EVENT_GRID, CLOUD_EVENTS]
GRACE = 2.0  # seconds to wait for something that must NOT arrive
CONTENT_TYPES = {EVENT_GRID: "application/json",
                 CLOUD_EVENTS: "application/cloudevents-batch+json"}


# -- checks -------------------------------------------------------------------------------------

def parse_with_sdk(schema, event):
    """Parse with the official SDK; return (type, subject, id, data, time) as the SDK sees them."""
    if schema == EVENT_GRID:
        parsed = EventGridEvent.from_dict(event)
        assert isinstance(parsed, EventGridEvent), parsed
        assert parsed.topic, f"Event Grid envelope without topic: {event}"
        assert parsed.data_version, f"Event Grid envelope without dataVersion: {event}"
        assert event.get("metadataVersion") == "1", f"metadataVersion: {event}"
        return parsed.event_type, parsed.subject, parsed.id, parsed.data, parsed.event_time
    parsed = CloudEvent.from_dict(event)
    assert parsed.source, f"CloudEvent without source: {event}"
    assert parsed.specversion == "1.0", f"specversion: {event}"
    assert isinstance(parsed.data, dict), f"CloudEvent data is not the JSON object: {event}"
    return parsed.type, parsed.subject, parsed.id, parsed.data, parsed.time


class Problems(list):
    """Collects every disagreement with the contract, so one run reports them all."""

    def check(self, ok, message):
        if not ok:
            self.append(message)
        return ok

    def assert_none(self, what):
        assert not self, f"{what}: {len(self)} problem(s):\n- " + "\n- ".join(self)


def check_identifier(problems, participant, raw_id, role, what):
    if not problems.check(isinstance(participant, dict), f"{what}: {participant!r}"):
        return
    ident = participant.get("communicationIdentifier") or {}
    problems.check(ident.get("rawId") == raw_id, f"{what}.communicationIdentifier.rawId: {participant}")
    problems.check((ident.get("communicationUser") or {}).get("id") == raw_id,
                   f"{what}.communicationIdentifier.communicationUser.id: {participant}")
    problems.check(participant.get("role") == role, f"{what}.role: expected {role!r}, got {participant}")


def check_call_data(problems, call, etype, raw_id, data):
    """The data of ACS-WIRE.md for one call event."""
    short = etype.rsplit(".", 1)[-1]
    where = f"{short} data {data}"
    problems.check(data.get("serverCallId") == call.call_id,
                   f"{short}: serverCallId != the call's id {call.call_id}: {where}")
    problems.check((data.get("room") or {}).get("id") == call.room.id, f"{short}: room.id: {where}")
    problems.check(data.get("isRoomsCall") is True, f"{short}: isRoomsCall: {where}")
    problems.check(isinstance(data.get("isTwoParty"), bool), f"{short}: isTwoParty: {where}")
    problems.check(isinstance(data.get("correlationId"), str) and data["correlationId"],
                   f"{short}: correlationId: {where}")
    check_identifier(problems, data.get("startedBy"), call.presenter.raw_id, "Presenter", f"{short}: startedBy")
    if etype in (PARTICIPANT_ADDED, PARTICIPANT_REMOVED):
        check_identifier(problems, data.get("user"), raw_id, call.role_of(raw_id), f"{short}: user")
        for key in ("displayName", "participantId", "userAgent"):
            problems.check(key in data, f"{short}: {key} missing: {where}")
        problems.check(isinstance(data.get("participantId"), str) and data["participantId"],
                       f"{short}: participantId: {where}")
    if etype == CALL_ENDED:
        # The Presenter left last: she ended the call.
        check_identifier(problems, data.get("endedBy"), call.presenter.raw_id, "Presenter", f"{short}: endedBy")
        reason = data.get("reason")
        problems.check(isinstance(reason, dict) and {"code", "subCode", "phrase"} <= set(reason),
                       f"{short}: reason: {where}")
        duration = data.get("callDurationInSeconds")
        problems.check(isinstance(duration, (int, float)) and 0 <= duration < 600,
                       f"{short}: callDurationInSeconds: {where}")


def check_call_deliveries(schema, receiver, name, call, secret=None):
    """Every delivery of one call: headers, envelope (parsed by the SDK), signature, data, order.
    Returns {(type, subject): id}."""
    notifications = receiver.notifications()
    content_type = CONTENT_TYPES[schema]
    for r in notifications:
        assert r.header("aeg-event-type") == "Notification", r.describe()
        assert r.header("aeg-subscription-name") == name.upper(), (
            f"aeg-subscription-name {r.header('aeg-subscription-name')!r}, expected {name.upper()!r}")
        assert r.delivery_count() == 0, f"first attempt must have aeg-delivery-count 0: {r.describe()}"
        assert (r.header("content-type") or "").split(";")[0].strip() == content_type, (
            f"Content-Type {r.header('content-type')!r} for {schema}")
        events = r.events()
        assert isinstance(r.json(), list) and len(events) == 1, (
            f"maxEventsPerBatch 1: a JSON array of one event, got {r.body[:300]!r}")
        if secret is not None:
            assert r.header("webhook-id") == events[0].get("id"), (
                f"webhook-id {r.header('webhook-id')!r} != event id {events[0].get('id')!r}")
            verify_signature(secret, r)

    delivered = [e for _, e in receiver.delivered()]
    ids = [e.get("id") for e in delivered]
    assert len(ids) == len(set(ids)), f"an event was delivered twice to a 200-answering receiver: {ids}"
    expected = call.expected()
    want = [(t, s) for t, s, _ in expected]
    got = summarize(delivered)
    assert sorted(got) == sorted(want), (
        f"the call's events, as a set, are wrong:\n got      {got}\n expected {want}")

    # Taken in the call's order, whatever the arrival order.
    by_key = {(t, s): e for (t, s), e in zip(got, delivered)}
    parsed = [parse_with_sdk(schema, by_key[(etype, subject)]) for etype, subject, _ in expected]
    problems, times = Problems(), []
    for (etype, subject, raw_id), (ptype, psubject, pid, data, ptime) in zip(expected, parsed):
        assert (ptype, psubject) == (etype, subject)
        problems.check(isinstance(pid, str) and pid, f"event id {pid!r}")
        check_call_data(problems, call, etype, raw_id, data)
        problems.check(ptime is not None, f"{etype} without a time")
        times.append(ptime)
    now = datetime.now(timezone.utc)
    problems.check(all(t and abs((t - now).total_seconds()) < 600 for t in times),
                   f"event times far from now: {times}")
    problems.check(times == sorted(times), f"event times go backwards along the call: {times}")
    correlation = {p[3].get("correlationId") for p in parsed}
    problems.check(len(correlation) == 1, f"one call, one correlationId: {correlation}")
    by_user = {}
    for (etype, _, raw_id), p in zip(expected, parsed):
        if etype in (PARTICIPANT_ADDED, PARTICIPANT_REMOVED):
            by_user.setdefault(raw_id, set()).add(p[3].get("participantId"))
    problems.check(all(len(v) == 1 for v in by_user.values()),
                   f"participantId differs between Added and Removed: {by_user}")
    problems.check(len({next(iter(v)) for v in by_user.values()}) == len(by_user),
                   f"participants share an id: {by_user}")
    problems.assert_none(f"{schema} deliveries of call {call.call_id}")
    assert_in_call_order(got, want)
    return {(t, s): e.get("id") for (t, s), e in zip(got, delivered)}


# The README says: "Like Event Grid, Atrium promises no order: deliveries run concurrently and
# retries overtake." A call's order is then in its events' times (checked above), not in their
# arrival. Set True to require arrival in the call's order as well.
ARRIVAL_ORDER_PROMISED = False


def assert_in_call_order(got, want):
    """The first deliveries of a call's events arrive in the order they happened."""
    if not ARRIVAL_ORDER_PROMISED:
        if got != want:
            print(f"\narrival order by position in the sequence: {[want.index(g) for g in got]}")
        return
    assert got == want, (
        "deliveries out of order (arrival order, by expected position: "
        f"{[want.index(g) if g in want else g for g in got]}):\n"
        + "\n".join(f"  {t.rsplit('.', 1)[-1]:<24} {s}" for t, s in got))


def check_handshake(schema, receiver):
    """The handshake arrived, in the schema's form, before any delivery."""
    handshakes = receiver.validations()
    assert handshakes, "no validation handshake:\n" + receiver.summary()
    first = handshakes[0]
    if schema == EVENT_GRID:
        assert first.kind == "validation", first.describe()
        assert first.header("aeg-event-type") == "SubscriptionValidation", first.describe()
        body = first.json()
        assert isinstance(body, list) and len(body) == 1, f"validation body {body}"
        event = body[0]
        assert event.get("eventType") == "Microsoft.EventGrid.SubscriptionValidationEvent", event
        parsed = EventGridEvent.from_dict(event)
        assert parsed.data.get("validationCode"), event
        assert str(parsed.data.get("validationUrl", "")).startswith("http"), event
        for key in ("id", "topic", "subject", "eventTime", "dataVersion", "metadataVersion"):
            assert key in event, f"{key} missing from the validation event {event}"
    else:
        assert first.kind == "options", first.describe()
        assert first.header("webhook-request-origin"), f"OPTIONS without WebHook-Request-Origin: {first.describe()}"
    notifications = receiver.notifications()
    if notifications:
        assert max(h.index for h in handshakes if h.status == 200) < notifications[0].index, (
            "a delivery arrived before the handshake succeeded:\n" + receiver.summary())


def wait_delivered(receiver, count, what, timeout=DELIVERY_TIMEOUT):
    receiver.wait_until(lambda r: len(r.delivered_ids()) >= count, timeout, f"{count} {what}")


# -- tests --------------------------------------------------------------------------------------

@pytest.mark.parametrize("schema", SCHEMAS)
def test_a_room_call_is_delivered_in_order_parsed_by_the_sdk_and_signed(atrium, client, identities, schema):
    call = RoomCall(atrium, client, identities)
    other_room = create_room(client, [])
    secret = new_secret()
    with EventReceiver() as full, EventReceiver() as ends_only, EventReceiver() as elsewhere:
        with subscribed(atrium, full, new_name("conf-call"), schema=schema, room_id=call.room.id,
                        secret=secret) as name, \
             subscribed(atrium, ends_only, schema=schema, room_id=call.room.id,
                        types=[CALL_STARTED, CALL_ENDED]), \
             subscribed(atrium, elsewhere, schema=schema, room_id=other_room.id):
            check_handshake(schema, full)
            assert not full.notifications(), "deliveries before any call:\n" + full.summary()
            call.run()
            wait_delivered(full, 6, "call events")
            wait_delivered(ends_only, 2, "CallStarted/CallEnded events")
            time.sleep(GRACE)

            check_handshake(schema, full)
            ids = check_call_deliveries(schema, full, name, call, secret)

            only = summarize([e for _, e in ends_only.event_attempts()])
            expected = [(t, s) for t, s, _ in call.expected() if t in (CALL_STARTED, CALL_ENDED)]
            assert only == expected, f"includedEventTypes let other types through: {only}"
            same = [ids[key] for key in expected]
            assert [e["id"] for _, e in ends_only.delivered()] == same, (
                "the same log event has another id in another subscription")
            assert not ends_only.notifications()[0].header("webhook-signature"), (
                "a subscription without a signing secret got signed deliveries")
            assert not elsewhere.notifications(), (
                "the advanced filter on data.room.id let another room's events through:\n"
                + elsewhere.summary())


@pytest.mark.parametrize("schema", SCHEMAS)
def test_start_position_beginning_replays_the_rooms_history(atrium, client, identities, schema):
    call = RoomCall(atrium, client, identities)
    with EventReceiver() as live:
        with subscribed(atrium, live, schema=schema, room_id=call.room.id):
            call.run()
            wait_delivered(live, 6, "live call events")
        live_events = {e["id"]: e for _, e in live.delivered()}
        live_ids = {i: (event_type(e), e["subject"]) for i, e in live_events.items()}

    with EventReceiver() as history, EventReceiver() as from_now:
        with subscribed(atrium, history, schema=schema, room_id=call.room.id, start="Beginning"), \
             subscribed(atrium, from_now, schema=schema, room_id=call.room.id, start="Now"):
            wait_delivered(history, 6, "replayed call events")
            time.sleep(GRACE)
            replayed = [e for _, e in history.delivered()]
            want = [(t, s) for t, s, _ in call.expected()]
            assert sorted(summarize(replayed)) == sorted(want), (
                f"history replayed wrong: {summarize(replayed)}")
            assert {e["id"]: (event_type(e), e["subject"]) for e in replayed} == live_ids, (
                "a replayed event has another id than its live delivery")
            changed = [(live_events[e["id"]], e) for e in replayed if e != live_events[e["id"]]]
            assert not changed, f"a replayed event differs from its live delivery: {changed[:2]}"
            by_key = {(event_type(e), e["subject"]): e for e in replayed}
            times = [parse_with_sdk(schema, by_key[w])[4] for w in want]
            assert times == sorted(times), f"replayed event times go backwards along the call: {times}"
            assert not from_now.notifications(), (
                "startPosition Now delivered events older than the subscription:\n" + from_now.summary())
            assert_in_call_order(summarize(replayed), want)


def test_event_grid_validation_by_the_validation_url(atrium, client, identities):
    call = RoomCall(atrium, client, identities)
    with EventReceiver(handshake="validation_url") as receiver:
        with subscribed(atrium, receiver, room_id=call.room.id, types=[CALL_STARTED]):
            # The subscription may show Succeeded before the receiver's thread has read its GET's answer.
            receiver.wait_until(lambda r: r.validation_url_results, 10, "the validationUrl GET's answer")
            assert receiver.validation_url_results == [200], (
                f"GET validationUrl answered {receiver.validation_url_results}")
            call.run()
            wait_delivered(receiver, 1, "CallStarted")
            assert summarize([e for _, e in receiver.delivered()]) == [call.expected()[0][:2]]


def test_cloud_events_consent_with_a_wildcard_origin(atrium, client, identities):
    call = RoomCall(atrium, client, identities)
    with EventReceiver(consent="star") as receiver:
        with subscribed(atrium, receiver, schema=CLOUD_EVENTS, room_id=call.room.id, types=[CALL_ENDED]):
            call.run()
            wait_delivered(receiver, 1, "CallEnded")
            event = receiver.delivered()[0][1]
            assert parse_with_sdk(CLOUD_EVENTS, event)[:2] == call.expected()[-1][:2]


def test_nothing_is_delivered_before_validation(atrium, client, identities):
    first, second = RoomCall(atrium, client, identities), RoomCall(atrium, client, identities)
    with EventReceiver(handshake="ignore") as receiver:
        name = new_name("conf-unvalidated")
        put_subscription(atrium, name, subscription_body(
            receiver.url, room_id=[first.room.id, second.room.id]))
        try:
            receiver.wait_until(lambda r: r.of_kind("validation"), HANDSHAKE_TIMEOUT, "the handshake")
            state = provisioning_state(atrium, name)
            assert state == "AwaitingManualAction", f"unanswered handshake, provisioningState {state!r}"

            first.run()
            time.sleep(2 * GRACE)
            assert not receiver.notifications(), (
                "delivered to an unvalidated subscription:\n" + receiver.summary())
            state = provisioning_state(atrium, name)
            assert state == "AwaitingManualAction", f"provisioningState {state!r} without validation"

            url = receiver.of_kind("validation")[0].events()[0]["data"]["validationUrl"]
            validated_at = time.monotonic()
            resp = requests.get(url, timeout=10)
            assert resp.status_code == 200, f"GET validationUrl: {resp.status_code} {resp.text[:300]}"
            wait_provisioned(atrium, name, receiver=receiver)

            second.run()
            receiver.wait_until(
                lambda r: {s for _, s, _ in second.expected()} <= {e.get("subject") for _, e in r.delivered()},
                DELIVERY_TIMEOUT, "the second call's events")
            early = [r for r in receiver.notifications() if r.at < validated_at]
            assert not early, "delivered before validation:\n" + "\n".join(r.describe() for r in early)
            # Informational: whether the first call (before validation) was delivered afterwards.
            first_subjects = {s for _, s, _ in first.expected()}
            late = [e for _, e in receiver.delivered() if e.get("subject") in first_subjects]
            print(f"\nevents recorded before validation, delivered after it: {len(late)} of 6")
        finally:
            delete_subscription(atrium, name)


def test_cloud_events_without_consent_get_nothing(atrium, client, identities):
    call = RoomCall(atrium, client, identities)
    with EventReceiver(consent="refuse") as receiver:
        name = new_name("conf-noconsent")
        put_subscription(atrium, name, subscription_body(receiver.url, schema=CLOUD_EVENTS,
                                                         room_id=call.room.id))
        try:
            receiver.wait_until(lambda r: r.of_kind("options"), HANDSHAKE_TIMEOUT, "the OPTIONS handshake")
            call.run()
            time.sleep(2 * GRACE)
            assert not receiver.notifications(), "delivered without consent:\n" + receiver.summary()
            state = provisioning_state(atrium, name)
            assert state != "Succeeded", "provisioningState Succeeded although consent was refused"
        finally:
            delete_subscription(atrium, name)


def test_atrium_room_lifecycle_events(atrium, client, identities):
    first, _ = new_member(identities)
    second, _ = new_member(identities)
    with EventReceiver() as receiver:
        with subscribed(atrium, receiver, subject_begins="room/",
                        types=[ROOM_CREATED, ROOM_UPDATED, ROOM_DELETED, ROSTER_CHANGED]):
            room = create_room(client, [(first, ParticipantRole.PRESENTER)])
            client.update_room(room_id=room.id, valid_until=datetime.now(timezone.utc) + timedelta(hours=2))
            for role in (ParticipantRole.ATTENDEE, ParticipantRole.PRESENTER):
                client.add_or_update_participants(room_id=room.id, participants=[
                    RoomParticipant(communication_identifier=second, role=role)])
            client.remove_participants(room_id=room.id, participants=[second])
            client.delete_room(room_id=room.id)

            def ours(r):
                return [e for _, e in r.delivered() if (e.get("data") or {}).get("roomId") == room.id]

            # Deliveries are unordered: wait for all seven (RoomDeleted may come before the rest).
            receiver.wait_until(lambda r: len(ours(r)) >= 7, DELIVERY_TIMEOUT, "the room's seven events")
            time.sleep(GRACE)
            events = ours(receiver)
            for e in events:
                parse_with_sdk(EVENT_GRID, e)
                assert isinstance(e["data"].get("actor"), str) and e["data"]["actor"], f"actor: {e}"
            base, p1, p2 = f"room/{room.id}", first.raw_id, second.raw_id
            want = [(ROOM_CREATED, base, None), (ROSTER_CHANGED, f"{base}/participant/{p1}", "Added"),
                    (ROOM_UPDATED, base, None), (ROSTER_CHANGED, f"{base}/participant/{p2}", "Added"),
                    (ROSTER_CHANGED, f"{base}/participant/{p2}", "RoleChanged"),
                    (ROSTER_CHANGED, f"{base}/participant/{p2}", "Removed"), (ROOM_DELETED, base, None)]

            def key(e):
                change = e["data"].get("change") if event_type(e) == ROSTER_CHANGED else None
                return event_type(e), e.get("subject"), change

            got = [key(e) for e in events]
            assert sorted(got, key=str) == sorted(want, key=str), (
                f"room events wrong:\n got  {got}\n want {want}")
            by_key = {key(e): e for e in events}
            times = [parse_ts(event_time(by_key[w])) for w in want]
            assert times == sorted(times), f"room event times out of the log's order: {times}"
            roster = [by_key[w]["data"] for w in want if w[0] == ROSTER_CHANGED]
            roles = [(d.get("participant") or {}).get("role") for d in roster]
            assert roles == ["Presenter", "Attendee", "Presenter", None], f"RosterChanged roles: {roster}"
            assert [d.get("previousRole") for d in roster] == [None, None, "Attendee", "Presenter"], (
                f"RosterChanged previousRole: {roster}")
            assert_in_call_order([w[:2] for w in got], [w[:2] for w in want])

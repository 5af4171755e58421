"""kill -9 between "dial requested" and "answered": after the restart the phone leg is in the call
exactly once and the connection's callbacks arrive.

The dial-out is a policy on the log: CallDialOutRequested → the telephony policy asks the carrier,
whose answer is a durable timer written with the policy's checkpoint. Whichever side of that commit
the server dies on, the restart either asks again (same leg, same timer keys) or fires the timer.

The name contains "test_crash_safety": conftest runs it after everything else (it kills and
restarts the shared server).
"""

import time

import pytest
from azure.communication.callautomation import CallAutomationClient, PhoneNumberIdentifier
from azure.communication.rooms import ParticipantRole
from azure.core.credentials import AzureKeyCredential

from event_receiver import EventReceiver
from publishing import call_action, create_room, new_member

pytestmark = pytest.mark.timeout(300)

SLOW_TO_ANSWER = "+14255550500"  # answers after five seconds
AFTER_RESTART_TIMEOUT = 120


@pytest.fixture(autouse=True)
def running(atrium):
    """If an earlier crash test failed between kill and restart, bring the server back first."""
    if atrium.process.poll() is not None:
        atrium.start()


def audit(atrium, call_id):
    resp = atrium.signed_request("GET", f"/audit/streams/call-{call_id}/events?api-version=2025-06-01")
    assert resp.status_code == 200, resp.text
    return resp.json()["value"]


@pytest.mark.parametrize("pause", [0.0, 0.5], ids=["before-the-policy", "after-the-policy"])
@pytest.mark.parametrize("whole_tree", [True, False], ids=["server-and-postgres", "server-only"])
def test_kill9_mid_dial_answers_the_leg_exactly_once(atrium, client, identities, whole_tree, pause):
    presenter, token = new_member(identities)
    room = create_room(client, [(presenter, ParticipantRole.PRESENTER)])
    client.update_room(room_id=room.id, pstn_dial_out_enabled=True)
    call_action(atrium, room.id, "join", token)
    automation = CallAutomationClient(atrium.base_url, AzureKeyCredential(atrium.key))
    with EventReceiver() as receiver:
        connection = automation.connect_call(room_id=room.id, callback_url=receiver.url)
        call = automation.get_call_connection(connection.call_connection_id)
        call.add_participant(PhoneNumberIdentifier(SLOW_TO_ANSWER),
                             source_caller_id_number=PhoneNumberIdentifier("+18005550100"),
                             operation_context="dial")
        # 0 s: most likely before the telephony policy has committed its timer; 0.5 s: after it.
        time.sleep(pause)
        atrium.kill9(whole_tree=whole_tree)
        assert not [e for _, e in receiver.delivered() if e["type"].endswith("AddParticipantSucceeded")], \
            "the leg answered before the crash: the test no longer tests a crash mid-dial"
        atrium.start()

        def succeeded(r):
            return {e["id"] for _, e in r.delivered() if e["type"].endswith("AddParticipantSucceeded")}
        receiver.wait_until(succeeded, AFTER_RESTART_TIMEOUT, "AddParticipantSucceeded after the restart")
        time.sleep(1.0)  # a second answer or callback would show by now
        assert len(succeeded(receiver)) == 1, receiver.summary()

    raw_ids = [p.identifier.raw_id for p in call.list_participants()]
    assert raw_ids.count(f"4:{SLOW_TO_ANSWER}") == 1, raw_ids
    events = audit(atrium, connection.server_call_id)
    types = [e["eventType"] for e in events]
    assert types.count("CallDialOutRequested") == 1 and types.count("CallDialOutAnswered") == 1, types
    answered = next(e for e in events if e["eventType"] == "CallDialOutAnswered")
    assert answered["actor"] == "carrier:simulated" and answered["cause"]["eventType"] == "CallDialOutRequested"

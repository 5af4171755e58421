"""The seed scenario of Call Automation, as the README's example runs it (Tools/examples/
interpreter.py): a room call with two users, the server connects, dials a simulated interpreter,
plays a prompt, collects the interpreter's DTMF and ends the call — checked here callback by
callback, event by event (parsed with azure-eventgrid), and step by step in the call's audit trail.
"""

import sys

from azure.core.messaging import CloudEvent
from azure.eventgrid import EventGridEvent

from atrium_process import REPO

sys.path.insert(0, str(REPO / "Tools" / "examples"))
import interpreter  # noqa: E402

CALLBACK = "Microsoft.Communication."


def names(callbacks):
    return [c["type"].removeprefix(CALLBACK) for c in callbacks]


def before(sequence, first, then):
    return sequence.index(first) < sequence.index(then)


def test_the_interpreter_is_dialled_answers_presses_two_and_the_call_ends(atrium):
    seen = interpreter.run(atrium.base_url, atrium.key, log=lambda *_: None)
    call_id, connection_id = seen["call_id"], seen["connection_id"]

    # Callbacks: CloudEvents 1.0 to the connection's callbackUri, in the order things happened.
    callbacks = seen["callbacks"]
    parsed = [CloudEvent.from_dict(c) for c in callbacks]
    assert all(e.source == f"calling/callConnections/{connection_id}" for e in parsed)
    order = names(callbacks)
    assert order[0] == "CallConnected" and order[-1] == "CallDisconnected", order
    for first, then in [("CallConnected", "AddParticipantSucceeded"), ("AddParticipantSucceeded", "PlayStarted"),
                        ("PlayStarted", "PlayCompleted"), ("AddParticipantSucceeded", "RecognizeCompleted"),
                        ("RecognizeCompleted", "CallDisconnected")]:
        assert before(order, first, then), f"{first} should come before {then}: {order}"
    assert "AddParticipantFailed" not in order and "RecognizeFailed" not in order, order
    for e in parsed:
        assert e.data["callConnectionId"] == connection_id and e.data["serverCallId"] == call_id
        assert e.data["resultInformation"]["code"] == 200, e.data
    by_name = {e.type.removeprefix(CALLBACK): e for e in parsed}
    assert by_name["CallConnected"].data["operationContext"] == "appointment"
    added = by_name["AddParticipantSucceeded"].data
    assert added["operationContext"] == "add-interpreter"
    assert added["participant"]["phoneNumber"]["value"] == interpreter.INTERPRETER
    recognized = by_name["RecognizeCompleted"].data
    assert recognized["operationContext"] == "language" and recognized["recognitionType"] == "dtmf"
    assert recognized["dtmfResult"]["tones"] == ["two"] and seen["tones"] == ["two"]
    assert recognized["resultInformation"]["subCode"] == 8531  # max tones received (one)
    updates = [e.data for e in parsed if e.type.endswith("ParticipantsUpdated")]
    assert [u["sequenceNumber"] for u in updates] == sorted(u["sequenceNumber"] for u in updates)
    assert {p["identifier"]["rawId"] for p in updates[-1]["participants"]} == {
        seen["doctor"], seen["patient"], seen["interpreter"]}

    # Event Grid: the call as subscribers see it, the interpreter added once they answered.
    events = [EventGridEvent.from_dict(e) for e in seen["events"]]
    summary = [(e.event_type.removeprefix(CALLBACK), e.subject) for e in events]
    added_subjects = [s for t, s in summary if t == "CallParticipantAdded"]
    assert summary[0] == ("CallStarted", f"call/{call_id}/startedBy/{seen['doctor']}"), summary
    assert added_subjects == [f"call/{call_id}/participant/{raw}"
                              for raw in (seen["doctor"], seen["patient"], seen["interpreter"])], summary
    removed = {s for t, s in summary if t == "CallParticipantRemoved"}
    assert removed == {f"call/{call_id}/participant/{raw}"
                       for raw in (seen["doctor"], seen["patient"], seen["interpreter"])}, summary
    assert summary[-1] == ("CallEnded", f"call/{call_id}"), summary
    ended = events[-1].data
    assert ended["room"]["id"] == seen["room_id"] and ended["reason"]["subCode"] == 5303, ended
    phone = next(e for e in events if e.subject.endswith(seen["interpreter"]))
    assert phone.data["user"]["communicationIdentifier"]["phoneNumber"]["value"] == interpreter.INTERPRETER

    # The audit trail: who did each step and what caused it.
    audit = seen["audit"]
    by_type = {}
    for entry in audit:
        by_type.setdefault(entry["eventType"], []).append(entry)
    dial = by_type["CallDialOutRequested"][0]
    answered = by_type["CallDialOutAnswered"][0]
    assert dial["actor"] == "application" and dial["command"] == "DialOutPSTN"
    assert answered["actor"] == "carrier:simulated" and answered["causationId"] == dial["eventId"]
    recognize = by_type["CallRecognizeStarted"][0]
    for step in ("CallTonesReceived", "CallRecognizeCompleted"):
        entry = by_type[step][0]
        assert entry["actor"] == "carrier:simulated" and entry["causationId"] == recognize["eventId"], entry
    play_started = by_type["CallPlayStarted"][0]
    completed = by_type["CallPlayCompleted"][0]
    assert completed["actor"] == "carrier:simulated" and completed["causationId"] == play_started["eventId"]
    assert by_type["CallEnded"][0]["actor"] == "application" and by_type["CallEnded"][0]["command"] == "TerminateCall"
    assert len(by_type["CallDialOutAnswered"]) == 1
    # One story: every automated step runs under the call's correlation id, as its callbacks say.
    automated = [e for e in audit if not e["actor"].startswith("8:acs:")]
    assert {e["correlationId"] for e in automated} == {callbacks[0]["data"]["correlationId"]}

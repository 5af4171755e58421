"""kill -9 of the node carrying a live phone leg: the leg's SIP dialog and RTP died with it, so
another node ends the leg in the log ("the node carrying it stopped") once its lease has gone
unrenewed, within 25 s (leases are renewed every 5 s and taken over after 15 s); the leg is not
dialled again. Two nodes on one PostgreSQL, both with the SIP trunk (SIPp answering).
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from azure.communication.callautomation import CallAutomationClient, PhoneNumberIdentifier
from azure.core.credentials import AzureKeyCredential

import dial_out
from atrium_process import AtriumServer
from event_receiver import EventReceiver

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp (Debian sip-tester) is not installed"),
]

SCENARIOS = Path(__file__).parent / "sipp"
TRUNK_PORT = 30070
NUMBER = "+14255550124"
ENDED_WITHIN = 25.0


@pytest.fixture
def nodes():
    first = dial_out.trunked_server(TRUNK_PORT, "30600-30649")
    second = AtriumServer(key=first.key, env={"DATABASE_URL": first.database_url()},
                          args=dial_out.trunk_args(TRUNK_PORT, "30650-30699"))
    second.start()
    yield first, second
    for node in (second, first):
        try:
            node.stop()
        except RuntimeError:
            pass
        node.cleanup_leftovers()


def answered_on(node):
    return node.log_path.read_text(errors="replace").count("SIP call answered")


def test_the_leg_of_a_killed_node_is_ended_by_another_and_not_dialled_again(nodes, tmp_path):
    first, second = nodes
    phone = subprocess.Popen(
        ["sipp", "-sf", str(SCENARIOS / "answers_and_presses_keys.xml"), "-i", "127.0.0.1", "-p", str(TRUNK_PORT),
         "-mi", "127.0.0.1", "-mp", "30110", "-m", "1", "-timeout", "90s", "-nostdin"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        with EventReceiver() as receiver:
            call = dial_out.connected_call(first, receiver.url)
            call.add_participant(PhoneNumberIdentifier(NUMBER), source_caller_id_number=PhoneNumberIdentifier(
                "+18005550100"))
            receiver.wait_until(
                lambda r: any(e["type"].endswith("AddParticipantSucceeded") for _, e in r.delivered()), 20,
                "AddParticipantSucceeded")
        # The node whose telephony policy placed the dial carries the leg.
        carrier, survivor = (first, second) if answered_on(first) else (second, first)
        assert answered_on(carrier) == 1 and answered_on(survivor) == 0
        carrier.kill9(whole_tree=False)  # the server only: the cluster's PostgreSQL lives on
        killed_at = time.monotonic()

        def audit():
            return dial_out.audit(survivor, call.server_call_id)

        ended = []
        while time.monotonic() - killed_at < ENDED_WITHIN + 10 and not ended:
            time.sleep(0.5)
            ended = [e for e in audit() if e["eventType"] == "CallParticipantLeft"
                     and e["data"]["rawId"] == f"4:{NUMBER}"]
        took = time.monotonic() - killed_at
        assert ended, [e["description"] for e in audit()]
        print(f"\nthe killed node's leg was ended by the other in {took:.1f} s: {ended[0]['description']}")
        assert ended[0]["description"] == f"4:{NUMBER} left: the node carrying it stopped", ended[0]
        assert took <= ENDED_WITHIN, f"{took:.1f} s"
        types = [e["eventType"] for e in audit()]
        assert types.count("CallDialOutRequested") == 1 and types.count("CallDialOutAnswered") == 1, types
        time.sleep(2)
        assert answered_on(survivor) == 0, "the leg was dialled again"
        participants = [p.identifier.raw_id for p in CallAutomationClient(
            survivor.base_url, AzureKeyCredential(survivor.key)).get_call_connection(
            call.connection_id).list_participants()]
        assert f"4:{NUMBER}" not in participants, participants
    finally:
        phone.kill()
        phone.wait()

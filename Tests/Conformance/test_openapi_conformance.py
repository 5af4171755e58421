"""The OpenAPI document Atrium serves agrees with the server: schemathesis (pinned in
requirements.txt) generates requests for every operation from `/openapi.json` — its examples,
boundary values, random valid and invalid data, then sequences of calls along the links it finds
(the stateful phase: a room created, then read, updated, its participants changed, deleted, …) —
against a server of its own, and checks every answer: no 5xx, a documented status code, the
documented content type, a body matching the documented schema.

Authentication and URL handling are in schemathesis_hooks.py, the bounds in schemathesis.toml (a
few examples per operation, one worker, a fixed seed so that a failure repeats): some 680
requests, 40 s on an idle two-core machine, two minutes beside other builds.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import schemathesis
from azure.communication.callautomation import CallAutomationClient
from azure.communication.identity import CommunicationIdentityClient
from azure.communication.rooms import ParticipantRole
from azure.core.credentials import AzureKeyCredential

from atrium_process import AtriumServer
from publishing import call_action, create_room, new_member

HERE = Path(__file__).parent
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
RUN_LIMIT = 300  # seconds


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def own_server():
    """A server of its own: the fuzzed rooms, identities and subscriptions stay out of the others' way."""
    with AtriumServer().running() as server:
        yield server


@pytest.mark.timeout(RUN_LIMIT + 60)
def test_the_openapi_document_agrees_with_the_server(own_server, tmp_path):
    identities = CommunicationIdentityClient(own_server.base_url, AzureKeyCredential(own_server.key))
    user, token = identities.create_user_and_token(["voip"])
    env = dict(os.environ, SCHEMATHESIS_HOOKS="schemathesis_hooks",
               PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
               ATRIUM_ACCESS_KEY=own_server.key, ATRIUM_USER_TOKEN=token.token,
               ATRIUM_USER_ID=user.raw_id,
               ATRIUM_CLOSED_PORT=str(closed_port()))
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(HERE / "schemathesis.toml"),
               "run", f"{own_server.base_url}/openapi.json", "--url", own_server.base_url, "--checks", CHECKS,
               "--no-color"]
    run = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=RUN_LIMIT)
    report = run.stdout[-20000:] + run.stderr[-5000:]
    assert run.returncode == 0, report
    assert "Stateful" in run.stdout, report  # the stateful phase ran


def test_leaving_a_terminated_call_answers_as_the_document_says(atrium, client, identities):
    """The answer a fuzzer reaches only by luck: the call a Call Automation application terminated,
    as its last member leaves it (`endReason` `Terminated`)."""
    document = schemathesis.openapi.from_url(f"{atrium.base_url}/openapi.json")
    presenter, token = new_member(identities)
    room = create_room(client, [(presenter, ParticipantRole.PRESENTER)])
    call_action(atrium, room.id, "join", token)
    automation = CallAutomationClient(atrium.base_url, AzureKeyCredential(atrium.key))
    connected = automation.connect_call(room_id=room.id, callback_url=f"http://127.0.0.1:{closed_port()}/callbacks")
    automation.get_call_connection(connected.call_connection_id).hang_up(is_for_everyone=True)
    left = requests.post(f"{atrium.base_url}/client/rooms/{room.id}/call/leave",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert left.status_code == 200, left.text
    assert left.json()["endReason"] == "Terminated"
    document["/client/rooms/{roomId}/call/leave"]["POST"].validate_response(left)

"""The interpreter scenario, end to end, with the official Azure SDKs against a running Atrium.

A patient asks for an interpreter before a virtual appointment. The backend creates the room (PSTN
dial-out enabled), the patient and the doctor join its call, then the backend connects to the call
(Call Automation), dials the interpreter's phone, plays a prompt, asks the interpreter to confirm
the language by pressing a key, and ends the call for everyone. Nothing happens on any client.

The interpreter's number is one of the simulated carrier's (README, "Telephony"): +14255550120
answers after a second and, asked for input, presses 2 then #.

    Tools/example-interpreter                       # starts a scratch server and runs this
    python Tools/examples/interpreter.py --url http://127.0.0.1:8080 --key <access key>

It prints the Call Automation callbacks (delivered in order), the Event Grid events of a webhook
subscription (delivered in no promised order, like Event Grid's: sorted here by time), and the
call's audit history (who did what, and what caused it). The SDK
conformance suite runs the same `run()` and checks what it returns.
"""

import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from azure.communication.callautomation import (CallAutomationClient, DtmfTone, PhoneNumberIdentifier,
                                                RecognizeInputType, TextSource)
from azure.communication.identity import CommunicationIdentityClient, CommunicationTokenScope
from azure.communication.rooms import ParticipantRole, RoomParticipant, RoomsClient
from azure.core.credentials import AzureKeyCredential

INTERPRETER = "+14255550120"
CALLER_ID = "+18005550100"


class Webhooks:
    """One loopback receiver for both the Call Automation callbacks (`/callbacks`) and the Event Grid
    subscription (`/events`, answering its validation handshake)."""

    def __init__(self):
        self.callbacks, self.events = [], []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"[]")
                answer = b""
                with receiver._changed:
                    if self.headers.get("aeg-event-type") == "SubscriptionValidation":
                        answer = json.dumps({"validationResponse": body[0]["data"]["validationCode"]}).encode()
                    elif self.path.startswith("/callbacks"):
                        receiver._add(receiver.callbacks, body)
                    else:
                        receiver._add(receiver.events, body)
                    receiver._changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    @staticmethod
    def _add(into, events):
        # Deliveries are at least once: a redelivered event (same id) is not a new one.
        seen = {e["id"] for e in into}
        into.extend(e for e in events if e["id"] not in seen)

    def wait_for(self, what, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no {what} after {timeout} s; callbacks: "
                                       f"{[c['type'] for c in self.callbacks]}, events: "
                                       f"{[e['eventType'] for e in self.events]}")
                self._changed.wait(0.2)

    def callback(self, name, operation_context=None):
        for c in self.callbacks:
            if c["type"] == f"Microsoft.Communication.{name}" and (
                    operation_context is None or c["data"].get("operationContext") == operation_context):
                return c
        return None

    def stop(self):
        self._server.shutdown()


class SignedHTTP:
    """HMAC-SHA256 requests for Atrium's own APIs (event subscriptions, audit), signed as the SDKs sign."""

    def __init__(self, url, key):
        self.url, self.key = url.rstrip("/"), key

    def __call__(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        date = format_datetime(datetime.now(timezone.utc), usegmt=True)
        content_hash = base64.b64encode(hashlib.sha256(data).digest()).decode()
        host = urllib.parse.urlparse(self.url).netloc
        to_sign = f"{method}\n{path}\n{date};{host};{content_hash}"
        signature = base64.b64encode(
            hmac.new(base64.b64decode(self.key), to_sign.encode(), hashlib.sha256).digest()).decode()
        headers = {"x-ms-date": date, "x-ms-content-sha256": content_hash, "Content-Type": "application/json",
                   "Authorization": f"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}"}
        response = requests.request(method, self.url + path, data=data, headers=headers, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None


# Within one decision (a call started by a join, the removals that end it) events share a time.
_WRITTEN_FIRST = {"CallStarted": 0, "CallParticipantAdded": 1, "CallParticipantRemoved": 2, "CallEnded": 3}


def in_order(events):
    """Event Grid promises no order (deliveries run concurrently, retries overtake): by eventTime,
    and within one instant in the order a decision writes them."""
    return sorted(events, key=lambda e: (e["eventTime"],
                                         _WRITTEN_FIRST.get(e["eventType"].rsplit(".", 1)[-1], 9)))


def run(url, key, log=print):
    """Plays the scenario; returns what it saw: ids, callbacks, Event Grid events, the audit trail."""
    credential = AzureKeyCredential(key)
    signed = SignedHTTP(url, key)
    hooks = Webhooks()
    try:
        identities = CommunicationIdentityClient(url, credential)
        patient, patient_token = identities.create_user_and_token([CommunicationTokenScope.VOIP])
        doctor, doctor_token = identities.create_user_and_token([CommunicationTokenScope.VOIP])
        now = datetime.now(timezone.utc)
        room = RoomsClient(url, credential).create_room(
            valid_from=now - timedelta(minutes=1), valid_until=now + timedelta(hours=1), pstn_dial_out_enabled=True,
            participants=[RoomParticipant(communication_identifier=doctor, role=ParticipantRole.PRESENTER),
                          RoomParticipant(communication_identifier=patient, role=ParticipantRole.ATTENDEE)])
        log(f"room {room.id}: the doctor (Presenter) and the patient (Attendee), PSTN dial-out enabled")

        subscription = f"interpreter-{uuid.uuid4().hex[:8]}"
        signed("PUT", f"/eventSubscriptions/{subscription}?api-version=2025-06-01", {"properties": {
            "destination": {"endpointType": "WebHook", "properties": {"endpointUrl": hooks.base + "/events"}},
            "filter": {"includedEventTypes": ["Microsoft.Communication.CallStarted",
                                              "Microsoft.Communication.CallParticipantAdded",
                                              "Microsoft.Communication.CallParticipantRemoved",
                                              "Microsoft.Communication.CallEnded"],
                       "advancedFilters": [{"operatorType": "StringIn", "key": "data.room.id", "values": [room.id]}]}}})
        deadline = time.monotonic() + 30
        while signed("GET", f"/eventSubscriptions/{subscription}?api-version=2025-06-01")[
                "properties"]["provisioningState"] != "Succeeded":
            if time.monotonic() > deadline:
                raise TimeoutError("the event subscription was not validated")
            time.sleep(0.2)
        log(f"webhook subscription {subscription} validated")

        for name, token in (("doctor", doctor_token), ("patient", patient_token)):
            joined = requests.post(f"{url}/client/rooms/{room.id}/call/join",
                                   headers={"Authorization": f"Bearer {token.token}"}, timeout=10)
            joined.raise_for_status()
            log(f"the {name} joined call {joined.json()['callId']}")

        automation = CallAutomationClient(url, credential)
        connection = automation.connect_call(room_id=room.id, callback_url=hooks.base + "/callbacks",
                                             operation_context="appointment")
        call = automation.get_call_connection(connection.call_connection_id)
        log(f"connected: call connection {connection.call_connection_id} to server call {connection.server_call_id}")

        interpreter = PhoneNumberIdentifier(INTERPRETER)
        added = call.add_participant(interpreter, source_caller_id_number=PhoneNumberIdentifier(CALLER_ID),
                                     invitation_timeout=30, operation_context="add-interpreter")
        log(f"dialling the interpreter {INTERPRETER} (invitation {added.invitation_id})")
        hooks.wait_for("AddParticipantSucceeded", lambda h: h.callback("AddParticipantSucceeded"))
        in_call = [p.identifier.raw_id for p in call.list_participants()]
        log(f"the interpreter answered; in the call: {', '.join(in_call)}")

        call.play_media(TextSource(text="An interpreter has joined the appointment.", voice_name="en-US-JennyNeural"),
                        operation_context="welcome")
        call.start_recognizing_media(
            input_type=RecognizeInputType.DTMF, target_participant=interpreter,
            play_prompt=TextSource(text="Press 2 for Spanish, then pound.", voice_name="en-US-JennyNeural"),
            dtmf_max_tones_to_collect=1, dtmf_stop_tones=[DtmfTone.POUND], initial_silence_timeout=10,
            operation_context="language")
        hooks.wait_for("RecognizeCompleted or RecognizeFailed",
                       lambda h: h.callback("RecognizeCompleted") or h.callback("RecognizeFailed"))
        recognized = hooks.callback("RecognizeCompleted")
        tones = recognized["data"]["dtmfResult"]["tones"] if recognized else []
        log(f"the interpreter pressed: {' '.join(tones) or '(nothing)'}")
        hooks.wait_for("PlayCompleted", lambda h: h.callback("PlayCompleted", "welcome"))

        call.hang_up(is_for_everyone=True)
        hooks.wait_for("CallDisconnected", lambda h: h.callback("CallDisconnected"))
        hooks.wait_for("CallEnded", lambda h: any(e["eventType"].endswith("CallEnded") for e in h.events))
        log("the call was ended for everyone")

        stream = f"call-{connection.server_call_id}"
        audit = signed("GET", f"/audit/streams/{stream}/events?api-version=2025-06-01")["value"]
        signed("DELETE", f"/eventSubscriptions/{subscription}?api-version=2025-06-01")
        return {"room_id": room.id, "call_id": connection.server_call_id,
                "connection_id": connection.call_connection_id, "patient": patient.raw_id,
                "doctor": doctor.raw_id, "interpreter": interpreter.raw_id, "tones": tones,
                "callbacks": list(hooks.callbacks), "events": in_order(hooks.events), "audit": audit}
    finally:
        hooks.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="Atrium's URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--key", required=True, help="the access key (base64)")
    arguments = parser.parse_args()
    seen = run(arguments.url, arguments.key)

    print("\nCall Automation callbacks (to the call connection's callbackUri):")
    for c in seen["callbacks"]:
        data = c["data"]
        detail = data.get("operationContext") or ""
        if "dtmfResult" in data:
            detail += f" tones={data['dtmfResult']['tones']}"
        print(f"  {c['time'][11:23]}  {c['type'].removeprefix('Microsoft.Communication.'):<26} {detail}")
    print("\nEvent Grid events (to the webhook subscription):")
    for e in seen["events"]:
        print(f"  {e['eventTime'][11:23]}  {e['eventType'].removeprefix('Microsoft.Communication.'):<26} {e['subject']}")
    print(f"\nThe call's audit history (GET /audit/streams/call-{seen['call_id']}/events):")
    people = {seen["doctor"]: "the doctor", seen["patient"]: "the patient"}
    for entry in seen["audit"]:
        cause = entry["cause"]
        why = f"  ← #{cause['version']} {cause['eventType']}" if cause else ""
        actor = people.get(entry["actor"], entry["actor"])
        print(f"  #{entry['version']:<3} {entry['recordedAt'][11:23]}  {actor:<18} {entry['eventType']:<28}{why}")


if __name__ == "__main__":
    main()

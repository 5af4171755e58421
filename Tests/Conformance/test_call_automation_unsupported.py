"""Every Call Automation request option Atrium does not carry out yet is refused with 400 and the
ACS error body naming it (`error.target` is its JSON path), and the request changes nothing: the
call's audit stream is the same afterwards. Sent raw and HMAC-signed, each otherwise valid.
"""

import copy

import pytest
from azure.communication.callautomation import CallAutomationClient, PhoneNumberIdentifier
from azure.communication.rooms import ParticipantRole
from azure.core.credentials import AzureKeyCredential

from event_receiver import EventReceiver
from publishing import call_action, new_member
from test_call_automation_sdk import new_room, wait_callback

API = "api-version=2026-03-12"
PHONE = "+14255550100"  # answers at once, presses nothing
PHONE_ID = {"kind": "phoneNumber", "phoneNumber": {"value": PHONE}, "rawId": f"4:{PHONE}"}
NOWHERE = "https://127.0.0.1:9/unused"  # never contacted
TEXT = [{"kind": "text", "text": {"text": "Hello."}}]

CONNECT = ("connect", {})
ADD = ("participants:add", {"participantToAdd": PHONE_ID, "sourceCallerIdNumber": {"value": "+18005550100"}})
REMOVE = ("participants:remove", {"participantToRemove": PHONE_ID})
CANCEL_ADD = ("participants:cancelAddParticipant", {"invitationId": "00000000-0000-0000-0000-000000000000"})
PLAY = (":play", {"playSources": TEXT})
RECOGNIZE = (":recognize", {"recognizeInputType": "dtmf", "playPrompts": TEXT,
                            "recognizeOptions": {"targetParticipant": PHONE_ID, "dtmfOptions": {"maxTonesToCollect": 1}}})
RECOGNIZE_ONE_PROMPT = (":recognize", {"recognizeInputType": "dtmf", "playPrompt": TEXT[0],
                                       "recognizeOptions": {"targetParticipant": PHONE_ID}})
SEND_DTMF = (":sendDtmfTones", {"tones": ["one"], "targetParticipant": PHONE_ID})
START_DTMF = (":startContinuousDtmfRecognition", {"targetParticipant": PHONE_ID})
STOP_DTMF = (":stopContinuousDtmfRecognition", {"targetParticipant": PHONE_ID})
HOLD = (":hold", {"targetParticipant": PHONE_ID})
UNHOLD = (":unhold", {"targetParticipant": PHONE_ID})
RECORD = ("recording", {})

# (operation, option's JSON path, a value asking for it)
CASES = [
    (CONNECT, "mediaStreamingOptions", {"transportUrl": "wss://127.0.0.1:9/media", "transportType": "websocket",
                                        "contentType": "audio", "audioChannelType": "mixed",
                                        "startMediaStreaming": False}),
    (CONNECT, "transcriptionOptions", {"transportUrl": "wss://127.0.0.1:9/text", "transportType": "websocket",
                                       "locale": "en-US", "startTranscription": False}),
    (CONNECT, "callIntelligenceOptions", {"cognitiveServicesEndpoint": NOWHERE}),
    (ADD, "sourceDisplayName", "Clinic"),
    (ADD, "customCallingContext", {"voipHeaders": {"x-appointment": "42"}}),
    (ADD, "operationCallbackUri", NOWHERE),
    (REMOVE, "operationCallbackUri", NOWHERE),
    (CANCEL_ADD, "operationCallbackUri", NOWHERE),
    (PLAY, "playSources[].text.customVoiceEndpointId", "voice-endpoint"),
    (PLAY, "operationCallbackUri", NOWHERE),
    (RECOGNIZE, "interruptCallMediaOperation", True),
    (RECOGNIZE_ONE_PROMPT, "playPrompt.text.customVoiceEndpointId", "voice-endpoint"),
    (RECOGNIZE, "playPrompts[].text.customVoiceEndpointId", "voice-endpoint"),
    (RECOGNIZE, "recognizeOptions.speechLanguage", "en-US"),
    (RECOGNIZE, "recognizeOptions.speechLanguages", ["en-US"]),
    (RECOGNIZE, "recognizeOptions.speechRecognitionModelEndpointId", "model"),
    (RECOGNIZE, "recognizeOptions.speechOptions", {"endSilenceTimeoutInMs": 500}),
    (RECOGNIZE, "recognizeOptions.choices", [{"label": "yes", "phrases": ["yes"], "tone": "one"}]),
    (RECOGNIZE, "operationCallbackUri", NOWHERE),
    (SEND_DTMF, "operationCallbackUri", NOWHERE),
    (START_DTMF, "operationCallbackUri", NOWHERE),
    (STOP_DTMF, "operationCallbackUri", NOWHERE),
    (HOLD, "playSourceInfo", {"kind": "file", "file": {"uri": "https://127.0.0.1:9/hold.wav"}}),
    (HOLD, "operationCallbackUri", NOWHERE),
    (UNHOLD, "operationCallbackUri", NOWHERE),
    (RECORD, "audioChannelParticipantOrdering", [PHONE_ID]),
    (RECORD, "channelAffinity", [{"channel": 0, "participant": PHONE_ID}]),
    (RECORD, "externalStorage", {"storageType": "azureBlobStorage",
                                 "blobStorage": {"containerUri": "https://127.0.0.1:9/recordings"}}),
]


def with_option(body, path, value):
    """`body` with `value` at `path` (`a.b`, `a[].b`: in the array's first element)."""
    body = copy.deepcopy(body)
    *parents, leaf = path.split(".")
    node = body
    for name in parents:
        node = node[name[:-2]][0] if name.endswith("[]") else node[name]
    node[leaf] = value
    return body


class RoomCall:
    """A room call with a phone in it and the application connected."""

    def __init__(self, atrium, client, identities, receiver):
        presenter, token = new_member(identities)
        self.room = new_room(client, [(presenter, ParticipantRole.PRESENTER)])
        call_action(atrium, self.room.id, "join", token)
        automation = CallAutomationClient(atrium.base_url, AzureKeyCredential(atrium.key))
        self.properties = automation.connect_call(room_id=self.room.id, callback_url=receiver.url)
        self.connection = automation.get_call_connection(self.properties.call_connection_id)
        wait_callback(receiver, "CallConnected")
        self.connection.add_participant(PhoneNumberIdentifier(PHONE),
                                        source_caller_id_number=PhoneNumberIdentifier("+18005550100"),
                                        operation_context="add")
        wait_callback(receiver, "AddParticipantSucceeded", "add")

    def request(self, operation, receiver_url):
        kind, base = operation
        connection = f"/calling/callConnections/{self.properties.call_connection_id}"
        if kind == "connect":
            return "/calling/callConnections:connect", {
                "callLocator": {"kind": "roomCallLocator", "roomId": self.room.id}, "callbackUri": receiver_url}
        if kind == "recording":
            return "/calling/recordings", {"callLocator": {"kind": "roomCallLocator", "roomId": self.room.id}}
        return connection + ("" if kind.startswith(":") else "/") + kind, base

    def history(self, atrium):
        answer = atrium.signed_request(
            "GET", f"/audit/streams/call-{self.properties.server_call_id}/events?api-version=2025-06-01")
        assert answer.status_code == 200 and "nextLink" not in answer.json()
        return [e["eventType"] for e in answer.json()["value"]]


@pytest.fixture(scope="module")
def receiver():
    with EventReceiver() as r:
        yield r


@pytest.fixture(scope="module")
def room_call(atrium, client, identities, receiver):
    return RoomCall(atrium, client, identities, receiver)


@pytest.mark.parametrize("operation,path,value", CASES, ids=[f"{op[0]}-{path}" for op, path, _ in CASES])
def test_an_option_atrium_does_not_carry_out_is_refused_and_changes_nothing(atrium, room_call, receiver,
                                                                            operation, path, value):
    before = room_call.history(atrium)
    target, body = room_call.request(operation, receiver.url)
    answer = atrium.signed_request("POST", f"{target}?{API}", with_option(body, path, value))
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["target"]) == ("BadRequest", path)
    assert "not supported by Atrium" in error["message"]
    assert answer.headers["x-ms-error-code"] == "BadRequest"
    assert room_call.history(atrium) == before


def test_an_option_sent_as_null_false_or_empty_asks_for_nothing_and_is_accepted(atrium, room_call, receiver):
    target, body = room_call.request(CONNECT, receiver.url)
    body.update(mediaStreamingOptions=None, transcriptionOptions={}, callIntelligenceOptions=None)
    connected = atrium.signed_request("POST", f"{target}?{API}", body)
    assert connected.status_code == 200, connected.text
    target, body = room_call.request(START_DTMF, receiver.url)
    started = atrium.signed_request("POST", f"{target}?{API}", dict(body, operationCallbackUri=None))
    assert started.status_code == 200, started.text
    target, body = room_call.request(RECOGNIZE, receiver.url)
    body["interruptCallMediaOperation"] = False
    body["recognizeOptions"]["initialSilenceTimeoutInSeconds"] = 1
    recognizing = atrium.signed_request("POST", f"{target}?{API}", body)
    assert recognizing.status_code == 202, recognizing.text
    target, body = room_call.request(RECORD, receiver.url)
    recording = atrium.signed_request("POST", f"{target}?{API}", dict(body, channelAffinity=[]))
    assert recording.status_code == 200, recording.text  # as the SDK sends it when not asked

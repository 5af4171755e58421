"""Callbacks in the shape of the api-version a connection was made with: an application written
for an older Call Automation version (the official samples among them) reads the fields that
version defines.

`RecognizeCompleted`: 2023-03-06 carries the tones in `collectTonesResult` (what the samples for
azure-communication-callautomation 1.0.0 read: `data["collectTonesResult"]["tones"]`), every later
version in `dtmfResult`. `ContinuousDtmfRecognitionToneReceived`: up to 2023-06-15-preview the tone
is in `toneInfo {sequenceId, tone}` (`data["toneInfo"]`), from 2023-10-15 at the top of `data`.
The SDK's client is built with each `api_version`; the callbacks are read raw, as the samples do.
"""

import pytest
from azure.communication.callautomation import (CallAutomationClient, DtmfTone, PhoneNumberIdentifier,
                                                RecognizeInputType)
from azure.communication.rooms import ParticipantRole
from azure.core.credentials import AzureKeyCredential
from azure.core.messaging import CloudEvent

from event_receiver import EventReceiver
from publishing import call_action, new_member
from test_call_automation_sdk import CALLER_ID, CALLBACK_TIMEOUT, callbacks, new_room, wait_callback

PRESSES_7 = "+14255550170"  # answers after a second, presses 7 then # when asked

# api-version → (where RecognizeCompleted's tones are, where a received tone is)
SHAPES = {
    "2023-03-06": ("collectTonesResult", "toneInfo"),
    "2023-06-15-preview": ("dtmfResult", "toneInfo"),
    "2023-10-15": ("dtmfResult", None),
    "2024-09-15": ("dtmfResult", None),
    "2026-03-12": ("dtmfResult", None),
}


@pytest.mark.parametrize("api_version", SHAPES)
def test_dtmf_callbacks_carry_the_fields_of_the_connections_api_version(atrium, client, identities, api_version):
    tones_field, tone_holder = SHAPES[api_version]
    automation = CallAutomationClient(atrium.base_url, AzureKeyCredential(atrium.key), api_version=api_version)
    presenter, token = new_member(identities)
    room = new_room(client, [(presenter, ParticipantRole.PRESENTER)])
    call_action(atrium, room.id, "join", token)
    with EventReceiver() as receiver:
        properties = automation.connect_call(room_id=room.id, callback_url=receiver.url)
        connection = automation.get_call_connection(properties.call_connection_id)
        wait_callback(receiver, "CallConnected")
        line = PhoneNumberIdentifier(PRESSES_7)
        connection.add_participant(line, source_caller_id_number=CALLER_ID, operation_context="add")
        wait_callback(receiver, "AddParticipantSucceeded", "add")

        connection.start_recognizing_media(input_type=RecognizeInputType.DTMF, target_participant=line,
                                           dtmf_max_tones_to_collect=1, operation_context="menu")
        recognized = CloudEvent.from_dict(wait_callback(receiver, "RecognizeCompleted", "menu"))
        # As the samples read it.
        assert recognized.data[tones_field]["tones"][0] == DtmfTone.SEVEN
        other = {"collectTonesResult", "dtmfResult"} - {tones_field}
        assert not other & recognized.data.keys()

        connection.start_continuous_dtmf_recognition(target_participant=line, operation_context="keys")
        receiver.wait_until(
            lambda r: len([e for e in callbacks(r) if e["type"].endswith("ToneReceived")]) >= 2,
            CALLBACK_TIMEOUT, "two ContinuousDtmfRecognitionToneReceived")
        received = [CloudEvent.from_dict(e).data for e in callbacks(receiver) if e["type"].endswith("ToneReceived")]
        if tone_holder:
            assert [d[tone_holder]["tone"] for d in received] == ["seven", "pound"]
            assert received[1][tone_holder]["sequenceId"] == received[0][tone_holder]["sequenceId"] + 1
            assert not {"tone", "sequenceId"} & received[0].keys()
        else:
            assert [d["tone"] for d in received] == ["seven", "pound"]
            assert received[1]["sequenceId"] == received[0]["sequenceId"] + 1
            assert "toneInfo" not in received[0]
        assert all(d["participant"]["rawId"] == f"4:{PRESSES_7}" for d in received)
        connection.hang_up(is_for_everyone=True)

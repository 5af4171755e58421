"""Phone legs through a real SIP peer: Atrium started with `--sip-trunk` dials SIPp (Debian's
`sip-tester`), which plays the phone with the scenarios in `sipp/`: it answers and presses keys
(RFC 4733, from SIPp's own pcaps), it is busy, it declines, it rings until canceled, it answers and
hangs up. The SDK code is the same as against the simulated carrier; each case checks the
callbacks the connection gets, the SIP outcome in the call's audit trail, and that SIPp saw the
whole dialog it expects (its exit status is 0 only then).
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from azure.communication.callautomation import DtmfTone, PhoneNumberIdentifier, RecognizeInputType

import dial_out
from event_receiver import EventReceiver

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp (Debian sip-tester) is not installed"),
]

SCENARIOS = Path(__file__).parent / "sipp"
TRUNK_PORT = 30060  # SIPp, playing the trunk and the phone behind it
PHONE_MEDIA_PORT = 30100
CALLBACK = "Microsoft.Communication."
NUMBER = "+14255550123"
CALLER = "+18005550100"


@pytest.fixture(scope="module")
def trunked():
    """A server of its own whose phone legs go to 127.0.0.1:30060."""
    server = dial_out.trunked_server(TRUNK_PORT, "30200-30299")
    yield server
    server.stop()
    server.cleanup_leftovers()


class Phone:
    """One SIPp run of a scenario, answering on the trunk's port; its exit status says whether the
    dialog went as the scenario expects."""

    def __init__(self, scenario, workdir):
        self.process = subprocess.Popen(
            ["sipp", "-sf", str(SCENARIOS / scenario), "-i", "127.0.0.1", "-p", str(TRUNK_PORT),
             "-mi", "127.0.0.1", "-mp", str(PHONE_MEDIA_PORT), "-m", "1", "-timeout", "40s", "-timeout_error",
             "-nostdin", "-trace_msg", "-trace_logs", "-trace_err"],
            cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.workdir = workdir
        time.sleep(0.3)  # listening

    def finished(self, timeout=30):
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.returncode

    def transcript(self):
        """SIPp's errors and the end of its SIP trace, for a failure's message."""
        logs = sorted(Path(self.workdir).glob("*errors.log")) + sorted(Path(self.workdir).glob("*messages.log"))
        return "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-3000:] for p in logs)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def phone(tmp_path):
    phones = []

    def start(scenario):
        phones.append(Phone(scenario, tmp_path))
        return phones[-1]
    yield start
    for p in phones:
        p.stop()


def callbacks(receiver):
    return [e for _, e in receiver.delivered()]


def named(receiver, name):
    return [e for e in callbacks(receiver) if e["type"] == CALLBACK + name]


audit = dial_out.audit


def dial(call):
    call.add_participant(PhoneNumberIdentifier(NUMBER), source_caller_id_number=PhoneNumberIdentifier(CALLER),
                         operation_context="dial", invitation_timeout=4)


def test_a_phone_that_answers_rings_is_answered_and_its_keys_are_recognized(trunked, phone):
    sipp = phone("answers_and_presses_keys.xml")
    with EventReceiver() as receiver:
        call = dial_out.connected_call(trunked, receiver.url)
        dial(call)
        receiver.wait_until(lambda r: named(r, "AddParticipantSucceeded"), 15, "AddParticipantSucceeded")
        # SIPp presses 1 then # two seconds after the ACK; # ends the recognition (and is not collected).
        call.start_recognizing_media(
            RecognizeInputType.DTMF, PhoneNumberIdentifier(NUMBER), dtmf_max_tones_to_collect=4,
            dtmf_stop_tones=[DtmfTone.POUND], initial_silence_timeout=10, operation_context="keys")
        receiver.wait_until(lambda r: named(r, "RecognizeCompleted") or named(r, "RecognizeFailed"), 15,
                            "the recognition's end")
        recognized = named(receiver, "RecognizeCompleted")
        assert recognized, [e["type"] for e in callbacks(receiver)]
        assert recognized[0]["data"]["dtmfResult"]["tones"] == ["one"], recognized[0]["data"]
        call.remove_participant(PhoneNumberIdentifier(NUMBER))
        assert sipp.finished() == 0, sipp.transcript()
    events = audit(trunked, call.server_call_id)
    described = [e["description"] for e in events]
    assert f"4:{NUMBER} ringing (SIP 180)" in described, described
    assert f"4:{NUMBER} answered (SIP 200)" in described, described
    answered = next(e for e in events if e["eventType"] == "CallDialOutAnswered")
    assert answered["actor"] == "carrier:sip-trunk" and answered["cause"]["eventType"] == "CallDialOutRequested"
    pressed = [e["description"] for e in events if e["eventType"] == "CallTonesReceived"]
    assert pressed == [f"4:{NUMBER} pressed 1", f"4:{NUMBER} pressed #"], pressed


@pytest.mark.parametrize("scenario,code,reason", [("busy.xml", 486, "Busy Here"), ("declines.xml", 603, "Decline")])
def test_a_phone_that_refuses_fails_the_add_with_its_sip_status(trunked, phone, scenario, code, reason):
    sipp = phone(scenario)
    with EventReceiver() as receiver:
        call = dial_out.connected_call(trunked, receiver.url)
        dial(call)
        receiver.wait_until(lambda r: named(r, "AddParticipantFailed"), 15, "AddParticipantFailed")
        failed = named(receiver, "AddParticipantFailed")[0]["data"]
        assert failed["resultInformation"]["code"] == code, failed
        assert not named(receiver, "AddParticipantSucceeded")
        assert sipp.finished() == 0, sipp.transcript()
    described = [e["description"] for e in audit(trunked, call.server_call_id)]
    assert any(d.startswith(f"4:{NUMBER} did not connect:") and f"(SIP {code} {reason})" in d for d in described), \
        described


def test_a_phone_that_never_answers_is_canceled_when_the_invitation_times_out(trunked, phone):
    sipp = phone("rings_until_canceled.xml")
    with EventReceiver() as receiver:
        call = dial_out.connected_call(trunked, receiver.url)
        started = time.monotonic()
        dial(call)  # invitation_timeout=4
        receiver.wait_until(lambda r: named(r, "AddParticipantFailed"), 20, "AddParticipantFailed")
        waited = time.monotonic() - started
        assert 3.5 <= waited <= 8, f"failed after {waited:.1f} s (the invitation timeout is 4 s)"
        failed = named(receiver, "AddParticipantFailed")[0]["data"]
        assert failed["resultInformation"]["code"] == 408, failed
        assert sipp.finished() == 0, sipp.transcript()  # it got the CANCEL and the ACK of its 487


def test_canceling_the_add_cancels_the_ringing_phone(trunked, phone):
    sipp = phone("rings_until_canceled.xml")
    with EventReceiver() as receiver:
        call = dial_out.connected_call(trunked, receiver.url)
        added = call.add_participant(PhoneNumberIdentifier(NUMBER), source_caller_id_number=PhoneNumberIdentifier(CALLER),
                                     operation_context="dial", invitation_timeout=30)
        time.sleep(1.0)  # ringing
        call.cancel_add_participant_operation(added.invitation_id)
        receiver.wait_until(lambda r: named(r, "CancelAddParticipantSucceeded"), 15, "CancelAddParticipantSucceeded")
        assert sipp.finished(timeout=10) == 0, sipp.transcript()
        assert not named(receiver, "AddParticipantSucceeded")


def test_a_phone_that_hangs_up_leaves_the_call(trunked, phone):
    sipp = phone("answers_then_hangs_up.xml")
    with EventReceiver() as receiver:
        call = dial_out.connected_call(trunked, receiver.url)
        dial(call)
        receiver.wait_until(lambda r: named(r, "AddParticipantSucceeded"), 15, "AddParticipantSucceeded")

        def phone_gone(r):
            updates = named(r, "ParticipantsUpdated")
            return updates and all(p["identifier"]["rawId"] != f"4:{NUMBER}" for p in updates[-1]["data"]["participants"]) \
                and any(f"4:{NUMBER}" in [p["identifier"]["rawId"] for p in u["data"]["participants"]] for u in updates)
        receiver.wait_until(phone_gone, 15, "the phone gone from the participants")
        assert sipp.finished() == 0, sipp.transcript()
    described = [e["description"] for e in audit(trunked, call.server_call_id)]
    assert f"4:{NUMBER} left: BYE from the far end" in described, described

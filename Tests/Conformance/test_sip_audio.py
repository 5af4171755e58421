"""Real audio on a phone leg: Atrium dials a real softphone (baresip, Debian's `baresip-core`)
through `--sip-trunk`; the phone answers by itself, speaks a WAV into the call and records what it
hears. A prompt Atrium plays (a WAV file fetched from a URL, at 16 kHz: resampled on the way) must
arrive whole: in the phone's recording, the loud stretch lasts the prompt's length within 100 ms.
A text prompt (espeak-ng) arrives as speech; tones sent (RFC 4733) are the keys the phone reports. The
SDK code is what it would be against ACS. A recording of the call holds the phone's speech, and is
downloaded from where its RecordingFileStatusUpdated event says (HMAC-signed, as every request).
"""

import http.server
import shutil
import subprocess
import threading
import time
import wave
from array import array
from pathlib import Path

import pytest
from azure.communication.callautomation import (
    CallAutomationClient, DtmfTone, FileSource, PhoneNumberIdentifier, ServerCallLocator, SsmlSource, TextSource)
from azure.core.credentials import AzureKeyCredential

import dial_out
from event_receiver import EventReceiver

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(not (shutil.which("baresip") and shutil.which("sox") and shutil.which("espeak-ng")),
                       reason="baresip, sox and espeak-ng (Debian) are needed"),
]

PHONE_SIP_PORT = 30402
NUMBER = "+14255550177"
SECOND_NUMBER = "+14255550178"  # a second line of the same softphone
CALLER = "+18005550100"
CALLBACK = "Microsoft.Communication."
TONE_SECONDS = 1.5


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("sip-audio")


@pytest.fixture(scope="module")
def trunked():
    server = dial_out.trunked_server(PHONE_SIP_PORT, "30300-30399")
    yield server
    server.stop()
    server.cleanup_leftovers()


@pytest.fixture(scope="module")
def prompts(work):
    """A 1.5 s 440 Hz tone as a 16 kHz WAV, served over HTTP on loopback."""
    folder = work / "prompts"
    folder.mkdir()
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(folder / "tone.wav"),
                    "synth", str(TONE_SECONDS), "sine", "440", "vol", "0.5"], check=True)
    (folder / "not-audio.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk" + bytes(range(256)) * 8)
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(folder), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class Softphone:
    """baresip answering calls to NUMBER by itself, speaking `speech.wav` and recording what it hears."""

    def __init__(self, work):
        self.home = work / f"baresip-{time.monotonic_ns()}"
        self.recordings = self.home / "recordings"
        self.recordings.mkdir(parents=True)
        speech = self.home / "speech.wav"
        spoken = subprocess.run(["espeak-ng", "-v", "en-us", "--stdout", "This is the phone speaking. " * 4],
                                check=True, capture_output=True).stdout
        subprocess.run(["sox", "-t", "wav", "-", "-r", "8000", "-c", "1", "-b", "16", str(speech)],
                       input=spoken, check=True)
        (self.home / "config").write_text(f"""poll_method epoll
sip_listen 127.0.0.1:{PHONE_SIP_PORT}
net_interface 127.0.0.1
call_max_calls 4
audio_player alsa,null
audio_source aufile,{speech}
audio_alert alsa,null
audio_buffer 20-160
rtp_ports 30420-30429
rtcp_mux no
jitter_buffer_delay 5-10
module_path /usr/lib/baresip/modules
module g711.so
module alsa.so
module aufile.so
module sndfile.so
module_tmp uuid.so
module_tmp account.so
module_app menu.so
snd_path {self.recordings}
""")
        (self.home / "accounts").write_text("".join(
            f"<sip:{number}@127.0.0.1:{PHONE_SIP_PORT}>;regint=0;answermode=auto;audio_codecs=PCMU\n"
            for number in (NUMBER, SECOND_NUMBER)))
        self.log = open(self.home / "baresip.log", "wb")
        self.process = subprocess.Popen(["baresip", "-f", str(self.home), "-t", "60"], stdin=subprocess.PIPE,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        time.sleep(1.0)  # listening

    def heard(self, call=-1):
        """What the phone recorded on a call (8 kHz, 16-bit samples): the last, or the `call`th."""
        files = sorted(self.recordings.glob("*-dec.wav"))
        assert files, f"baresip recorded nothing\n{self.log_text()}"
        with wave.open(str(files[call])) as w:
            assert w.getframerate() == 8000 and w.getsampwidth() == 2, (w.getframerate(), w.getsampwidth())
            return array("h", w.readframes(w.getnframes()))

    def log_text(self):
        return (self.home / "baresip.log").read_text(errors="replace")[-3000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def softphone(work):
    phone = Softphone(work)
    yield phone
    phone.stop()


def connected_phone_call(server, receiver):
    """A room call with the phone (NUMBER) answered in it."""
    call = dial_out.connected_call(server, receiver.url)
    call.add_participant(PhoneNumberIdentifier(NUMBER), source_caller_id_number=PhoneNumberIdentifier(CALLER))
    receiver.wait_until(lambda r: named(r, "AddParticipantSucceeded") or named(r, "AddParticipantFailed"), 15,
                        "the phone's answer")
    assert named(receiver, "AddParticipantSucceeded"), [e["type"] for _, e in receiver.delivered()]
    return call


def named(receiver, name):
    return [e for _, e in receiver.delivered() if e["type"] == CALLBACK + name]


def loud_stretches(samples, threshold=1000, frame=160):
    """(start, end) in seconds of each run of 20 ms frames whose RMS passes `threshold`."""
    stretches, start = [], None
    for index in range(0, len(samples) - frame + 1, frame):
        chunk = samples[index:index + frame]
        rms = (sum(s * s for s in chunk) / frame) ** 0.5
        if rms >= threshold and start is None:
            start = index
        elif rms < threshold and start is not None:
            stretches.append((start / 8000, index / 8000))
            start = None
    if start is not None:
        stretches.append((start / 8000, len(samples) / 8000))
    return stretches


def test_a_played_file_reaches_the_phone_whole(trunked, softphone, prompts):
    with EventReceiver() as receiver:
        call = connected_phone_call(trunked, receiver)
        time.sleep(0.5)
        call.play_media(FileSource(url=f"{prompts}/tone.wav"), [PhoneNumberIdentifier(NUMBER)],
                        operation_context="tone")
        receiver.wait_until(lambda r: named(r, "PlayCompleted") or named(r, "PlayFailed"), 15, "the play's end")
        assert named(receiver, "PlayCompleted"), [e["type"] for _, e in receiver.delivered()]
        time.sleep(0.5)
        call.remove_participant(PhoneNumberIdentifier(NUMBER))
        time.sleep(1.0)
    softphone.stop()
    stretches = loud_stretches(softphone.heard())
    assert stretches, "the phone heard nothing loud"
    longest = max(stretches, key=lambda s: s[1] - s[0])
    heard_for = longest[1] - longest[0]
    print(f"\nthe phone heard the {TONE_SECONDS} s tone for {heard_for:.3f} s ({stretches})")
    assert abs(heard_for - TONE_SECONDS) <= 0.1, stretches


def test_spoken_text_reaches_the_phone(trunked, softphone):
    with EventReceiver() as receiver:
        call = connected_phone_call(trunked, receiver)
        time.sleep(0.5)
        call.play_media_to_all(TextSource(text="Welcome to Atrium. Your interpreter is on the line.",
                                          voice_name="en-US-JennyNeural"), operation_context="welcome")
        receiver.wait_until(lambda r: named(r, "PlayCompleted") or named(r, "PlayFailed"), 20, "the play's end")
        assert named(receiver, "PlayCompleted"), [e["type"] for _, e in receiver.delivered()]
        call.remove_participant(PhoneNumberIdentifier(NUMBER))
        time.sleep(1.0)
    softphone.stop()
    spoken = sum(end - start for start, end in loud_stretches(softphone.heard(), threshold=300))
    print(f"\nthe phone heard {spoken:.2f} s of speech")
    assert spoken >= 1.5, f"{spoken:.2f} s of speech heard"


def test_ssml_is_spoken_with_its_pauses(trunked, softphone):
    with EventReceiver() as receiver:
        call = connected_phone_call(trunked, receiver)
        time.sleep(0.5)
        call.play_media(SsmlSource(ssml_text='<speak>Your code is seven. <break time="1500ms"/> Goodbye.</speak>'),
                        [PhoneNumberIdentifier(NUMBER)], operation_context="ssml")
        receiver.wait_until(lambda r: named(r, "PlayCompleted") or named(r, "PlayFailed"), 20, "the play's end")
        assert named(receiver, "PlayCompleted"), [e["type"] for _, e in receiver.delivered()]
        call.remove_participant(PhoneNumberIdentifier(NUMBER))
        time.sleep(1.0)
    softphone.stop()
    stretches = loud_stretches(softphone.heard(), threshold=300)
    gaps = [later[0] - earlier[1] for earlier, later in zip(stretches, stretches[1:])]
    print(f"\nthe phone heard {stretches}")
    assert stretches and max(gaps, default=0) >= 1.3, f"no pause of 1.5 s between the words: {stretches}"


def test_tones_sent_are_the_keys_the_phone_hears(trunked, softphone):
    with EventReceiver() as receiver:
        call = connected_phone_call(trunked, receiver)
        time.sleep(0.5)
        call.send_dtmf_tones([DtmfTone.ONE, DtmfTone.FIVE, DtmfTone.POUND], PhoneNumberIdentifier(NUMBER),
                             operation_context="keys")
        receiver.wait_until(lambda r: named(r, "SendDtmfTonesCompleted"), 15, "SendDtmfTonesCompleted")
        time.sleep(0.5)
        call.remove_participant(PhoneNumberIdentifier(NUMBER))
        time.sleep(0.5)
    softphone.stop()
    log = softphone.log_text()
    ends = [line for line in log.splitlines() if "received event" in line and "end=1" in line]
    assert [line.split("'")[1] for line in ends] == ["1", "5", "#"], log


@pytest.mark.parametrize("name,sub_code", [("missing.wav", 8536), ("not-audio.wav", 8535)])
def test_a_prompt_that_cannot_be_played_fails_the_play_and_the_call_goes_on(trunked, softphone, prompts, name,
                                                                           sub_code):
    with EventReceiver() as receiver:
        call = connected_phone_call(trunked, receiver)
        call.play_media(FileSource(url=f"{prompts}/{name}"), [PhoneNumberIdentifier(NUMBER)], operation_context="bad")
        receiver.wait_until(lambda r: named(r, "PlayFailed") or named(r, "PlayCompleted"), 15, "the play's end")
        failed = named(receiver, "PlayFailed")
        assert failed, [e["type"] for _, e in receiver.delivered()]
        result = failed[0]["data"]["resultInformation"]
        assert (result["code"], result["subCode"]) == (400, sub_code), failed[0]["data"]
        assert failed[0]["data"]["failedPlaySourceIndex"] == 0
        # The leg is unharmed: a good prompt plays after the bad one.
        call.play_media(FileSource(url=f"{prompts}/tone.wav"), [PhoneNumberIdentifier(NUMBER)],
                        operation_context="good")
        receiver.wait_until(lambda r: named(r, "PlayCompleted"), 15, "the good prompt's end")
        call.remove_participant(PhoneNumberIdentifier(NUMBER))


def test_a_recording_holds_what_the_phone_said(trunked, softphone):
    automation = CallAutomationClient(trunked.base_url, AzureKeyCredential(trunked.key))
    with EventReceiver() as receiver:
        call = connected_phone_call(trunked, receiver)
        recording = automation.start_recording(ServerCallLocator(call.server_call_id))
        time.sleep(3.0)  # the phone speaks all along
        automation.stop_recording(recording.recording_id)
        call.remove_participant(PhoneNumberIdentifier(NUMBER))
    events = dial_out.audit(trunked, call.server_call_id)
    ready = [e for e in events if e["eventType"] == "CallRecordingFileReady"]
    deadline = time.monotonic() + 10
    while not ready and time.monotonic() < deadline:
        time.sleep(0.2)
        ready = [e for e in dial_out.audit(trunked, call.server_call_id) if e["eventType"] == "CallRecordingFileReady"]
    assert ready, [e["eventType"] for e in events]
    location = ready[0]["data"]["file"]["contentLocation"]
    assert location == f"{trunked.base_url}/calling/recordings/{recording.recording_id}/content", location
    downloaded = trunked.signed_request("GET", location.removeprefix(trunked.base_url))
    assert downloaded.status_code == 200 and downloaded.headers["Content-Type"] == "audio/wav", downloaded.text[:300]
    path = Path(softphone.home) / "atrium-recording.wav"
    path.write_bytes(downloaded.content)
    with wave.open(str(path)) as w:
        seconds = w.getnframes() / w.getframerate()
        samples = array("h", w.readframes(w.getnframes()))
    spoken = sum(end - start for start, end in loud_stretches(samples, threshold=300))
    print(f"\nthe recording lasts {seconds:.2f} s; the phone's speech in it: {spoken:.2f} s")
    assert 2.5 <= seconds <= 5.0, seconds
    assert spoken >= 1.0, f"{spoken:.2f} s of the phone's speech in the recording"
    assert trunked.signed_request("DELETE", location.removeprefix(trunked.base_url)).status_code == 200
    assert trunked.signed_request("GET", location.removeprefix(trunked.base_url)).status_code == 404

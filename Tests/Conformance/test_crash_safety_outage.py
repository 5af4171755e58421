"""The bad hour: PostgreSQL goes away under a running server, and the server is stopped in every
state. While the database is down, commands, reads and /readyz answer 503 (ACS error body,
`Retry-After`) within a couple of seconds instead of hanging; SIGTERM stops the server within its
`--shutdown-timeout` (10 s by default) idle, with the database down, after the database came back,
and with a call feed open, each by its own means; with the database frozen (statements in flight
that nothing can cancel) by the last resort. After each stop, every acknowledged command is there.

Each test runs its own server (the shared one is left alone), on one data dir for the module, and
stops and starts the server's embedded PostgreSQL behind its back with pg_ctl.
"""

import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
import requests
from azure.core.credentials import AzureKeyCredential
from azure.communication.identity import CommunicationIdentityClient, CommunicationTokenScope

import acs_hmac
from atrium_process import AtriumServer, process_tree
from acs_values import synthetic_user

pytestmark = pytest.mark.timeout(240)

ROOMS = "/rooms?api-version=2025-03-13"
SHUTDOWN_TIMEOUT = 10.0  # atrium serve's default --shutdown-timeout
ANSWER_WITHIN = 2.5  # "within a second or two": the database deadline is 1 s
HARD_STOP_LINE = "did not stop within --shutdown-timeout"


# -- the server and its PostgreSQL -------------------------------------------------------------

@pytest.fixture(scope="module")
def data_dir():
    path = tempfile.mkdtemp(prefix="atrium-outage-")
    yield path
    if not os.environ.get("ATRIUM_TEST_KEEP_DATABASES"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def server(data_dir, request):
    """A server of its own on the module's data dir, started; stopped (or killed) afterwards."""
    atrium = AtriumServer(data_dir=data_dir)
    atrium.start()
    yield atrium
    try:
        atrium.stop()
    except RuntimeError:
        pass  # killed by stop(); the test has already failed on it
    finally:
        atrium.cleanup_leftovers()
        postgres_running = (atrium.data_dir / "postgres" / "postmaster.pid").exists()
        if postgres_running:  # a test that failed between stopping and starting it
            pg_ctl(atrium, "-m", "immediate", "-w", "stop", check=False)


def pg_ctl(atrium, *args, check=True):
    """pg_ctl on the server's embedded cluster, as the `postgres` user when we are root (as atrium does)."""
    binary = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1] if glob.glob(
        "/usr/lib/postgresql/*/bin/pg_ctl") else shutil.which("pg_ctl")
    command = [binary, "-D", str(atrium.data_dir / "postgres"), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", "env", "-C", "/", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if check:
        assert done.returncode == 0, f"pg_ctl {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def postgres_port(atrium):
    return (atrium.data_dir / "postgres" / "postmaster.pid").read_text().splitlines()[3].strip()


def stop_postgres(atrium):
    """The outage: an administrator's fast stop (sessions are ended, new connections refused)."""
    port = postgres_port(atrium)
    pg_ctl(atrium, "-m", "fast", "-w", "-t", "60", "stop")
    return port


def start_postgres(atrium, port):
    """PostgreSQL back on the port the server knows."""
    pg_ctl(atrium, "-l", str(atrium.data_dir / "postgres.log"), "-w", "-t", "60", "-o", f"-p {port}", "start")


def sigterm_and_time(atrium):
    """SIGTERM, and the seconds until the process has exited (killed, and failed, past 30 s)."""
    started = time.monotonic()
    atrium.stop()
    elapsed = time.monotonic() - started
    print(f"\nSIGTERM → exit in {elapsed:.2f} s (exit status {atrium.process.returncode})")
    return elapsed


def assert_stopped_in_time(atrium, elapsed):
    assert elapsed < SHUTDOWN_TIMEOUT, (
        f"the server took {elapsed:.1f} s to stop (--shutdown-timeout {SHUTDOWN_TIMEOUT:.0f} s)\n"
        + last_run_log(atrium))
    # Stopped by its own means, not by the last resort: the causes of the hang are gone. (This run's
    # lines only: the module's runs share one log, and the frozen case's stop ends by the last resort.)
    assert HARD_STOP_LINE not in last_run_text(atrium), last_run_log(atrium)
    assert atrium.process.returncode == 0, f"exit status {atrium.process.returncode}\n" + last_run_log(atrium)


def last_run_text(atrium):
    """The log's lines since the last start."""
    text = atrium.log_path.read_text(errors="replace")
    return text[text.rfind("===== start"):]


def last_run_log(atrium, lines=60):
    """The last run's log without the pool's reconnection attempts, which would fill any tail."""
    run = last_run_text(atrium).splitlines()
    kept = [line for line in run if "[PostgresNIO] Connection creation failed" not in line]
    return f"----- the last run's log, {len(run) - len(kept)} reconnection lines left out -----\n" + "\n".join(
        kept[-lines:])


# -- commands --------------------------------------------------------------------------------

class Writers:
    """Threads creating rooms (with Repeatability headers) until stopped; every attempt is recorded:
    acked (201), refused while the database is down (503), or lost (no answer)."""

    def __init__(self, atrium, threads=4, timeout=15):
        self.atrium, self.timeout = atrium, timeout
        self.stop_event, self.lock, self.attempts = threading.Event(), threading.Lock(), []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def _run(self):
        with requests.Session() as session:
            while not self.stop_event.is_set():
                attempt = create_room(self.atrium, session, self.timeout)
                with self.lock:
                    self.attempts.append(attempt)
                # A steady load, not a flood: every acknowledged room is checked afterwards.
                time.sleep(0.05 if attempt["status"] == 503 else 0.02)

    def finish(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(self.timeout + 5)
        assert not any(t.is_alive() for t in self.threads), "a request thread hung"
        return self.attempts

    def acked(self):
        with self.lock:
            return [a for a in self.attempts if a["status"] == 201]


def create_room(atrium, session=None, timeout=15):
    user = synthetic_user().raw_id
    body = {"participants": {user: {"role": "Presenter"}}}
    headers = {"Repeatability-Request-ID": str(uuid.uuid4()), "Repeatability-First-Sent": acs_hmac.rfc1123()}
    started = time.monotonic()
    attempt = {"user": user, "body": body, "headers": headers, "status": None, "started": started}
    try:
        resp = atrium.signed_request("POST", ROOMS, body, headers, session=session, timeout=timeout)
    except requests.RequestException as exc:
        attempt["error"] = type(exc).__name__
    else:
        attempt["status"], attempt["text"] = resp.status_code, resp.text
        attempt["headers_out"] = dict(resp.headers)
        if resp.status_code == 201:
            attempt["room_id"] = resp.json()["id"]
    attempt["seconds"] = time.monotonic() - started
    return attempt


def assert_all_acked_present(atrium, attempts):
    """Every acknowledged room is there, with its participant; nothing else went wrong."""
    acked = [a for a in attempts if a["status"] == 201]
    odd = [(a["status"], a.get("error"), (a.get("text") or "")[:200]) for a in attempts
           if a["status"] not in (201, 503)]
    # Requests cut off by the stop itself may go unanswered; none may fail otherwise.
    assert all(status is None for status, _, _ in odd), f"unexpected answers: {odd[:5]}"
    for a in acked:
        got = atrium.signed_request("GET", f"/rooms/{a['room_id']}?api-version=2025-03-13")
        assert got.status_code == 200, f"acknowledged room {a['room_id']} lost: {got.status_code} {got.text}"
        people = atrium.signed_request("GET", f"/rooms/{a['room_id']}/participants?api-version=2025-03-13")
        assert people.json()["value"] == [{"rawId": a["user"], "role": "Presenter"}], people.text
    # A retry of an attempt (refused, lost, or acked: a sample) applies it exactly once.
    for a in [a for a in attempts if a["status"] != 201] + acked[:50]:
        again = atrium.signed_request("POST", ROOMS, a["body"], a["headers"])
        assert again.status_code == 201, again.text
        if "room_id" in a:
            assert again.json()["id"] == a["room_id"], "a retry of an acknowledged create made another room"
    print(f"{len(acked)} acknowledged commands all present after the restart")


def assert_service_unavailable(resp, seconds, what):
    assert resp.status_code == 503, f"{what}: {resp.status_code} {resp.text[:300]}"
    assert seconds < ANSWER_WITHIN, f"{what} answered after {seconds:.2f} s"
    error = resp.json()["error"]
    assert error["code"] == "ServiceUnavailable" and error["message"], resp.text
    assert resp.headers.get("x-ms-error-code") == "ServiceUnavailable", dict(resp.headers)
    assert int(resp.headers["Retry-After"]) > 0, dict(resp.headers)


def timed(function, *args, **kwargs):
    started = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - started


def wait_until_commands_succeed(atrium, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if create_room(atrium, timeout=5)["status"] == 201:
            return
        time.sleep(0.25)
    raise AssertionError(f"commands still fail {timeout} s after PostgreSQL came back\n" + atrium.log_tail())


# -- the states --------------------------------------------------------------------------------

def test_idle_the_server_stops_within_the_deadline(server):
    attempts = [create_room(server) for _ in range(5)]
    time.sleep(1)  # every consumer and worker idle again
    elapsed = sigterm_and_time(server)
    assert_stopped_in_time(server, elapsed)
    server.start()
    assert_all_acked_present(server, attempts)


def test_while_postgres_is_down_commands_reads_and_readyz_answer_503_at_once(server):
    before = create_room(server)
    assert before["status"] == 201, before
    writers = Writers(server)
    time.sleep(1.5)
    outage_began = time.monotonic()
    port = stop_postgres(server)
    try:
        time.sleep(1)  # requests caught by the stop itself have been answered
        resp, seconds = timed(server.signed_request, "POST", ROOMS, {}, timeout=15)
        assert_service_unavailable(resp, seconds, "a command")
        resp, seconds = timed(server.signed_request, "GET", f"/rooms/{before['room_id']}?api-version=2025-03-13",
                              timeout=15)
        assert_service_unavailable(resp, seconds, "a read")
        resp, seconds = timed(requests.get, server.base_url + "/readyz", timeout=15)
        assert_service_unavailable(resp, seconds, "/readyz")
        time.sleep(3)  # the writers keep at it through the outage
    finally:
        start_postgres(server, port)
    wait_until_commands_succeed(server)
    time.sleep(1)
    attempts = writers.finish()
    during = [a for a in attempts if a["status"] == 503]
    assert during, "no command met the outage"
    slowest = max(a["seconds"] for a in during)
    print(f"\n{len(during)} commands answered 503 during the outage, the slowest in {slowest:.2f} s")
    assert slowest < ANSWER_WITHIN, f"a command took {slowest:.2f} s to be refused"
    assert all(a["headers_out"].get("Retry-After") for a in during), "a 503 without Retry-After"
    unanswered = [(a.get("error"), round(a["started"] - outage_began, 2)) for a in attempts if a["status"] is None]
    assert not unanswered, (
        f"requests went unanswered (error, sent at seconds from the outage): {unanswered[:5]}\n"
        + server.log_tail())
    assert requests.get(server.base_url + "/readyz", timeout=5).status_code == 200
    assert_all_acked_present(server, [before] + attempts)


def test_sigterm_while_postgres_is_down(server):
    writers = Writers(server)
    time.sleep(1.5)
    port = stop_postgres(server)
    time.sleep(2)  # an outage in progress: requests are being refused, the pool retries
    elapsed = sigterm_and_time(server)
    attempts = writers.finish()
    assert_stopped_in_time(server, elapsed)
    start_postgres(server, port)  # the next start adopts it
    server.start()
    assert_all_acked_present(server, attempts)


def test_sigterm_after_postgres_restarted(server):
    writers = Writers(server)
    time.sleep(1.5)
    port = stop_postgres(server)
    time.sleep(5)
    start_postgres(server, port)
    wait_until_commands_succeed(server)
    time.sleep(2)  # commands succeed again, under load
    elapsed = sigterm_and_time(server)
    attempts = writers.finish()
    assert_stopped_in_time(server, elapsed)
    server.start()
    assert_all_acked_present(server, attempts)


def test_sigterm_while_a_call_feed_is_open(server):
    identities = CommunicationIdentityClient(server.base_url, AzureKeyCredential(server.key))
    user, token = identities.create_user_and_token(scopes=[CommunicationTokenScope.VOIP])
    created = server.signed_request("POST", ROOMS, {"participants": {user.raw_id: {"role": "Presenter"}}})
    assert created.status_code == 201, created.text
    room_id = created.json()["id"]
    bearer = {"Authorization": f"Bearer {token.token}"}
    joined = requests.post(f"{server.base_url}/client/rooms/{room_id}/call/join", headers=bearer, timeout=10)
    assert joined.status_code == 200, joined.text

    opened, ended, lines = threading.Event(), threading.Event(), []

    def read_feed():
        try:
            with requests.get(f"{server.base_url}/client/rooms/{room_id}/call/events", headers=bearer,
                              stream=True, timeout=60) as response:
                assert response.status_code == 200, response.text
                opened.set()
                for line in response.iter_lines(decode_unicode=True):
                    lines.append(line)
        except requests.RequestException as exc:
            lines.append(f"error: {type(exc).__name__}")
        finally:
            ended.set()

    reader = threading.Thread(target=read_feed, daemon=True)
    reader.start()
    assert opened.wait(10), "the feed did not open"
    time.sleep(1)
    assert not ended.is_set(), f"the feed ended early: {lines}"
    elapsed = sigterm_and_time(server)
    assert_stopped_in_time(server, elapsed)
    assert ended.wait(5), "the feed was not closed by the stop"
    assert any(line.startswith("data: ") for line in lines), f"the feed carried no event: {lines}"
    server.start()
    state = requests.get(f"{server.base_url}/client/rooms/{room_id}/call", headers=bearer, timeout=10)
    assert state.status_code == 200 and user.raw_id in json.dumps(state.json()), state.text


def test_sigterm_while_postgres_is_frozen_the_last_resort_exits_in_time(server):
    """A PostgreSQL that holds its connections open but never answers (SIGSTOP: a hung host)
    leaves statements in flight that nothing can cancel: the deadline's last resort exits anyway,
    says so, and loses nothing acknowledged."""
    writers = Writers(server, timeout=20)
    time.sleep(1.5)
    postmaster = int((server.data_dir / "postgres" / "postmaster.pid").read_text().splitlines()[0])
    frozen = process_tree(postmaster)
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        # Its port still accepts connections (the kernel does that): slow, not gone, so requests wait
        # (up to 30 s) rather than being refused; the stop must not wait for them.
        time.sleep(2)
        elapsed = sigterm_and_time(server)
    finally:
        for pid in frozen:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
    attempts = writers.finish()
    assert elapsed < SHUTDOWN_TIMEOUT, f"stopped after {elapsed:.1f} s\n" + server.log_tail()
    assert HARD_STOP_LINE in last_run_text(server), server.log_tail()
    assert server.process.returncode == 1, server.process.returncode
    server.start()  # the cluster was told to quit at once: this start recovers it from the WAL
    assert_all_acked_present(server, attempts)

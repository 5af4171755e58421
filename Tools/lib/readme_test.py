"""Runs the README's shell and Python blocks, in order, against a fresh server, so that the README
cannot go stale: what a reader pastes is what runs here.

Each ```sh block runs in bash (-e), each ```python block in one shared Python namespace (a later
block uses the names an earlier one made, as in the reader's interpreter), all in a scratch folder
holding the server's `atrium-data`, with the `atrium` under test on PATH. A block preceded by
`<!-- readme-test: skip (why) -->` is not run; one preceded by `<!-- readme-test: background -->`
runs in the background until the end (a receiver the reader leaves running in another terminal).
The server listens on a free port rather than 8080, the receiver likewise rather than 9000: the
blocks' addresses are rewritten to them, and the placeholders `<roomId>`, `<callId>` and
`<rawId>` are filled with the ids the blocks printed, as the reader would.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "Conformance"))
from atrium_process import free_port  # noqa: E402  (the conformance suite's helpers)
MARKER = re.compile(r"<!--\s*readme-test:\s*(skip|background)\b")
FENCE = re.compile(r"^```(sh|python)\s*$")
# What the receiver must have printed by the end: the walkthrough's promises.
EXPECTED_AT_RECEIVER = [
    "SubscriptionValidation", "Microsoft.Communication.CallConnected",
    "Microsoft.Communication.AddParticipantSucceeded", "Microsoft.Communication.RecognizeCompleted",
    "Microsoft.Communication.CallDisconnected", "Atrium.Rooms.RoomCreated", "Microsoft.Communication.CallEnded",
]


def blocks(readme):
    """(line, language, mode, code) for each sh and python block, in order."""
    lines = readme.read_text().splitlines()
    found, index = [], 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        previous = next((line for line in reversed(lines[:index]) if line.strip()), "")
        marker = MARKER.search(previous)
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        found.append((index + 1, fence.group(1), marker.group(1) if marker else "run",
                      "\n".join(lines[index + 1:end]) + "\n"))
        index = end + 1
    return found


def wait_for_port(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"readme-test: nothing listens on port {port} after {seconds} s")


def main():
    binary = Path(os.environ.get("ATRIUM_BIN") or REPO / ".build" / "debug" / "atrium")
    work = Path(tempfile.mkdtemp(prefix="atrium-readme-"))
    work.chmod(0o755)  # the embedded PostgreSQL may run as `postgres`: it must enter the folder
    port, listen_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("ATRIUM_ACCESS_KEY", "DATABASE_URL", "ATRIUM_URL")}
    env["PATH"] = f"{binary.parent}:{env.get('PATH', '/usr/bin:/bin')}"
    env["ATRIUM_URL"] = f"http://127.0.0.1:{port}"  # as `atrium request` finds a server on 8080

    def rewrite(code, namespace):
        code = (code.replace("127.0.0.1:8080", f"127.0.0.1:{port}").replace("localhost:8080", f"localhost:{port}")
                .replace("127.0.0.1:9000", f"127.0.0.1:{listen_port}").replace("--port 9000", f"--port {listen_port}"))
        filled = {"<roomId>": lambda: namespace["room"].id, "<callId>": lambda: namespace["joined"].json()["callId"],
                  "<rawId>": lambda: namespace["alice"].raw_id}
        for placeholder, value in filled.items():
            if placeholder in code:
                code = code.replace(placeholder, str(value()))
        return code

    server_log = open(work / "serve.log", "wb")
    server = subprocess.Popen([str(binary), "serve", "--port", str(port)], cwd=work, env=env,
                              stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
    background, receiver_log = [], work / "receiver.log"
    namespace = {"__name__": "__readme__"}
    failed = None
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("readme-test: the server did not become ready\n" + (work / "serve.log").read_text())
            time.sleep(0.25)
        os.chdir(work)
        for line, language, mode, code in blocks(REPO / "README.md"):
            title = f"README.md:{line} ({language}{', ' + mode if mode != 'run' else ''})"
            if mode == "skip":
                print(f"\n--- {title}: skipped")
                continue
            code = rewrite(code, namespace)
            print(f"\n--- {title}\n{code}", flush=True)
            if mode == "background":
                log = open(receiver_log, "ab")
                background.append(subprocess.Popen(["bash", "-ec", code], env=env, stdout=log,
                                                   stderr=subprocess.STDOUT, start_new_session=True))
                wait_for_port(listen_port)
            elif language == "sh":
                done = subprocess.run(["bash", "-ec", code], env=env, timeout=300)
                if done.returncode != 0:
                    failed = f"{title} exited with status {done.returncode}"
                    break
            else:
                try:
                    exec(compile(code, title, "exec"), namespace)
                except Exception as error:  # the reader would see this traceback
                    import traceback
                    traceback.print_exc()
                    failed = f"{title} raised {type(error).__name__}: {error}"
                    break
            sys.stdout.flush()
        if failed is None:
            deadline = time.monotonic() + 60
            while True:
                printed = receiver_log.read_text(errors="replace") if receiver_log.exists() else ""
                missing = [text for text in EXPECTED_AT_RECEIVER if text not in printed]
                if not missing:
                    break
                if time.monotonic() > deadline:
                    failed = f"the receiver (atrium listen) never printed {missing}"
                    break
                time.sleep(0.5)
    finally:
        for process in background:
            os.killpg(process.pid, signal.SIGTERM)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    if failed:
        tail = "\n".join((work / "serve.log").read_text(errors="replace").splitlines()[-40:])
        receiver = receiver_log.read_text(errors="replace")[-4000:] if receiver_log.exists() else ""
        print(f"\nreadme-test FAILED: {failed}\n--- receiver (tail)\n{receiver}\n--- server log (tail)\n{tail}")
        sys.exit(1)
    print(f"\nreadme-test: every block of README.md ran as written (scratch folder {work})")
    subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()

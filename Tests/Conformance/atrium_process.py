"""Start, stop, crash and restart one `atrium serve` process for the conformance tests."""

import base64
import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

import acs_hmac

REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0


def atrium_binary():
    return Path(os.environ.get("ATRIUM_BIN") or REPO / ".build" / "debug" / "atrium")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children_of():
    """Map pid -> list of child pids, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def process_tree(pid):
    """`pid` and all its descendants (the embedded PostgreSQL runs below the server)."""
    children, tree, todo = _children_of(), [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


class AtriumServer:
    """One server on a fixed port and data dir, which survive restarts."""

    def __init__(self, data_dir=None, port=None, key=None, env=None, args=(), tls=False, verify=True):
        self.binary = atrium_binary()
        self.extra_env = dict(env or {})  # e.g. DATABASE_URL: another node of the same cluster
        self.extra_args = list(args)  # e.g. --tls-self-signed
        # With TLS: base_url is https://localhost:<port>, and `verify` (a CA file, as requests
        # takes it) is what the readiness probe trusts.
        self.verify = verify
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="atrium-conformance-"))
        # The embedded PostgreSQL may run as the `postgres` user: it must be able to enter the dir.
        self.data_dir.chmod(0o755)
        self.port = port or free_port()
        self.key = key or base64.b64encode(os.urandom(32)).decode()
        self.base_url = f"https://localhost:{self.port}" if tls else f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / "atrium-conformance.log"
        self.process = None
        self._known_pids = set()  # every pid seen in our process tree, for the final cleanup

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self):
        if not self.binary.exists():
            raise RuntimeError(f"atrium binary not found at {self.binary} "
                               "(build it, or set ATRIUM_BIN)")
        env = dict(os.environ, ATRIUM_ACCESS_KEY=self.key, **self.extra_env)
        log = open(self.log_path, "ab")
        log.write(f"\n===== start {time.strftime('%H:%M:%S')} port {self.port} =====\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            [str(self.binary), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--data-dir", str(self.data_dir)] + self.extra_args,
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=self.data_dir, start_new_session=True)
        log.close()
        self.wait_ready()

    def wait_ready(self, timeout=READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._remember_tree()
            if self.process.poll() is not None:
                raise RuntimeError(f"atrium exited with {self.process.returncode} before ready\n"
                                   + self.log_tail())
            try:
                if requests.get(self.base_url + "/readyz", timeout=2, verify=self.verify).status_code == 200:
                    self._remember_tree()
                    return
            except OSError:  # requests' errors; a CA file not written yet
                pass
            time.sleep(0.25)
        raise RuntimeError(f"atrium not ready after {timeout:.0f} s\n" + self.log_tail())

    def stop(self):
        """Graceful stop (SIGTERM); it must stop its embedded PostgreSQL too."""
        if self.process is None or self.process.poll() is not None:
            return
        self._remember_tree()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise RuntimeError("atrium did not stop within 30 s of SIGTERM\n" + self.log_tail())

    def kill9(self, whole_tree=True):
        """Crash: SIGKILL the server and (by default) everything below it, embedded PG included."""
        pids = process_tree(self.process.pid) if whole_tree else [self.process.pid]
        self._known_pids.update(pids)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=STOP_TIMEOUT)

    @contextlib.contextmanager
    def running(self):
        """Started for a `with` block and stopped after it; nothing of it outlives the block."""
        try:
            self.start()
            yield self
            self.stop()
        finally:
            self.cleanup_leftovers()

    def restart(self):
        self.stop()
        self.start()

    def cleanup_leftovers(self):
        """Kill processes of ours that outlived the server (e.g. an orphaned embedded PG)."""
        for pid in list(self._known_pids):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"postgres" in cmd or b"atrium" in cmd:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def _remember_tree(self):
        if self.process is not None and self.process.poll() is None:
            self._known_pids.update(process_tree(self.process.pid))

    # -- helpers for tests -------------------------------------------------------------------

    def signed_request(self, method, path_and_query, body=b"", headers=None, **kw):
        return acs_hmac.signed_request(self.base_url, self.key, method, path_and_query, body,
                                       headers, **kw)

    def database_url(self):
        """The URL of this server's embedded PostgreSQL (while it runs), for other nodes and tools."""
        port = (self.data_dir / "postgres" / "postmaster.pid").read_text().splitlines()[3].strip()
        password = (self.data_dir / "postgres.password").read_text().strip()
        return f"postgres://atrium:{password}@127.0.0.1:{port}/atrium"

    def log_tail(self, lines=80):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "----- atrium log tail -----\n" + "\n".join(text.splitlines()[-lines:])

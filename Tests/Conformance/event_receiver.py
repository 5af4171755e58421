"""A loopback webhook receiver for the publishing tests: it plays an Event Grid subscriber.

It records every request (method, path, headers, body, arrival time, the status it answered),
answers the validation handshakes and answers deliveries from a configurable behaviour:

    with EventReceiver(handshake="echo") as receiver:
        ... subscribe receiver.url ...
        receiver.wait_until(lambda r: len(r.delivered_ids()) >= 6, 30, "six events")

Handshakes:
  - Event Grid schema (POST, `aeg-event-type: SubscriptionValidation`): `handshake="echo"` answers
    200 `{"validationResponse": code}`; `"validation_url"` answers 200 with no code and then GETs the
    event's validationUrl from a thread (Event Grid's manual validation); `"ignore"` answers 200 with
    no code and does nothing else (the subscription stays unvalidated); `"refuse"` answers 400.
  - CloudEvents (OPTIONS with `WebHook-Request-Origin`): `consent="echo"` answers 200 with
    `WebHook-Allowed-Origin: <the origin>`, `"star"` with `*`, `"refuse"` answers 403.

Deliveries (POST, `aeg-event-type: Notification`) are answered by `behaviour(received)`, which
returns `(status, headers, body)`: `always(200)`, `unavailable_for(seconds, retry_after)`,
`failing_first(n, status)`, `Switchable(400)`. `delay` holds every delivery answer back that many seconds.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


@dataclass
class Received:
    """One request the receiver got."""
    index: int
    method: str
    path: str
    headers: dict  # lower-cased names
    body: bytes
    at: float  # time.monotonic() at arrival
    wall: float  # time.time() at arrival
    status: int = 0  # what the receiver answered (0 until answered)
    answered_at: float = 0.0  # time.monotonic() once the answer was written
    kind: str = field(default="other")  # "validation", "notification", "options" or "other"

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def events(self):
        """The delivered events (a delivery body is a JSON array; anything else is a list of one)."""
        try:
            body = self.json()
        except ValueError:
            return []
        return body if isinstance(body, list) else [body]

    def delivery_count(self):
        value = self.header("aeg-delivery-count")
        return int(value) if value is not None and value.strip().lstrip("-").isdigit() else None

    def describe(self):
        return (f"#{self.index} {self.method} {self.path} kind={self.kind} answered={self.status} "
                f"aeg-event-type={self.header('aeg-event-type')} "
                f"aeg-delivery-count={self.header('aeg-delivery-count')} body={self.body[:300]!r}")


# -- delivery behaviours ------------------------------------------------------------------------

def always(status=200, headers=None):
    def behaviour(_received):
        return status, dict(headers or {}), b""
    return behaviour


class unavailable_for:
    """503 with `Retry-After: retry_after` for `seconds` from the first delivery, then 200."""

    def __init__(self, seconds, retry_after=1, status=503):
        self.seconds, self.retry_after, self.status = seconds, retry_after, status
        self.started = None  # monotonic time of the first delivery
        self._lock = threading.Lock()

    @property
    def ends(self):
        return None if self.started is None else self.started + self.seconds

    def __call__(self, received):
        with self._lock:
            if self.started is None:
                self.started = received.at
        if received.at < self.started + self.seconds:
            return self.status, {"Retry-After": str(self.retry_after)}, b"unavailable"
        return 200, {}, b""


class failing_first:
    """`status` (with `headers`) for the first `n` deliveries, then 200."""

    def __init__(self, n, status=503, headers=None):
        self.n, self.status, self.headers = n, status, dict(headers or {})
        self.seen = 0
        self._lock = threading.Lock()

    def __call__(self, _received):
        with self._lock:
            self.seen += 1
            failing = self.seen <= self.n
        return (self.status, dict(self.headers), b"failing") if failing else (200, {}, b"")


class Switchable:
    """Answers `status` until `switch_to(other)`."""

    def __init__(self, status):
        self.status = status
        self.switched_at = None

    def switch_to(self, status):
        self.status = status
        self.switched_at = time.monotonic()

    def __call__(self, _received):
        return self.status, {}, b"" if self.status < 300 else b"refused by the test receiver"


# -- the receiver -------------------------------------------------------------------------------

class EventReceiver:
    def __init__(self, handshake="echo", consent="echo", behaviour=None, delay=0.0, path="/events"):
        self.handshake = handshake
        self.consent = consent
        self.behaviour = behaviour or always(200)
        self.delay = delay
        self.path = path
        self.requests = []
        self.validation_url_results = []  # (status or exception text) of each validationUrl GET
        self._cond = threading.Condition()
        self._server = None
        self._thread = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _handle(self):
                try:
                    receiver._dispatch(self, self._body())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server went away mid-request (crash tests)

            do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.1})
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}{self.path}"

    # -- answering -----------------------------------------------------------------------------

    def _dispatch(self, handler, body):
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._cond:
            received = Received(index=len(self.requests), method=handler.command, path=handler.path,
                                headers=headers, body=body, at=time.monotonic(), wall=time.time())
            self.requests.append(received)
        event_type = headers.get("aeg-event-type", "")
        if handler.command == "OPTIONS":
            received.kind = "options"
            status, out_headers, out_body = self._consent(headers)
        elif handler.command == "POST" and event_type.lower() == "subscriptionvalidation":
            received.kind = "validation"
            status, out_headers, out_body = self._validation(received)
        elif handler.command == "POST" and event_type.lower() == "notification":
            received.kind = "notification"
            if self.delay:
                time.sleep(self.delay)
            status, out_headers, out_body = self.behaviour(received)
        else:
            status, out_headers, out_body = 404, {}, b"not a webhook request"
        if isinstance(out_body, str):
            out_body = out_body.encode()
        handler.send_response(status)
        for name, value in out_headers.items():
            handler.send_header(name, value)
        if out_body and "Content-Type" not in out_headers:
            handler.send_header("Content-Type",
                                "application/json" if out_body[:1] in (b"{", b"[") else "text/plain")
        handler.send_header("Content-Length", str(len(out_body)))
        handler.end_headers()
        if out_body and handler.command != "HEAD":
            handler.wfile.write(out_body)
        handler.wfile.flush()
        with self._cond:
            received.status = status
            received.answered_at = time.monotonic()
            self._cond.notify_all()

    def _consent(self, headers):
        origin = headers.get("webhook-request-origin") or headers.get("origin")
        if self.consent == "refuse" or origin is None:
            return 403, {}, b""
        allowed = "*" if self.consent == "star" else origin
        return 200, {"WebHook-Allowed-Origin": allowed, "WebHook-Allowed-Rate": "*"}, b""

    def _validation(self, received):
        events = received.events()
        data = (events[0].get("data") or {}) if events and isinstance(events[0], dict) else {}
        code, url = data.get("validationCode"), data.get("validationUrl")
        if self.handshake == "echo" and code is not None:
            return 200, {}, json.dumps({"validationResponse": code}).encode()
        if self.handshake == "validation_url" and url:
            threading.Thread(target=self._call_validation_url, args=(url,), daemon=True).start()
            return 200, {}, b""
        if self.handshake == "refuse":
            return 400, {}, b"no"
        return 200, {}, b""  # "ignore" (or no code): manual validation left to the test

    def _call_validation_url(self, url):
        time.sleep(0.2)  # after our answer to the handshake POST has gone out
        try:
            status = requests.get(url, timeout=10).status_code
        except requests.RequestException as exc:
            status = f"{type(exc).__name__}: {exc}"
        with self._cond:
            self.validation_url_results.append(status)
            self._cond.notify_all()

    # -- what arrived --------------------------------------------------------------------------

    def snapshot(self):
        with self._cond:
            return list(self.requests)

    def of_kind(self, kind):
        return [r for r in self.snapshot() if r.kind == kind]

    def notifications(self):
        return self.of_kind("notification")

    def validations(self):
        return self.of_kind("validation") + self.of_kind("options")

    def event_attempts(self):
        """Every (request, event) of every delivery attempt, in arrival order."""
        return [(r, e) for r in self.notifications() for e in r.events()]

    def delivered(self):
        """(request, event) for the attempts the receiver acknowledged (2xx), in arrival order."""
        return [(r, e) for r, e in self.event_attempts() if 200 <= r.status <= 299]

    def delivered_ids(self):
        return {e.get("id") for _, e in self.delivered()}

    def first_deliveries(self):
        """The first acknowledged delivery of each event id, in arrival order."""
        seen, out = set(), []
        for r, e in self.delivered():
            if e.get("id") not in seen:
                seen.add(e.get("id"))
                out.append((r, e))
        return out

    def attempts_by_id(self):
        by_id = {}
        for r, e in self.event_attempts():
            by_id.setdefault(e.get("id"), []).append(r)
        return by_id

    def wait_until(self, predicate, timeout, message="condition"):
        """Wait until `predicate(self)` holds; fail with `message` and what arrived on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                self._cond.release()
                try:
                    if predicate(self):
                        return
                finally:
                    self._cond.acquire()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(min(remaining, 0.2))
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}; "
                             f"the receiver got {len(self.requests)} requests:\n" + self.summary())

    def summary(self, last=30):
        lines = [r.describe() for r in self.snapshot()[-last:]]
        return "\n".join(lines) or "(nothing)"

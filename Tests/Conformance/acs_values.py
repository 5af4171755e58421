"""Values and checks shared by the Rooms tests: identifiers, timestamps, the ACS error shape."""

import re
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone

from azure.communication.rooms import CommunicationUserIdentifier

ROOM_ID = re.compile(r"^[0-9]{16,17}$")
LEAK_MARKERS = ("psqlerror", "postgres", "swift", "traceback", "stack trace", "fatal error",
                "sqlstate")

MSG_SPAN = "The time range is incorrect, or larger than 180 days."
MSG_PAST = "The time range end is in the past."
MSG_ROOM_ID = "Invalid room ID length."
MSG_IDENTIFIER = "Invalid format for communication identifier."


# Set by conftest once the server is up: rooms are then filled with real identities of that server.
identity_client = None


def new_user():
    """A real identity of the running server (azure-communication-identity), or, before the server
    is up, an id in the same rawId form `8:acs:<resource guid>_<unique>`."""
    if identity_client is not None:
        return identity_client.create_user()
    return synthetic_user()


def synthetic_user():
    """An id in rawId form with no identity behind it: for tests that must not depend on the server
    being up (the crash tests kill it mid-stream)."""
    return CommunicationUserIdentifier(f"8:acs:{uuid.uuid4()}_{uuid.uuid4()}")


def now():
    return datetime.now(timezone.utc)


def whole_seconds(dt):
    return dt.replace(microsecond=0)


_TS = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


def parse_ts(value):
    """Parse an RFC 3339 timestamp (any number of fractional digits). The SDK hands the room's
    timestamps to the caller as the raw JSON strings, so the server's text is what we see."""
    if isinstance(value, datetime):
        return value
    m = _TS.match(value)
    assert m, f"not an RFC 3339 UTC timestamp: {value!r}"
    base, frac, zone = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    dt = datetime.fromisoformat(base).replace(microsecond=micro)
    offset = timedelta(0) if zone == "Z" else (
        (1 if zone[0] == "+" else -1) * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    return dt.replace(tzinfo=timezone(offset)).astimezone(timezone.utc)


def close(a, b, seconds=1.0):
    return abs((parse_ts(a) - parse_ts(b)).total_seconds()) <= seconds


def path_and_query(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def room_ids_listed(signed_request, path="/rooms?api-version=2025-03-13"):
    """All room ids by raw paging (following absolute nextLinks)."""
    ids, url = [], path
    while url:
        resp = signed_request("GET", url)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        ids.extend(r["id"] for r in body["value"])
        url = path_and_query(body["nextLink"]) if body.get("nextLink") else None
    return ids


def assert_acs_error(resp, status, message=None):
    """The ACS error contract: exact status, JSON `{"error":{"code","message",...}}`,
    `x-ms-error-code` equal to error.code, and no internals leaked. Returns error."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.text[:500]}"
    assert "json" in resp.headers.get("Content-Type", ""), resp.headers.get("Content-Type")
    try:
        body = resp.json()
    except ValueError:
        raise AssertionError(f"error body is not JSON: {resp.text[:500]!r}")
    error = body.get("error")
    assert isinstance(error, dict), body
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body
    assert resp.headers.get("x-ms-error-code") == error["code"], (
        resp.headers.get("x-ms-error-code"), error["code"])
    lowered = resp.text.lower()
    for marker in LEAK_MARKERS:
        assert marker not in lowered, f"error body leaks internals ({marker!r}): {resp.text[:500]}"
    if message is not None:
        texts = [error["message"]] + [d.get("message") for d in error.get("details") or []]
        assert message in texts, f"{message!r} not in {texts}"
    return error

"""Raw ACS HMAC-SHA256 signed HTTP, for requests the SDK cannot make (malformed bodies, bad
signatures, replays with fixed Repeatability headers).

The scheme (see shared ACS-WIRE.md and the SDK's `_shared/policy.py`):
  string to sign = VERB + "\n" + pathAndQuery + "\n" + x-ms-date + ";" + host + ";" + contentHash
  HMAC key = base64-decoded access key; signature and content hash are standard base64.
The Rooms SDK signs the percent-*decoded* path and query (`decode_url=True`); by default this helper
does the same, `sign_form="raw"` signs the target exactly as sent.
"""

import base64
import hashlib
import hmac
import json
import urllib.parse
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import requests

API_VERSION = "2025-03-13"
EMPTY_SHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def rfc1123(when=None):
    """`Wed, 25 Nov 2026 00:55:18 GMT`, as the SDK writes x-ms-date and Repeatability-First-Sent."""
    when = when or datetime.now(timezone.utc)
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


def content_sha256(body):
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def sign(key, verb, path_and_query, date, host, content_hash):
    to_sign = f"{verb.upper()}\n{path_and_query}\n{date};{host};{content_hash}"
    digest = hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_request(base_url, key, method, path_and_query, body=b"", headers=None, *,
                   date=None, sign_host=None, sign_form="decoded", content_hash=None,
                   send_auth=True, session=None, timeout=30):
    """Send one HMAC-signed request and return the `requests.Response`.

    `body` may be bytes, str, or a JSON-able object (then sent as application/json).
    `date`: a datetime for x-ms-date (default now). `sign_host`: host:port to sign (default the
    real one). `content_hash`: the x-ms-content-sha256 to send and sign (default the true hash).
    `send_auth=False` omits the Authorization header.
    """
    headers = dict(headers or {})
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        headers.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode()
    host = urllib.parse.urlparse(base_url).netloc
    x_ms_date = rfc1123(date)
    chash = content_hash if content_hash is not None else content_sha256(body)
    target = urllib.parse.unquote(path_and_query) if sign_form == "decoded" else path_and_query
    headers["x-ms-date"] = x_ms_date
    headers["x-ms-content-sha256"] = chash
    if send_auth:
        signature = sign(key, method, target, x_ms_date, sign_host or host, chash)
        headers["Authorization"] = (
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature)
    own_session = session is None
    session = session or requests.Session()
    try:
        prepared = session.prepare_request(
            requests.Request(method, base_url + path_and_query, data=body or None, headers=headers))
        prepared.url = base_url + path_and_query  # send the target exactly as given (no requoting)
        return session.send(prepared, timeout=timeout, allow_redirects=False)
    finally:
        if own_session:
            session.close()


def old_date(minutes):
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)

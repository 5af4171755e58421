"""Schemathesis hooks for test_openapi_conformance.py (loaded through SCHEMATHESIS_HOOKS).

Every request is authenticated as the API asks: `/client/...` with the user token in
`ATRIUM_USER_TOKEN`, everything else HMAC-signed with `ATRIUM_ACCESS_KEY` over the bytes actually
sent (a `requests` auth, so the signature covers the final URL and body). Every URL in a body,
generated or supplied by a link (callback URIs, subscription endpoints, media sources), is replaced
by one on loopback whose port nothing listens on (`ATRIUM_CLOSED_PORT`), so that the server never
reaches out. The rooms it creates have that user (`ATRIUM_USER_ID`) on their roster, so that the
stateful phase can take their calls further than a 403.
"""

import os
import re
import urllib.parse

import schemathesis
from requests.auth import AuthBase

import acs_hmac

LOOPBACK = f"http://127.0.0.1:{os.environ['ATRIUM_CLOSED_PORT']}/fuzzed"
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def loopback(value):
    if isinstance(value, dict):
        return {name: loopback(item) for name, item in value.items()}
    if isinstance(value, list):
        return [loopback(item) for item in value]
    if isinstance(value, str) and URL.match(value):
        return LOOPBACK
    return value


class AtriumAuth(AuthBase):
    def __call__(self, request):
        target = urllib.parse.urlsplit(request.url)
        if target.path.startswith("/client/"):
            request.headers["Authorization"] = f"Bearer {os.environ['ATRIUM_USER_TOKEN']}"
            return request
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        date = acs_hmac.rfc1123()
        content_hash = acs_hmac.content_sha256(body)
        signature = acs_hmac.sign(os.environ["ATRIUM_ACCESS_KEY"], request.method, request.path_url, date,
                                  target.netloc, content_hash)
        request.headers["x-ms-date"] = date
        request.headers["x-ms-content-sha256"] = content_hash
        request.headers["Authorization"] = (
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature)
        return request


@schemathesis.hook
def map_body(context, body):
    operation = context.operation
    if operation is not None and (operation.method.upper(), operation.path) == ("POST", "/rooms") \
            and isinstance(body, dict) and isinstance(body.get("participants", {}), dict):
        body = dict(body, participants=dict(body.get("participants") or {}))
        body["participants"][os.environ["ATRIUM_USER_ID"]] = {"role": "Presenter"}
    return loopback(body)


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.body is not None:
        case.body = loopback(case.body)
    kwargs["auth"] = AtriumAuth()

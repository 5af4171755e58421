"""Rooms over raw signed HTTP: the wire contract the SDK relies on, and what it never sends."""

import urllib.parse
from datetime import timedelta

import pytest
import requests

import acs_hmac
from acs_values import (ROOM_ID, assert_acs_error, new_user, now, parse_ts, room_ids_listed,
                        whole_seconds)

ROOMS = "/rooms?api-version=2025-03-13"
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


def create_room(atrium, body=None):
    resp = atrium.signed_request("POST", ROOMS, body or {})
    assert resp.status_code == 201, resp.text
    return resp.json()


def get_room(atrium, room_id):
    resp = atrium.signed_request("GET", f"/rooms/{room_id}?api-version=2025-03-13")
    assert resp.status_code == 200, resp.text
    return resp.json()


def sdk_continuation(next_link, api_version="ApiVersion.V2025_03_13"):
    """What the SDK's paging sends for a nextLink: parse_qs, quote each value, api-version
    replaced by the client's (on Python >= 3.11 the enum's str(): `ApiVersion.V2025_03_13`)."""
    parts = urllib.parse.urlsplit(next_link)
    params = {k: [urllib.parse.quote(v) for v in vs]
              for k, vs in urllib.parse.parse_qs(parts.query).items()}
    params = {k: vs for k, vs in params.items() if k.lower() != "api-version"}
    query = "&".join([f"api-version={api_version}"]
                     + [f"{k}={v}" for k, vs in params.items() for v in vs])
    return f"{parts.path}?{query}"


# -- shapes of success -------------------------------------------------------------------------

def test_room_model_and_location(atrium):
    resp = atrium.signed_request("POST", ROOMS, {"pstnDialOutEnabled": True})
    assert resp.status_code == 201, resp.text
    room = resp.json()
    assert set(room) == {"id", "createdAt", "validFrom", "validUntil", "pstnDialOutEnabled"}
    assert ROOM_ID.match(room["id"])
    for field in ("createdAt", "validFrom", "validUntil"):
        parse_ts(room[field])
    assert room["pstnDialOutEnabled"] is True
    assert f"/rooms/{room['id']}" in resp.headers.get("Location", ""), resp.headers
    assert get_room(atrium, room["id"]) == room

    user = new_user().raw_id
    resp = atrium.signed_request("PATCH", f"/rooms/{room['id']}/participants?api-version=2025-03-13",
                                 {"participants": {user: {"role": "Presenter"}}}, MERGE_PATCH)
    assert resp.status_code == 200 and resp.json() == {}, resp.text
    resp = atrium.signed_request("GET", f"/rooms/{room['id']}/participants?api-version=2025-03-13")
    assert resp.status_code == 200
    assert resp.json()["value"] == [{"rawId": user, "role": "Presenter"}]

    resp = atrium.signed_request("DELETE", f"/rooms/{room['id']}?api-version=2025-03-13")
    assert resp.status_code == 204 and resp.content == b""


def test_health_endpoints_need_no_auth(atrium):
    for path in ("/healthz", "/readyz"):
        assert requests.get(atrium.base_url + path, timeout=10).status_code == 200, path


def test_readyz_and_the_server_header_name_the_version(atrium):
    resp = requests.get(atrium.base_url + "/readyz", timeout=10)
    assert resp.json()["status"] == "ready"
    version = resp.json()["version"]
    assert resp.headers["Server"] == f"Atrium/{version}"
    # Errors too.
    assert requests.get(atrium.base_url + "/no-such-path", timeout=10).headers["Server"] == f"Atrium/{version}"


def test_openapi_document(atrium):
    resp = requests.get(atrium.base_url + "/openapi.json", timeout=10)
    assert resp.status_code == 200
    assert str(resp.json()["openapi"]).startswith("3.")


# -- request validation ------------------------------------------------------------------------

def test_malformed_json(atrium):
    resp = atrium.signed_request("POST", ROOMS, b'{"validFrom": ', {"Content-Type": "application/json"})
    assert_acs_error(resp, 400)


@pytest.mark.parametrize("body", [
    {"validFrom": 5},
    {"validUntil": True},
    {"pstnDialOutEnabled": "yes"},
    {"validFrom": "next tuesday"},
    {"participants": ["8:acs:x_y"]},
    {"participants": {"8:acs:00000000-0000-0000-0000-000000000000_1": "Presenter"}},
    [],
], ids=repr)
def test_wrong_types(atrium, body):
    assert_acs_error(atrium.signed_request("POST", ROOMS, body), 400)


@pytest.mark.parametrize("query", ["?api-version=2099-01-01", "?api-version=", ""])
def test_unknown_or_missing_api_version(atrium, query):
    assert_acs_error(atrium.signed_request("GET", "/rooms" + query), 400)
    assert_acs_error(atrium.signed_request("POST", "/rooms" + query, {}), 400)


def test_oversize_body_is_413(atrium):
    body = b'{"padding": "' + b"x" * (1024 * 1024 + 1024) + b'"}'
    assert_acs_error(atrium.signed_request("POST", ROOMS, body, {"Content-Type": "application/json"}),
                     413)


def test_unknown_route_is_404(atrium):
    assert_acs_error(atrium.signed_request("GET", "/no-such-thing?api-version=2025-03-13"), 404)
    assert_acs_error(atrium.signed_request("GET", "/rooms/12345678901234567/nothing"
                                                  "?api-version=2025-03-13"), 404)


def test_unknown_room_raw(atrium):
    assert_acs_error(atrium.signed_request("GET", "/rooms/98765432109876543?api-version=2025-03-13"),
                     404)


# -- authentication ----------------------------------------------------------------------------

def test_missing_authorization(atrium):
    assert_acs_error(atrium.signed_request("GET", ROOMS, send_auth=False), 401)
    assert_acs_error(requests.get(atrium.base_url + ROOMS, timeout=10), 401)


def test_garbage_signature(atrium):
    headers = {"Authorization": "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"
                                "&Signature=bm90IGEgc2lnbmF0dXJl",
               "x-ms-date": acs_hmac.rfc1123(), "x-ms-content-sha256": acs_hmac.EMPTY_SHA256}
    assert_acs_error(requests.get(atrium.base_url + ROOMS, headers=headers, timeout=10), 401)
    headers["Authorization"] = "Bearer abc"
    assert_acs_error(requests.get(atrium.base_url + ROOMS, headers=headers, timeout=10), 401)


def test_body_hash_mismatch(atrium):
    before = len(room_ids_listed(atrium.signed_request))
    honest = b'{"pstnDialOutEnabled": false}'
    resp = atrium.signed_request("POST", ROOMS, b'{"pstnDialOutEnabled": true}',
                                 {"Content-Type": "application/json"},
                                 content_hash=acs_hmac.content_sha256(honest))
    assert_acs_error(resp, 401)
    assert len(room_ids_listed(atrium.signed_request)) == before


@pytest.mark.parametrize("minutes", [30, -30])
def test_stale_or_future_date(atrium, minutes):
    resp = atrium.signed_request("GET", ROOMS, date=acs_hmac.old_date(minutes))
    assert_acs_error(resp, 401)


def test_signature_over_wrong_host(atrium):
    assert_acs_error(atrium.signed_request("GET", ROOMS, sign_host="example.com"), 401)


def test_wrong_key(atrium):
    resp = acs_hmac.signed_request(atrium.base_url, "d3Jvbmcga2V5IHdyb25nIGtleSB3cm9uZyBrZXk=",
                                   "GET", ROOMS)
    assert_acs_error(resp, 401)


@pytest.mark.parametrize("form", ["raw", "decoded"])
def test_both_signed_path_forms_accepted(atrium, form):
    # %31%30 is "10": Rooms signs the decoded target, Identity/Call Automation the raw one.
    resp = atrium.signed_request("GET", ROOMS + "&maxpagesize=%31%30", sign_form=form)
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["value"]) <= 10


# -- merge-patch semantics and atomicity -------------------------------------------------------

def test_patch_with_nulls_or_empty_changes_nothing(atrium):
    start = whole_seconds(now() + timedelta(days=1))
    room = create_room(atrium, {"validFrom": start.isoformat(),
                                "validUntil": (start + timedelta(days=7)).isoformat(),
                                "pstnDialOutEnabled": True})
    path = f"/rooms/{room['id']}?api-version=2025-03-13"
    for body in ({"validFrom": None, "validUntil": None, "pstnDialOutEnabled": None}, {}):
        resp = atrium.signed_request("PATCH", path, body, MERGE_PATCH)
        assert resp.status_code == 200, resp.text
        assert resp.json() == room
    assert get_room(atrium, room["id"]) == room


def test_bad_patch_changes_nothing(atrium):
    room = create_room(atrium, {"pstnDialOutEnabled": True})
    path = f"/rooms/{room['id']}?api-version=2025-03-13"
    for body in ({"validFrom": 5, "pstnDialOutEnabled": False},
                 {"pstnDialOutEnabled": False,
                  "validUntil": (parse_ts(room["validFrom"]) + timedelta(days=200)).isoformat()}):
        assert_acs_error(atrium.signed_request("PATCH", path, body, MERGE_PATCH), 400)
    assert_acs_error(atrium.signed_request("PATCH", path, b'{"pstnDialOutEnabled": fal', MERGE_PATCH),
                     400)
    assert get_room(atrium, room["id"]) == room

    good, participants = new_user().raw_id, f"/rooms/{room['id']}/participants?api-version=2025-03-13"
    for bad in ({"x:y": {"role": "Attendee"}}, {new_user().raw_id: {"role": "Boss"}}):
        body = {"participants": {good: {"role": "Presenter"}, **bad}}
        assert_acs_error(atrium.signed_request("PATCH", participants, body, MERGE_PATCH), 400)
    resp = atrium.signed_request("GET", participants)
    assert resp.status_code == 200 and resp.json()["value"] == [], resp.text


# -- paging ------------------------------------------------------------------------------------

def test_sdk_style_continuation_is_accepted(atrium):
    created = {create_room(atrium)["id"] for _ in range(3)}
    first = atrium.signed_request("GET", ROOMS + "&maxpagesize=2")
    assert first.status_code == 200, first.text
    assert len(first.json()["value"]) == 2
    seen, link = [r["id"] for r in first.json()["value"]], first.json().get("nextLink")
    assert link, "no nextLink with maxpagesize=2 and at least 3 rooms"
    while link:
        assert urllib.parse.urlsplit(link).netloc == f"127.0.0.1:{atrium.port}", link
        resp = atrium.signed_request("GET", sdk_continuation(link), headers={"Accept": "*/*"})
        assert resp.status_code == 200, resp.text
        page = resp.json()
        assert len(page["value"]) <= 2
        seen += [r["id"] for r in page["value"]]
        link = page.get("nextLink")
    assert len(seen) == len(set(seen))
    assert created <= set(seen)


def test_participant_pages_keep_insertion_order(atrium):
    room = create_room(atrium)
    path = f"/rooms/{room['id']}/participants?api-version=2025-03-13"
    users = [new_user().raw_id for _ in range(5)]
    for user in users:
        resp = atrium.signed_request("PATCH", path, {"participants": {user: {"role": "Attendee"}}},
                                     MERGE_PATCH)
        assert resp.status_code == 200, resp.text
    resp = atrium.signed_request("GET", path + "&maxpagesize=2")
    assert resp.status_code == 200, resp.text
    seen, link = [p["rawId"] for p in resp.json()["value"]], resp.json().get("nextLink")
    while link:  # the server may ignore maxpagesize here; if it pages, pages must line up
        resp = atrium.signed_request("GET", sdk_continuation(link), headers={"Accept": "*/*"})
        assert resp.status_code == 200, resp.text
        seen += [p["rawId"] for p in resp.json()["value"]]
        link = resp.json().get("nextLink")
    assert seen == users


def test_plain_list_follows_to_the_end(atrium):
    # room_ids_listed follows nextLinks verbatim; every page must be a 200 with a value list.
    ids = room_ids_listed(atrium.signed_request, ROOMS + "&maxpagesize=7")
    assert len(ids) == len(set(ids))
    assert set(ids) == set(room_ids_listed(atrium.signed_request))

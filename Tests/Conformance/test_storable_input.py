"""Input PostgreSQL cannot store (U+0000) is refused at the edge with 400 and the field named, and
one client sending it never fails another client's commands (commands share group-committed
batches: before, one refused event failed its whole batch, and 36% of other clients' rooms).
"""

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from azure.communication.callautomation import CallAutomationClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError

from acs_hmac import API_VERSION as ROOMS_API_VERSION

API_VERSION = "2025-06-01"  # Atrium's own APIs: subscriptions and the audit

SUBSCRIPTIONS = "/eventSubscriptions/{}?api-version=" + API_VERSION
ROOMS = "/rooms?api-version=" + ROOMS_API_VERSION


def poisoned_subscription(**filter_fields):
    return {"properties": {
        "destination": {"endpointType": "WebHook", "properties": {"endpointUrl": "http://127.0.0.1:9/hook"}},
        "filter": filter_fields}}


def refused_naming(response, target):
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "BadRequest" and response.headers["x-ms-error-code"] == "BadRequest"
    assert error["target"] == target, error
    assert "NUL" in error["message"], error


def test_poisoned_commands_beside_valid_ones_fail_alone(atrium):
    """Clients sending NUL in a subscription, while others create rooms: every room is created."""
    rooms_per_client, poisoned_per_client = 60, 60
    created, refused, unexpected = [], [], []
    lock = threading.Lock()

    def create_rooms():
        for _ in range(rooms_per_client):
            response = atrium.signed_request("POST", ROOMS, {})
            with lock:
                (created if response.status_code == 201 else unexpected).append(
                    (response.status_code, response.text[:200]))

    def poison():
        for _ in range(poisoned_per_client):
            name = f"poison-{uuid.uuid4().hex[:12]}"
            response = atrium.signed_request(
                "PUT", SUBSCRIPTIONS.format(name), poisoned_subscription(includedEventTypes=["x\u0000"]))
            with lock:
                (refused if response.status_code == 400 else unexpected).append(
                    (response.status_code, response.text[:200]))

    threads = [threading.Thread(target=create_rooms) for _ in range(4)]
    threads += [threading.Thread(target=poison) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not unexpected, unexpected[:5]
    assert len(created) == 4 * rooms_per_client
    assert len(refused) == 2 * poisoned_per_client


@pytest.mark.parametrize("filter_fields, target", [
    ({"includedEventTypes": ["Microsoft.Communication.CallStarted", "x\u0000"]},
     "properties.filter.includedEventTypes[1]"),
    ({"subjectBeginsWith": "rooms/\u0000"}, "properties.filter.subjectBeginsWith"),
    ({"advancedFilters": [{"operatorType": "StringIn", "key": "data.room.id", "values": ["a\u0000b"]}]},
     "properties.filter.advancedFilters[0].values[0]"),
])
def test_nul_in_a_subscription_is_refused_naming_the_field(atrium, filter_fields, target):
    name = f"nul-{uuid.uuid4().hex[:12]}"
    refused_naming(atrium.signed_request("PUT", SUBSCRIPTIONS.format(name), poisoned_subscription(**filter_fields)),
                   target)
    assert atrium.signed_request("GET", SUBSCRIPTIONS.format(name)).status_code == 404, "nothing was written"


def test_nul_in_an_operation_context_is_refused(atrium, client):
    room = client.create_room(valid_until=datetime.now(timezone.utc) + timedelta(hours=1))
    automation = CallAutomationClient(atrium.base_url, AzureKeyCredential(atrium.key))
    with pytest.raises(HttpResponseError) as refused:
        automation.connect_call(room_id=room.id, callback_url="http://127.0.0.1:9/callbacks",
                                operation_context="first\u0000")
    assert refused.value.status_code == 400
    assert refused.value.error.target == "operationContext", refused.value.error


def test_nul_in_a_path_or_query_is_refused(atrium, client):
    refused_naming(atrium.signed_request(
        "GET", f"/audit/streams/room-1%00/events?api-version={API_VERSION}", sign_form="raw"), "streamId")
    room = client.create_room(valid_until=datetime.now(timezone.utc) + timedelta(hours=1))
    refused_naming(atrium.signed_request(
        "GET", f"/rooms/{room.id}/participants?api-version={ROOMS_API_VERSION}&maxpagesize=1%00", sign_form="raw"),
        "maxpagesize")

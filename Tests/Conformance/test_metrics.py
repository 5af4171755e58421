"""`/metrics`: Prometheus text, public like the health probes, counting commands as they happen."""

import re
import time

import requests


def sample(atrium, name, **labels):
    """The value of one series in the current exposition (0 when absent)."""
    text = requests.get(atrium.base_url + "/metrics", timeout=10).text
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if match and match.group(1) == name:
            found = ",".join(sorted((match.group(2) or "").split(","))) if match.group(2) else ""
            if found == wanted:
                return float(match.group(3))
    return 0.0


def test_metrics_are_public_prometheus_text(atrium):
    response = requests.get(atrium.base_url + "/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")


def test_commands_are_counted_by_type_and_outcome(atrium):
    before = sample(atrium, "atrium_commands_total", command="CreateRoom", outcome="appended")
    for _ in range(3):
        assert atrium.signed_request("POST", "/rooms?api-version=2025-03-13", b"{}").status_code == 201
    refused_before = sample(atrium, "atrium_commands_total", command="CreateRoom", outcome="refused")
    bad = b'{"validUntil": "2001-01-01T00:00:00Z"}'
    assert atrium.signed_request("POST", "/rooms?api-version=2025-03-13", bad).status_code == 400
    assert sample(atrium, "atrium_commands_total", command="CreateRoom", outcome="appended") == before + 3
    assert sample(atrium, "atrium_commands_total", command="CreateRoom", outcome="refused") == refused_before + 1


def test_a_rebuild_run_beside_the_server_shows_its_progress(atrium):
    import os
    import subprocess

    assert atrium.signed_request("POST", "/rooms?api-version=2025-03-13", b"{}").status_code == 201
    argv = [str(atrium.binary), "rebuild", "--all", "--verify", "--data-dir", str(atrium.data_dir)]
    done = subprocess.run(argv, env=dict(os.environ, ATRIUM_ACCESS_KEY=atrium.key), cwd=atrium.data_dir,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    deadline = time.monotonic() + 15  # gauges are sampled every 5 s
    while sample(atrium, "atrium_rebuild_events_total", kind="verify") == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
    total = sample(atrium, "atrium_rebuild_events_total", kind="verify")
    assert total > 0
    assert sample(atrium, "atrium_rebuild_events_done", kind="verify") == total
    assert sample(atrium, "atrium_rebuild_running", kind="verify") == 0  # it finished


# -- families and series -------------------------------------------------------------------------

def metric_families(atrium):
    """`/metrics` read by prometheus-client's own parser (it raises on text it cannot read)."""
    from prometheus_client.parser import text_string_to_metric_families

    text = requests.get(atrium.base_url + "/metrics", timeout=10).text
    return list(text_string_to_metric_families(text))


def series_of(families):
    return {(s.name, tuple(sorted(s.labels.items()))) for f in families for s in f.samples}


def closed_port_url():
    """A loopback URL nobody listens on (a port bound for a moment to learn a free one)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/callbacks"


def connect_calls(atrium, client, identities, automation, receiver_url):
    """Five call connections: four whose callbacks are answered, one whose callback URI refuses (a
    port of its own: a refused endpoint rests, and another connection's callback would wait untried)."""
    from azure.communication.rooms import ParticipantRole
    from publishing import create_room, new_member

    member, _ = new_member(identities)
    room = create_room(client, [(member, ParticipantRole.ATTENDEE)])
    for url in [receiver_url] * 4 + [closed_port_url()]:
        automation.connect_call(room_id=room.id, callback_url=url)


def test_every_family_is_documented_and_call_connections_add_no_series(atrium, client, identities):
    from azure.communication.callautomation import CallAutomationClient
    from azure.core.credentials import AzureKeyCredential

    from event_receiver import EventReceiver
    from publishing import outbox_entries

    automation = CallAutomationClient(atrium.base_url, AzureKeyCredential(atrium.key))

    def connected(receiver):
        return len([e for _, e in receiver.first_deliveries() if e["type"].endswith(".CallConnected")])

    def settle(receiver, connections):
        """Until the answered callbacks arrived and a gauge sample (every 5 s) counts the refused ones."""
        receiver.wait_until(lambda r: connected(r) >= 4 * connections // 5, 30, "CallConnected callbacks")
        refused = connections // 5

        def counted():
            return (sample(atrium, "atrium_delivery_failed_attempts_total", subscription="callback:*",
                           reason="refused") >= refused
                    and sample(atrium, "atrium_outbox_queued_events", subscription="callback:*") >= refused)
        deadline = time.monotonic() + 20
        while not counted() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert counted(), "the refused callbacks counted as failed attempts and as queued"
        time.sleep(5.5)  # one more gauge sample, taken after every callback of these connections

    with EventReceiver() as receiver:
        connect_calls(atrium, client, identities, automation, receiver.url)
        settle(receiver, 5)
        families = metric_families(atrium)
        after_five = series_of(families)
        connect_calls(atrium, client, identities, automation, receiver.url)
        settle(receiver, 10)
        after_ten = series_of(metric_families(atrium))

    # Every family says what it is and what it counts.
    undocumented = [f.name for f in families if not f.documentation]
    untyped = [f.name for f in families if f.type == "unknown"]
    assert not undocumented, f"families without # HELP: {undocumented}"
    assert not untyped, f"families without # TYPE: {untyped}"
    # Callbacks are one label value, however many connections there are.
    assert sample(atrium, "atrium_deliveries_delivered_total", subscription="callback:*") >= 8
    per_connection = [s for s in after_ten for _, value in s[1]
                      if value.startswith("callback:") and value != "callback:*"]
    assert not per_connection, f"series of single connections: {per_connection[:5]}"
    assert len(after_ten) == len(after_five), (
        f"{len(after_five)} series after five connections, {len(after_ten)} after ten; new: "
        f"{sorted(after_ten - after_five)[:10]}")

    # The refused callbacks say why, in `atrium outbox list`.
    refused = [e for e in outbox_entries(atrium, "--limit", "10000")
               if e["subscription"].startswith("callback:") and e.get("lastReason") == "refused"]
    assert len(refused) >= 2, "the refused connections' callbacks wait with their reason"
    assert all(e["lastOutcome"].startswith("refused: ") for e in refused)

"""`/metrics`: Prometheus text, public like the health probes, counting commands as they happen."""

import re

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
    import time

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

"""Fixtures: one Atrium server for the whole session, SDK clients, small id/time helpers.

The server is started once (free port, temp data dir, random 32-byte key). Its combined
stdout/stderr goes to `<data dir>/atrium-conformance.log`; the tail is attached to every failed
test's report, and the data dir is kept when anything failed (or ATRIUM_KEEP_DATA is set). The crash-safety tests kill and restart this same server, so they run last.
"""

import os
import shutil

import pytest
from azure.core.credentials import AzureKeyCredential
from azure.communication.rooms import RoomsClient

import acs_values
from atrium_process import AtriumServer
from azure.communication.identity import CommunicationIdentityClient

_server = None


@pytest.fixture(scope="session")
def atrium(request):
    global _server
    server = AtriumServer()
    _server = server
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - report why the server would not come up
        server.cleanup_leftovers()
        pytest.fail(f"could not start atrium: {exc}", pytrace=False)
    # Room scenarios use real identities, issued by this server.
    acs_values.identity_client = CommunicationIdentityClient(server.base_url, AzureKeyCredential(server.key))
    yield server
    try:
        server.stop()
    finally:
        server.cleanup_leftovers()
        if request.session.testsfailed == 0 and not os.environ.get("ATRIUM_KEEP_DATA"):
            shutil.rmtree(server.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def identities(atrium):
    """The identity client of the shared server (a module may define its own)."""
    return acs_values.identity_client


@pytest.fixture(scope="session")
def client(atrium):
    with RoomsClient(atrium.base_url, AzureKeyCredential(atrium.key)) as c:
        yield c


def pytest_collection_modifyitems(items):
    """Crash tests kill the shared server: run them after everything else."""
    items.sort(key=lambda item: "test_crash_safety" in item.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _server is not None:
        report.sections.append(("atrium server log", _server.log_tail()))

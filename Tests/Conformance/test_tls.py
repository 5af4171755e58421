"""HTTPS: `serve --tls-self-signed` and `serve --tls-cert/--tls-key`, driven by the official SDKs
built the way a user of Azure builds them, `from_connection_string("endpoint=https://…")`, unchanged.

The certificate is trusted as a user would be told to: `connection_verify=<crt>` on the client, or
`REQUESTS_CA_BUNDLE=<crt>` in the environment. Each server here is its own (own data dir, port).
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests
from azure.communication.identity import CommunicationIdentityClient
from azure.communication.rooms import RoomsClient
from azure.core.exceptions import ServiceRequestError

from acs_values import ROOM_ID
from atrium_process import AtriumServer, atrium_binary, free_port

pytestmark = pytest.mark.timeout(300)


def connection_string(server):
    return f"endpoint=https://localhost:{server.port}/;accesskey={server.key}"


def atrium_version():
    out = subprocess.run([str(atrium_binary()), "--version"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture(scope="module")
def self_signed():
    data_dir = Path(tempfile.mkdtemp(prefix="atrium-tls-"))
    server = AtriumServer(data_dir=data_dir, args=["--tls-self-signed"], tls=True,
                          verify=str(data_dir / "tls" / "localhost.crt"))
    with server.running():
        yield server
    shutil.rmtree(data_dir, ignore_errors=True)


def test_self_signed_certificate_is_made_and_announced(self_signed):
    crt = self_signed.data_dir / "tls" / "localhost.crt"
    key = self_signed.data_dir / "tls" / "localhost.key"
    assert crt.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    log = self_signed.log_path.read_text()
    assert f"is listening on https://127.0.0.1:{self_signed.port}" in log
    assert f"curl --cacert {crt}" in log and f"REQUESTS_CA_BUNDLE={crt}" in log
    # For every name the certificate is made for, as curl checks it.
    for host in ("localhost", "127.0.0.1"):
        out = subprocess.run(["curl", "-sS", "--cacert", str(crt), f"https://{host}:{self_signed.port}/readyz"],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0 and '"ready"' in out.stdout, (host, out.stderr)


def test_rooms_sdk_from_connection_string_over_tls(self_signed):
    crt = str(self_signed.data_dir / "tls" / "localhost.crt")
    with RoomsClient.from_connection_string(connection_string(self_signed), connection_verify=crt) as rooms:
        room = rooms.create_room()
        assert ROOM_ID.match(room.id), room.id
        assert rooms.get_room(room.id).id == room.id
        assert room.id in [r.id for r in rooms.list_rooms()]
        rooms.delete_room(room.id)


def test_identity_sdk_from_connection_string_trusting_requests_ca_bundle(self_signed, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(self_signed.data_dir / "tls" / "localhost.crt"))
    identity = CommunicationIdentityClient.from_connection_string(connection_string(self_signed))
    user, token = identity.create_user_and_token(scopes=["voip"])
    assert user.properties["id"].startswith("8:acs:")
    assert token.token.count(".") == 2
    identity.delete_user(user)


def test_an_untrusted_certificate_is_refused_by_the_sdk(self_signed, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with RoomsClient.from_connection_string(connection_string(self_signed), retry_total=0) as rooms:
        with pytest.raises(ServiceRequestError, match="CERTIFICATE_VERIFY_FAILED"):
            rooms.create_room()


def test_plain_http_to_the_tls_port_fails(self_signed):
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{self_signed.port}/readyz", timeout=10)
    # The server goes on serving HTTPS.
    assert requests.get(self_signed.base_url + "/readyz", verify=self_signed.verify, timeout=10).status_code == 200


def test_version_in_readyz_and_server_header_over_tls(self_signed):
    version = atrium_version()
    resp = requests.get(self_signed.base_url + "/readyz", verify=self_signed.verify, timeout=10)
    assert resp.json() == {"status": "ready", "version": version}
    assert resp.headers["Server"] == f"Atrium/{version}"


def test_the_self_signed_certificate_is_kept_across_restarts(self_signed):
    crt = self_signed.data_dir / "tls" / "localhost.crt"
    before = crt.read_bytes()
    self_signed.restart()
    assert crt.read_bytes() == before
    assert "certificate for localhost, 127.0.0.1 and ::1, kept in" in self_signed.log_path.read_text()
    with RoomsClient.from_connection_string(connection_string(self_signed), connection_verify=str(crt)) as rooms:
        rooms.delete_room(rooms.create_room().id)


# -- a certificate of one's own ----------------------------------------------------------------

def openssl_certificate(directory, name="server"):
    """A self-signed P-256 certificate for localhost and 127.0.0.1, as one would make it with openssl."""
    crt, key = directory / f"{name}.crt", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(crt), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60)
    return crt, key


@pytest.fixture(scope="module")
def certificates():
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test's certificates")
    directory = Path(tempfile.mkdtemp(prefix="atrium-tls-certs-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def test_own_certificate_and_key(certificates):
    crt, key = openssl_certificate(certificates)
    server = AtriumServer(args=["--tls-cert", str(crt), "--tls-key", str(key)], tls=True, verify=str(crt))
    with server.running():
        log = server.log_path.read_text()
        assert f"is listening on https://127.0.0.1:{server.port}" in log
        assert "self-signed" not in log and not (server.data_dir / "tls").exists()
        with RoomsClient.from_connection_string(connection_string(server), connection_verify=str(crt)) as rooms:
            room = rooms.create_room()
            assert rooms.get_room(room.id).id == room.id
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{server.port}/readyz", timeout=10)
    shutil.rmtree(server.data_dir, ignore_errors=True)


def refused_start(args, data_dir):
    """`atrium serve` that must refuse to start: its stdout, its stderr lines, its exit status."""
    out = subprocess.run(
        [str(atrium_binary()), "serve", "--port", str(free_port()), "--data-dir", str(data_dir)] + args,
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"})
    return out.stdout, out.stderr.splitlines(), out.returncode


@pytest.mark.parametrize("case", ["missing certificate", "not a certificate", "not a key", "another key"])
def test_bad_certificate_or_key_is_one_line_and_exit_1(certificates, tmp_path, case):
    crt, key = openssl_certificate(certificates, "good")
    _, other_key = openssl_certificate(certificates, "other")
    garbage = certificates / "garbage.pem"
    garbage.write_text("not PEM at all\n")
    args, expected = {
        "missing certificate": (["--tls-cert", str(certificates / "absent.crt"), "--tls-key", str(key)],
                                f"atrium: --tls-cert {certificates / 'absent.crt'} cannot be read"),
        "not a certificate": (["--tls-cert", str(garbage), "--tls-key", str(key)],
                              f"atrium: --tls-cert {garbage} "),
        "not a key": (["--tls-cert", str(crt), "--tls-key", str(garbage)],
                      f"atrium: --tls-key {garbage} is not a PEM private key"),
        "another key": (["--tls-cert", str(crt), "--tls-key", str(other_key)],
                        f"atrium: --tls-key {other_key} is not the private key of the certificate in {crt}"),
    }[case]
    stdout, stderr, status = refused_start(args, tmp_path)
    assert status == 1, (stdout, stderr)
    assert len(stderr) == 1 and stderr[0].startswith(expected), stderr
    assert stdout == ""
    assert not (tmp_path / "postgres").exists()


def test_public_url_must_be_https_with_tls(certificates, tmp_path, monkeypatch):
    crt, key = openssl_certificate(certificates, "public")
    monkeypatch.setenv("ATRIUM_PUBLIC_URL", "http://atrium.example")
    stdout, stderr, status = refused_start(["--tls-cert", str(crt), "--tls-key", str(key)], tmp_path)
    assert status == 1
    assert stderr == ["atrium: ATRIUM_PUBLIC_URL must be an https:// URL when the server speaks TLS"]

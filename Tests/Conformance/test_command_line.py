"""The command line: `--version`, each default shown once in `--help`, a port in use told in one line."""

import os
import re
import socket
import subprocess

import pytest

from atrium_process import atrium_binary, free_port

SUBCOMMANDS = ["serve", "migrate", "audit", "rebuild", "consumers", "outbox", "bench", "bench-delivery",
               "bench-rebuild"]
# Every command with options of its own.
COMMANDS = [c for c in SUBCOMMANDS if c not in ("consumers", "outbox")] + [
    "consumers list", "consumers reset", "outbox list", "outbox redrive"]


def atrium(*args, timeout=60, env=None):
    return subprocess.run([str(atrium_binary()), *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=env)


def test_version():
    out = atrium("--version")
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\n", out.stdout), out.stdout


def test_top_level_help_lists_every_subcommand():
    out = atrium("--help")
    assert out.returncode == 0
    for name in SUBCOMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s", out.stdout, re.M), name


def options_of(help_text):
    """Each option's entry in a `--help` text: its first line and the lines that continue it."""
    entries, current = [], None
    for line in help_text.splitlines():
        if re.match(r"^  -", line):
            current = [line]
            entries.append(current)
        elif current is not None and re.match(r"^ {3,}\S", line):
            current.append(line.strip())
        else:
            current = None
    return [" ".join(entry) for entry in entries]


def subcommand_help(name):
    out = atrium(*name.split(), "--help")
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_shows_its_default_once(name):
    options = options_of(subcommand_help(name))
    assert options, "no options parsed"
    for option in options:
        assert len(re.findall(r"default", option, re.I)) <= 1, option


def test_serve_help():
    text = " ".join(options_of(subcommand_help("serve")))
    for flag in ("--event-loops", "--tls-cert <file>", "--tls-key <file>", "--tls-self-signed", "--port"):
        assert flag in text, flag
    event_loops = next(o for o in options_of(subcommand_help("serve")) if o.lstrip().startswith("--event-loops"))
    assert "(default: half the cores" in event_loops


def test_a_port_in_use_is_one_line_and_exit_1_before_postgres(tmp_path):
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        out = atrium("serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path),
                     timeout=60, env=env)
    assert out.returncode == 1, (out.stdout, out.stderr)
    assert out.stderr == f"atrium: port {port} on 127.0.0.1 is in use; choose another with --port\n"
    assert out.stdout == ""
    # Found before the embedded PostgreSQL was created, let alone started.
    assert not (tmp_path / "postgres").exists()
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()


def test_tls_flags_are_checked_together(tmp_path):
    out = atrium("serve", "--tls-cert", "x.crt", "--data-dir", str(tmp_path))
    assert out.returncode != 0
    assert "--tls-cert and --tls-key go together" in out.stderr
    out = atrium("serve", "--tls-self-signed", "--tls-cert", "x.crt", "--tls-key", "x.key", "--data-dir", str(tmp_path))
    assert out.returncode != 0
    assert "--tls-self-signed makes its own certificate" in out.stderr
    assert not (tmp_path / "postgres").exists()

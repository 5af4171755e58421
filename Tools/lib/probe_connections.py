#!/usr/bin/env python3
"""Measures what idle and slow connections cost a running `atrium serve` (issue 15, section 5).

    probe_connections.py --port PORT --pid PID [--idle N] [--idle-timeout S] [--slow N] [--waves N]

1. Opens N idle connections (default 5,000) and holds them: the server's RSS and open sockets
   before, with them open, and just after the idle timeout (how many the server closed); again
   for each of --waves.
2. Ten connections send a request head one byte a second: when each is answered, with what, and
   when it is closed.
Loopback only; bounded in time (about the idle timeout plus 50 seconds) and in count.
"""
import argparse
import os
import socket
import time


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def sockets_of(pid):
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


def closed_by_server(sock):
    """True once the server has closed the connection (EOF or reset)."""
    try:
        return sock.recv(65536) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    except OSError:  # not connected yet: still waiting to be accepted
        return False


def idle(args, wave):
    print(f"== wave {wave}: {args.idle} idle connections (server idle timeout {args.idle_timeout} s)")
    before_rss, before_sockets = rss_mib(args.pid), sockets_of(args.pid)
    print(f"before: RSS {before_rss:.1f} MiB, {before_sockets} sockets")
    connections = []
    started = time.monotonic()
    # In batches the listen backlog (256) can hold, each waited for (at most 2 s: beyond
    # --max-connections they are not accepted).
    while len(connections) < args.idle:
        for _ in range(min(200, args.idle - len(connections))):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", args.port))
            connections.append(sock)
        batch_started = time.monotonic()
        while sockets_of(args.pid) < before_sockets + len(connections) and time.monotonic() - batch_started < 2:
            time.sleep(0.05)
    held_rss, held_sockets = rss_mib(args.pid), sockets_of(args.pid)
    print(
        f"{time.monotonic() - started:.0f} s after the first: RSS {held_rss:.1f} MiB, "
        f"{held_sockets} sockets held by the server"
    )
    # Wait out the idle timeout (counted from each connection's accept) with a margin.
    opened = time.monotonic()
    while time.monotonic() < opened + args.idle_timeout + 5:
        time.sleep(1)
    closed = sum(closed_by_server(sock) for sock in connections)
    after_rss, after_sockets = rss_mib(args.pid), sockets_of(args.pid)
    print(
        f"idle timeout + 5 s later: {closed} of {args.idle} seen closed by the client; "
        f"server RSS {after_rss:.1f} MiB, {after_sockets} sockets"
    )
    for sock in connections:
        sock.close()
    time.sleep(2)
    print(f"after the client let go: RSS {rss_mib(args.pid):.1f} MiB, {sockets_of(args.pid)} sockets")


def slow(args):
    print(f"== {args.slow} connections sending a request head one byte a second (bounded at 45 s)")
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"s" * 100 + b"\r\n\r\n"
    connections = []
    for _ in range(args.slow):
        sock = socket.create_connection(("127.0.0.1", args.port))
        sock.setblocking(False)
        connections.append({"sock": sock, "sent": 0, "answer": b"", "closed": None})
    started = time.monotonic()
    while time.monotonic() - started < 45 and any(c["closed"] is None for c in connections):
        for c in connections:
            if c["closed"] is not None:
                continue
            try:
                while True:
                    data = c["sock"].recv(65536)
                    if data == b"":
                        c["closed"] = time.monotonic() - started
                        break
                    c["answer"] += data
            except BlockingIOError:
                pass
            except ConnectionResetError:
                c["closed"] = time.monotonic() - started
            if c["closed"] is None and c["sent"] < len(head):
                try:
                    c["sock"].send(head[c["sent"] : c["sent"] + 1])
                    c["sent"] += 1
                except OSError:
                    c["closed"] = time.monotonic() - started
        time.sleep(1)
    for c in connections:
        status = c["answer"].split(b"\r\n", 1)[0].decode(errors="replace") or "(no answer)"
        body = c["answer"].split(b"\r\n\r\n", 1)[1].decode(errors="replace") if b"\r\n\r\n" in c["answer"] else ""
        closed = f"closed at {c['closed']:.1f} s" if c["closed"] is not None else "still open at 45 s"
        print(f"{c['sent']} bytes sent; {status} {body}; {closed}")
        c["sock"].close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--idle-timeout", type=int, default=60)
    parser.add_argument("--slow", type=int, default=10)
    parser.add_argument("--waves", type=int, default=1, help="idle waves one after the other (is memory reused?)")
    args = parser.parse_args()
    for wave in range(1, args.waves + 1 if args.idle else 1):
        idle(args, wave)
    if args.slow:
        slow(args)


if __name__ == "__main__":
    main()

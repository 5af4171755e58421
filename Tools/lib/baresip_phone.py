"""A real softphone for the examples: baresip (Debian's baresip-core) answering calls to one number
by itself, and pressing keys (RFC 4733) a few seconds after each call is established, as a person
asked for input would. baresip's ctrl_tcp module tells when a call is established (netstring-framed
JSON); the keys are typed on its stdin (`/sndcode`).

    python3 Tools/lib/baresip_phone.py --number +14255550120 --sip-port 30502 --keys 2# --after 4
"""

import argparse
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def netstrings(sock):
    """Yields each JSON message baresip sends on its control connection."""
    buffer = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return
        buffer += chunk
        while b":" in buffer:
            length, rest = buffer.split(b":", 1)
            if len(rest) < int(length) + 1:
                break
            yield json.loads(rest[:int(length)])
            buffer = rest[int(length) + 1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", required=True)
    parser.add_argument("--sip-port", type=int, required=True)
    parser.add_argument("--control-port", type=int, default=30550)
    parser.add_argument("--rtp-ports", default="30560-30569")
    parser.add_argument("--keys", default="2#")
    parser.add_argument("--after", type=float, default=4.0, help="seconds after the answer")
    args = parser.parse_args()
    # Stopped with SIGTERM (the example's cleanup): the phone goes with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    home = Path(tempfile.mkdtemp(prefix="atrium-phone-"))
    silence = home / "silence.wav"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(silence), "trim", "0", "600"], check=True)
    low, high = args.rtp_ports.split("-")
    (home / "config").write_text(f"""poll_method epoll
sip_listen 127.0.0.1:{args.sip_port}
net_interface 127.0.0.1
audio_player alsa,null
audio_source aufile,{silence}
audio_alert alsa,null
rtp_ports {low}-{high}
rtcp_mux no
module_path /usr/lib/baresip/modules
module stdio.so
module g711.so
module alsa.so
module aufile.so
module_tmp uuid.so
module_tmp account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{args.control_port}
""")
    (home / "accounts").write_text(
        f"<sip:{args.number}@127.0.0.1:{args.sip_port}>;regint=0;answermode=auto;audio_codecs=PCMU\n")
    # Events come on the control connection; keys are typed on stdin (the menu's /sndcode).
    phone = subprocess.Popen(["baresip", "-f", str(home)], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                control = socket.create_connection(("127.0.0.1", args.control_port), timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("baresip's control port did not open")
        control.settimeout(None)
        print(f"phone {args.number} ready on 127.0.0.1:{args.sip_port}", flush=True)
        for message in netstrings(control):
            if message.get("type") == "CALL_ESTABLISHED":
                print(f"phone {args.number}: answered; pressing {args.keys} in {args.after:g} s", flush=True)
                time.sleep(args.after)
                phone.stdin.write(f"/sndcode {args.keys}\n".encode())
                phone.stdin.flush()
            elif message.get("type") == "CALL_CLOSED":
                print(f"phone {args.number}: hung up ({message.get('param', '')})", flush=True)
    finally:
        phone.terminate()
        phone.wait(5)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()

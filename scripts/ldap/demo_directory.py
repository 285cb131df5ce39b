"""The SIMPEG directory of the demo (make demo / make stop).

    python3 scripts/ldap/demo_directory.py start [--entries 40]   # prints JSON settings
    python3 scripts/ldap/demo_directory.py stop

A slapd of tests/ldap (same schema and generated people as the tests; every
password is ``Sandi-<login>!``) living in ``.state/ldap``: the people are
loaded once with slapadd, slapd then runs in the background on a loopback
port (kept from one run to the next) until ``stop``.
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ldap"))

import simpeg_data
import slapd

FOLDER = Path(os.environ.get("STATE", ROOT / ".state")) / "ldap"
INFO = FOLDER / "directory.json"
PIDFILE = FOLDER / "slapd.pid"
SHOWN = ("pppk", "perangkat_nagari", "ahli_muda")


def _pid():
    try:
        pid = int(PIDFILE.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"slapd" in cmdline and str(FOLDER).encode() in cmdline else None


def start(entries):
    FOLDER.mkdir(parents=True, exist_ok=True)
    info = json.loads(INFO.read_text()) if INFO.exists() else {}
    fresh = not (FOLDER / "db" / "data.mdb").exists() or info.get("entries") != entries
    if fresh and _pid() is None:
        for old in (FOLDER / "db").glob("*"):
            old.unlink()
    server = slapd.Slapd(workdir=FOLDER, with_base=fresh)
    people = simpeg_data.generate(entries)
    if fresh:
        server.load_ldif(simpeg_data.to_ldif(people))
    port = info.get("port")
    if _pid() is None:
        if not port or _busy(port):
            port = slapd.free_port()
        server.port = port
        # without -d slapd detaches and writes its pid file (slapd.conf)
        subprocess.run(
            [slapd.SLAPD, "-f", str(server.conf), "-h", server.uri],
            check=True,
            capture_output=True,
            text=True,
        )
        try:
            slapd.wait_for(server._answers, 15, f"slapd does not answer on {server.uri}")
        except slapd.WaitTimeout as exc:
            raise SystemExit(str(exc)) from None
    server.port = port
    by_key = simpeg_data.by_key(people)
    info = {
        "entries": entries,
        "port": port,
        "uri": server.uri,
        "base": server.people_dn,
        "bind_dn": server.sync_dn,
        "bind_password": server.sync_password,
        "logins": [
            [by_key[k].login, by_key[k].password, by_key[k].attrs["title"][0]]
            for k in SHOWN
            if k in by_key
        ],
    }
    INFO.write_text(json.dumps(info, indent=1))
    print(json.dumps(info))


def _busy(port):
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", int(port))) == 0


def stop():
    pid = _pid()
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    try:
        slapd.wait_for(lambda: _pid() is None, 30, f"slapd (pid {pid}) is still running")
    except slapd.WaitTimeout as exc:
        raise SystemExit(str(exc)) from None
    print(f"stopped the demo SIMPEG directory (slapd pid {pid})")


def main():
    parser = argparse.ArgumentParser(description="The SIMPEG directory of the demo.")
    parser.add_argument("command", choices=("start", "stop"))
    parser.add_argument("--entries", type=int, default=40)
    args = parser.parse_args()
    if args.command == "start":
        start(args.entries)
    else:
        stop()


if __name__ == "__main__":
    main()

"""Run a local SIMPEG test directory until Ctrl-C (for trying the LDAP login
and the synchronisation by hand, e.g. against the demo database).

    python3 scripts/ldap/serve_directory.py [--entries 200] [--tls] [--ldif out.ldif]

Prints the settings to enter in Odoo (URI, base, bind DN and password, filter)
and a few logins with their passwords. The data are those of
tests/ldap/simpeg_data.py (deterministic); every password is
``Sandi-<login>!``. The directory lives in a temporary folder, removed on exit.
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import contextlib
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ldap"))

import simpeg_data
from simpeg_directory import start_simpeg_directory


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run a local SIMPEG test directory.")
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--tls", action="store_true", help="also STARTTLS and ldaps://")
    parser.add_argument("--ldif", help="also write the people as LDIF to this file")
    args = parser.parse_args(argv)

    directory = start_simpeg_directory(args.entries, seed=args.seed, tls=args.tls)
    server, config = directory.server, directory.config
    if args.ldif:
        simpeg_data.write_ldif(args.ldif, directory.people)
    print(f"SIMPEG test directory, {len(directory.people)} people, folder {server.dir}")
    print(f"  URI        : {config.uri}")
    if args.tls:
        print(f"  ldaps URI  : {server.ldaps_uri}   (STARTTLS on the ldap:// URI too)")
        print(f"  CA file    : {server.ca_file}")
    print(f"  base       : {config.base}")
    print(f"  bind DN    : {config.bind_dn}")
    print(f"  password   : {config.bind_password}")
    print(f"  filter     : {config.filter}")
    print(f"  login filter (auth_ldap): {config.login_filter_template()}")
    print(f"  admin      : {server.admin_dn} / {server.admin_password}")
    for key in ("administrator", "ahli_madya", "pelaksana", "sekretaris_nagari", "pppk"):
        person = directory.by_key().get(key)
        if person:
            print(f"  {key:<18} {person.login:<20} {person.password}")
    print("Ctrl-C to stop.", flush=True)

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C or SIGTERM: stop
            while server.running:
                signal.pause()
    finally:
        directory.close()


if __name__ == "__main__":
    main()

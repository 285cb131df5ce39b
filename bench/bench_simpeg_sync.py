"""Benchmark of the SIMPEG synchronisation (Odoo side).

Starts a slapd holding 10,000 generated SIMPEG entries (and one of 2,000 for
the memory comparison) and measures, in one run, in the benchmark database
(``ekonsultasi_bench``, everything rolled back):

* ``ldapsearch`` dumping the people (paged): the floor of reading the directory;
* a bare batch ``res.users.create`` of the same 10,000 portal users (names,
  logins, e-mails, chunks of 500, no invitation mail, no tracking): Odoo's
  floor of creating them;
* our first full synchronisation (read, map, plan, batch create with the
  profile), and a second full synchronisation with nothing changed;
* the peak Python memory (tracemalloc) of the first and of the no-change
  synchronisation of the 2,000- and of the 10,000-entry directory (traced
  runs, not the timed ones: tracemalloc slows Python down).

Targets: first sync at least half as fast as the bare create (time ratio at
most 2), no-change sync at most 10 x the ldapsearch time, peak memory not
growing with the directory (10,000 / 2,000 entries below 1.5 for both
synchronisations). Exit code 1 when a target is missed.

    python3 bench/bench_simpeg_sync.py -c .state/odoo.conf --db ekonsultasi_bench

Any database with ekonsultasi_addon installed (no demo data) will do:
``--db`` another one to run it beside ``make bench``.
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ldap"))
sys.path.insert(0, str(ROOT / "bench"))

import simpeg_odoo
from bench_ldap_directory import time_ldapsearch
from simpeg_directory import start_simpeg_directory

import odoo
from odoo import Command
from odoo.modules.registry import Registry
from odoo.tools import config

USER_CONTEXT = {
    "no_reset_password": True,
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


def in_transaction(dbname, func):
    """func(env) in a cursor that is rolled back."""
    with Registry(dbname).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            return func(env)
        finally:
            cr.rollback()


def bare_create(env, people, chunk=500):
    portal = env.ref("base.group_portal")
    Users = env["res.users"].with_context(**USER_CONTEXT)
    vals = [
        {
            "name": p.attrs["displayName"][0],
            "login": p.login,
            "email": (p.attrs.get("mail") or [False])[0],
            "groups_id": [Command.set(portal.ids)],
        }
        for p in people
    ]
    start = time.perf_counter()
    for i in range(0, len(vals), chunk):
        Users.create(vals[i : i + chunk])
        env.flush_all()
        env.invalidate_all()
    return time.perf_counter() - start, len(vals)


def make_server(env, directory):
    company = env.company
    simpeg_odoo.regional_codes(env, company)
    return env["res.company.ldap"].create(
        simpeg_odoo.server_values(directory, company, simpeg_page_size=500, ldap_timeout=30)
    )


def timed_sync(env, server):
    env.flush_all()
    start = time.perf_counter()
    run = env["ekonsultasi.simpeg.sync.run"]._run_sync(server, "full")
    env.flush_all()
    elapsed = time.perf_counter() - start
    if run.state != "done":
        raise RuntimeError(f"synchronisation {run.state}: {run.error_message}")
    return elapsed, run


def syncs(env, directory):
    server = make_server(env, directory)
    first, run1 = timed_sync(env, server)
    counts1 = (run1.created_count, run1.error_count, run1.skipped_count)
    env.invalidate_all()
    second, run2 = timed_sync(env, server)
    return first, counts1, second, (run2.unchanged_count, run2.updated_count)


def traced_peak(env, server):
    """Peak Python memory of one full synchronisation, in bytes."""
    env.invalidate_all()
    gc.collect()
    tracemalloc.start()
    try:
        timed_sync(env, server)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def peaks(env, directory):
    """(first sync, no-change sync) peak memory."""
    server = make_server(env, directory)
    return traced_peak(env, server), traced_peak(env, server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--db", required=True, help="database with ekonsultasi_addon")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()

    big = start_simpeg_directory(args.entries)
    small = start_simpeg_directory(args.small)
    try:
        n = args.entries
        time_ldapsearch(big)  # warm-up
        ldapsearch = min(time_ldapsearch(big)[0] for _ in range(3))
        in_transaction(args.db, lambda env: bare_create(env, big.people[:200]))  # warm-up
        bare, created = in_transaction(args.db, lambda env: bare_create(env, big.people))
        first, counts, second, counts2 = in_transaction(args.db, lambda env: syncs(env, big))
        mem_small = in_transaction(args.db, lambda env: peaks(env, small))
        mem_big = in_transaction(args.db, lambda env: peaks(env, big))
    finally:
        big.close()
        small.close()

    print(f"ldapsearch (paged, the floor)     : {n} entries in {ldapsearch:.2f} s")
    print(
        f"bare res.users.create (portal)    : {created} users in {bare:.2f} s "
        f"({created / bare:,.0f}/s)"
    )
    print(
        f"first full sync                   : {counts[0]} created, {counts[1]} errors, "
        f"{counts[2]} inactive skipped, in {first:.2f} s ({counts[0] / first:,.0f}/s)"
    )
    print(
        f"second full sync, nothing changed : {counts2[0]} unchanged, {counts2[1]} updated, "
        f"in {second:.2f} s"
    )
    speed = (counts[0] / first) / (created / bare)
    ratio_search = second / ldapsearch
    print(f"first sync speed / bare create    : {speed:.2f} (target >= 0.5)")
    print(f"no-change sync / ldapsearch       : {ratio_search:.1f} (target <= 10)")
    growth = []
    for index, label in enumerate(("first sync", "no-change sync")):
        growth.append(mem_big[index] / mem_small[index])
        print(
            f"peak Python memory, {label:<14}: {args.small} entries "
            f"{mem_small[index] / 2**20:.1f} MiB, {n} entries "
            f"{mem_big[index] / 2**20:.1f} MiB (x{growth[-1]:.2f}, target < 1.5)"
        )
    return 0 if speed >= 0.5 and ratio_search <= 10 and max(growth) < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())

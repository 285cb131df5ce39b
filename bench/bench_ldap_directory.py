"""Benchmark of reading the SIMPEG directory (no Odoo needed).

Starts a fresh slapd holding 10,000 generated SIMPEG entries (offline load
with slapadd), then measures in one run:

* ``ldapsearch`` dumping the people with paged results (``-E pr=500/noprompt``),
  as a subprocess: the reference of what the directory and libldap cost;
* our ``simpeg_ldap.iter_entries`` + ``simpeg_mapping.map_entry`` over the same
  entries and attributes: time and ratio to ldapsearch;
* the peak Python memory (tracemalloc) of iterating + mapping a 2,000-entry
  and the 10,000-entry directory, to show that it does not grow with the
  directory (only one page is held), next to the peak of materialising every
  entry in a list.

Usage: python3 bench/bench_ldap_directory.py [--entries 10000] [--small 2000]
[--page-size 500] [--repeat 3]

The functions (``start_simpeg_directory`` from tests/ldap/simpeg_directory.py,
``time_ldapsearch``, ``time_iter_map``, ``peak_memory``) are meant to be reused
by the Odoo benchmark of the synchronisation.
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import gc
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ldap"))

from simpeg_data import NAGARI, UNIT_KERJA
from simpeg_directory import load_lib, start_simpeg_directory

load_lib()
from ekonsultasi_lib import simpeg_ldap, simpeg_mapping

ATTRIBUTES = simpeg_mapping.DEFAULT_MAPPING.attributes()


def time_ldapsearch(directory, page_size=500):
    """Seconds for ldapsearch to dump the people (paged), and the number of
    entries it printed."""
    server, config = directory.server, directory.config
    cmd = server.ldapsearch_cmd(config.base, config.filter, *ATTRIBUTES, page_size=page_size)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"ldapsearch failed: {proc.stderr.decode(errors='replace')}")
    count = (
        proc.stdout.count(b"\ndn: ")
        + proc.stdout.count(b"\ndn:: ")
        + (1 if proc.stdout.startswith((b"dn: ", b"dn:: ")) else 0)
    )
    return elapsed, count


def iter_map(config, page_size=500, map_entries=True):
    """Read (and map) every entry; returns (entries, problems)."""
    conn = simpeg_ldap.connect(config)
    count = problems = 0
    try:
        for _dn, attrs in simpeg_ldap.iter_entries(
            conn, config.base, config.filter, ATTRIBUTES, page_size
        ):
            count += 1
            if map_entries:
                _profile, found = simpeg_mapping.map_entry(
                    attrs, known_unit_codes=UNIT_KERJA, known_nagari_codes=NAGARI
                )
                problems += len(found)
    finally:
        conn.unbind_s()
    return count, problems


def time_iter_map(directory, page_size=500, map_entries=True):
    start = time.perf_counter()
    count, problems = iter_map(directory.config, page_size, map_entries)
    return time.perf_counter() - start, count, problems


def peak_memory(directory, page_size=500, materialise=False):
    """Peak traced Python memory (bytes) of one pass (iterate + map), or of
    reading every entry into a list when ``materialise``."""
    gc.collect()
    tracemalloc.start()
    try:
        if materialise:
            conn = simpeg_ldap.connect(directory.config)
            config = directory.config
            everything = list(
                simpeg_ldap.iter_entries(conn, config.base, config.filter, ATTRIBUTES, page_size)
            )
            conn.unbind_s()
            del everything
        else:
            iter_map(directory.config, page_size)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def best(runs):
    return min(runs, key=lambda r: r[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    big = start_simpeg_directory(args.entries)
    load = time.perf_counter() - start
    small = start_simpeg_directory(args.small)
    try:
        print(f"directory: {args.entries} entries generated and loaded (slapadd) in {load:.2f} s")
        # warm-up: the database pages in the OS cache for both sides
        time_ldapsearch(big, args.page_size)
        ref = best([time_ldapsearch(big, args.page_size) for _ in range(args.repeat)])
        raw = best([time_iter_map(big, args.page_size, False) for _ in range(args.repeat)])
        ours = best([time_iter_map(big, args.page_size, True) for _ in range(args.repeat)])
        assert ref[1] == raw[1] == ours[1] == args.entries, (ref, raw, ours)
        n = args.entries
        print(
            f"ldapsearch -E pr={args.page_size}/noprompt : {n} entries in {ref[0]:.2f} s "
            f"({n / ref[0]:,.0f}/s)"
        )
        print(
            f"iter_entries (python-ldap)        : {n} entries in {raw[0]:.2f} s "
            f"({n / raw[0]:,.0f}/s)"
        )
        print(
            f"iter_entries + map_entry          : {n} entries in {ours[0]:.2f} s "
            f"({n / ours[0]:,.0f}/s), {ours[2]} problems reported"
        )
        print(f"ratio ours / ldapsearch           : {ours[0] / ref[0]:.2f}")
        mem_small = peak_memory(small, args.page_size)
        mem_big = peak_memory(big, args.page_size)
        mem_list = peak_memory(big, args.page_size, materialise=True)
        print(
            f"peak Python memory, iterate+map {args.small:>6} entries: {mem_small / 1024:,.0f} KiB"
        )
        print(
            f"peak Python memory, iterate+map {args.entries:>6} entries: "
            f"{mem_big / 1024:,.0f} KiB (x{mem_big / mem_small:.2f})"
        )
        print(f"for comparison, list() of all {args.entries} entries: {mem_list / 1024:,.0f} KiB")
    finally:
        big.close()
        small.close()


if __name__ == "__main__":
    main()

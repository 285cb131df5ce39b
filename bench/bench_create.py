"""Benchmark: creating consultations through the ORM.

Creates N consultations (one ``create`` call each, as the portal does) in a
database with ekonsultasi_addon, and N plain helpdesk_mgmt tickets with the
same values in a database with helpdesk_mgmt only, in the same run, and prints
the ratio (target: at most 1.5). Everything is rolled back.

Run it with ``make bench`` (bench/run.sh prepares both databases), or
    python3 bench/bench_create.py -c .state/odoo.conf \
        --db ekonsultasi_bench --plain-db ekonsultasi_bench_plain
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import sys
import time

import odoo
from odoo import Command
from odoo.modules.registry import Registry
from odoo.tools import config


def setup_common(env, with_ekonsultasi):
    """A team of 3 konsultan, a category, 20 konsulti partners."""
    group_ids = [env.ref("base.group_user").id]
    if with_ekonsultasi:
        group_ids.append(env.ref("ekonsultasi_addon.group_ekonsultasi_konsultan").id)
    else:
        group_ids.append(env.ref("helpdesk_mgmt.group_helpdesk_user_own").id)
    users = env["res.users"].create(
        [
            {
                "name": f"Konsultan Bench {i}",
                "login": f"bench_konsultan_{i}",
                "groups_id": [Command.set(group_ids)],
                **({"jenis_jabatan": "administrator"} if with_ekonsultasi else {}),
            }
            for i in range(3)
        ]
    )
    team = env["helpdesk.ticket.team"].create(
        {"name": "Tim Bench", "user_ids": [Command.set(users.ids)]}
    )
    top_vals = {"name": "Bench"}
    if with_ekonsultasi:
        agency = env["ekonsultasi.perangkat.daerah"].create({"name": "Dinas Bench"})
        top_vals.update(perangkat_daerah_id=agency.id, team_id=team.id)
    top = env["helpdesk.ticket.category"].create(top_vals)
    topic = env["helpdesk.ticket.category"].create({"name": "Topik", "parent_id": top.id})
    partners = env["res.partner"].create(
        [{"name": f"Konsulti Bench {i}", "email": f"k{i}@example.com"} for i in range(20)]
    )
    return team, topic, partners, users


def run_creates(env, with_ekonsultasi, count):
    team, topic, partners, users = setup_common(env, with_ekonsultasi)
    Ticket = env["helpdesk.ticket"].sudo()
    durations = []
    for i in range(count):
        partner = partners[i % len(partners)]
        vals = {
            "name": f"Konsultasi {i}",
            "description": "<p>Mohon penjelasan tentang penatausahaan keuangan nagari.</p>",
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "category_id": topic.id,
        }
        if not with_ekonsultasi:
            # plain helpdesk: the team and the user are chosen by the caller
            vals.update(team_id=team.id, user_id=users[i % len(users)].id)
        start = time.perf_counter()
        Ticket.create(vals)
        env.flush_all()
        durations.append(time.perf_counter() - start)
    return durations


def measure(dbname, with_ekonsultasi, count):
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            return run_creates(env, with_ekonsultasi, count)
        finally:
            cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--db", required=True, help="database with ekonsultasi_addon")
    parser.add_argument("--plain-db", required=True, help="database with helpdesk_mgmt only")
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()

    measure(args.plain_db, False, 50)  # warm up both registries and caches
    measure(args.db, True, 50)
    plain, ekons = [], []
    for _round in range(args.rounds):  # interleave to share machine noise
        plain.append(sum(measure(args.plain_db, False, args.count)))
        ekons.append(sum(measure(args.db, True, args.count)))
    plain_s, ekons_s = min(plain), min(ekons)
    ratio = ekons_s / plain_s
    print(
        f"plain helpdesk_mgmt tickets : {args.count} in {plain_s:.2f} s "
        f"({args.count / plain_s:.0f}/s, runs {', '.join(f'{x:.2f}' for x in plain)})"
    )
    print(
        f"e-konsultasi consultations  : {args.count} in {ekons_s:.2f} s "
        f"({args.count / ekons_s:.0f}/s, runs {', '.join(f'{x:.2f}' for x in ekons)})"
    )
    print(f"ratio e-konsultasi / plain  : {ratio:.2f} (target <= 1.5)")
    print(
        f"mean time per create        : plain {plain_s / args.count * 1000:.2f} ms, "
        f"e-konsultasi {ekons_s / args.count * 1000:.2f} ms"
    )
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())

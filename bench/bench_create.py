"""Benchmark: creating consultations through the ORM.

Creates N consultations (one ``create`` call each, as the portal does) in a
database with ekonsultasi_addon, and N plain helpdesk_mgmt tickets with the
same values in a database with helpdesk_mgmt only, and prints the ratio
(target: at most 1.3). Everything is rolled back.

The two kinds of creates alternate one by one (a plain ticket, a
consultation, a consultation, a plain ticket, ...), each side in its own
transaction: a machine shared with other work slows both alike, where runs
of a thousand of each one after the other measured the load of the moment
as much as the code. Each round gives a ratio (the sums of the create
times); the result is the median of the rounds.

Run it with ``make bench`` (bench/run.sh prepares both databases), or
    python3 bench/bench_create.py -c .state/odoo.conf \
        --db ekonsultasi_bench --plain-db ekonsultasi_bench_plain
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import statistics
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


TARGET = 1.3


class Side:
    """One database, one transaction: the tickets created in it, timed."""

    def __init__(self, dbname, with_ekonsultasi):
        self.with_ekonsultasi = with_ekonsultasi
        self.cr = Registry(dbname).cursor()
        self.env = odoo.api.Environment(self.cr, odoo.SUPERUSER_ID, {})
        self.team, self.topic, self.partners, self.users = setup_common(self.env, with_ekonsultasi)
        self.Ticket = self.env["helpdesk.ticket"].sudo()
        self.durations = []

    def create_one(self, i):
        partner = self.partners[i % len(self.partners)]
        vals = {
            "name": f"Konsultasi {i}",
            "description": "<p>Mohon penjelasan tentang penatausahaan keuangan nagari.</p>",
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "category_id": self.topic.id,
        }
        if not self.with_ekonsultasi:
            # plain helpdesk: the team and the user are chosen by the caller
            vals.update(team_id=self.team.id, user_id=self.users[i % len(self.users)].id)
        start = time.perf_counter()
        self.Ticket.create(vals)
        self.env.flush_all()
        self.durations.append(time.perf_counter() - start)

    def close(self):
        self.cr.rollback()
        self.cr.close()


def measure(plain_db, db, count):
    """One round: ``count`` creates on each side, alternating; returns the
    total create time of each side (plain, e-konsultasi)."""
    plain = ekons = None
    try:
        plain = Side(plain_db, False)
        ekons = Side(db, True)
        for i in range(count):
            # each goes first every other time
            first, second = (plain, ekons) if i % 2 else (ekons, plain)
            first.create_one(i)
            second.create_one(i)
        return sum(plain.durations), sum(ekons.durations)
    finally:
        for side in (plain, ekons):
            if side:
                side.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--db", required=True, help="database with ekonsultasi_addon")
    parser.add_argument("--plain-db", required=True, help="database with helpdesk_mgmt only")
    parser.add_argument("-n", "--count", type=int, default=500, help="creates per side and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()

    measure(args.plain_db, args.db, 50)  # warm up both registries and caches
    rounds = [measure(args.plain_db, args.db, args.count) for _round in range(args.rounds)]
    ratios = [ekons / plain for plain, ekons in rounds]
    ratio = statistics.median(ratios)
    plain_s = statistics.median(plain for plain, _ekons in rounds)
    ekons_s = statistics.median(ekons for _plain, ekons in rounds)
    n = args.count
    print(
        f"plain helpdesk_mgmt tickets : {n} in {plain_s:.2f} s "
        f"({n / plain_s:.0f}/s, median of rounds {', '.join(f'{p:.2f}' for p, _e in rounds)})"
    )
    print(
        f"e-konsultasi consultations  : {n} in {ekons_s:.2f} s "
        f"({n / ekons_s:.0f}/s, median of rounds {', '.join(f'{e:.2f}' for _p, e in rounds)})"
    )
    print(
        f"ratio e-konsultasi / plain  : {ratio:.2f} (target <= {TARGET}; median of rounds "
        f"{', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(
        f"mean time per create        : plain {plain_s / n * 1000:.2f} ms, "
        f"e-konsultasi {ekons_s / n * 1000:.2f} ms"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

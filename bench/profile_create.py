"""Profile: where the time and the queries of one consultation's create go.

Creates N consultations as bench/bench_create.py does (one ``create`` call
each, then a flush), with the methods of the create path wrapped to count
their time and SQL queries, and prints the mean per create of each part
(inclusive: a part's figures contain those of the parts it calls). With
``--plain-db`` the same for plain helpdesk_mgmt tickets. Everything is
rolled back.

    python3 bench/profile_create.py -c .state/odoo.conf --db ekonsultasi_bench \
        [--plain-db ekonsultasi_bench_plain] [-n 300] [--cprofile]
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import cProfile
import functools
import pstats
import sys
import time
from collections import defaultdict

from bench_create import setup_common  # pylint: disable=import-error

import odoo
from odoo.modules.registry import Registry
from odoo.tools import config

# (model, method, label): the parts of a create, in the order they run
PARTS = [
    ("helpdesk.ticket", "create", "create (whole, without the flush)"),
    ("helpdesk.ticket", "_ekonsultasi_route", "  routing (team, konsultan, stage)"),
    ("helpdesk.ticket", "_ekonsultasi_assign", "    assignment (load of the konsultan)"),
    ("ir.sequence", "next_by_code", "  number (ir.sequence)"),
    ("mail.followers", "_insert_followers", "  followers inserted (mail)"),
    ("helpdesk.ticket", "_message_auto_subscribe", "  auto-subscribe (mail)"),
    ("helpdesk.ticket", "_message_log_batch", "  creation message (mail)"),
    ("helpdesk.ticket", "message_post", "  creation message posted (mail)"),
    ("helpdesk.ticket", "_ekonsultasi_start_first_round", "  first round + konsulti follower"),
    ("helpdesk.ticket.round", "create", "    round create"),
    ("helpdesk.ticket", "message_subscribe", "    konsulti follower"),
    ("helpdesk.ticket", "_ekonsultasi_subscribe_konsulti", "    konsulti follower"),
    ("helpdesk.ticket", "set_sla", "  SLA lines"),
    ("helpdesk.ticket", "_get_sla", "    SLA policies (_get_sla)"),
    ("helpdesk.ticket.sla", "create", "    SLA line create"),
    ("helpdesk.ticket.sla", "_ekonsultasi_new_limits", "      deadline computation"),
    ("resource.calendar", "_ekonsultasi_work_calendar", "        working calendar built"),
    ("helpdesk.ticket.sla", "_ekonsultasi_update_state", "    SLA state (at risk?)"),
    ("helpdesk.ticket", "_compute_sla_line_id", "  sla_line_id (compute)"),
    ("helpdesk.ticket", "_compute_current_round_id", "  current_round_id (compute)"),
    ("helpdesk.ticket", "_track_post_template_finalize", "  tracking templates (precommit)"),
]


class Meter:
    def __init__(self):
        self.time = defaultdict(float)
        self.queries = defaultdict(int)
        self.calls = defaultdict(int)
        self.depth = defaultdict(int)

    def wrap(self, cls, name, label):
        original = getattr(cls, name, None)
        if original is None:
            return
        meter = self

        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):
            if meter.depth[label]:  # recursive call: counted once, at the outermost
                return original(self, *args, **kwargs)
            meter.depth[label] += 1
            cr = self.env.cr
            q0, t0 = cr.sql_log_count, time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                meter.time[label] += time.perf_counter() - t0
                meter.queries[label] += cr.sql_log_count - q0
                meter.calls[label] += 1
                meter.depth[label] -= 1

        setattr(cls, name, wrapper)
        return original


def run(dbname, with_ekonsultasi, count, use_cprofile):
    registry = Registry(dbname)
    meter = Meter()
    restore = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        for model, method, label in PARTS:
            if model in env:
                cls = type(env[model])
                original = meter.wrap(cls, method, label)
                if original is not None:
                    restore.append((cls, method, original, method in cls.__dict__))
        try:
            team, topic, partners, users = setup_common(env, with_ekonsultasi)
            Ticket = env["helpdesk.ticket"].sudo()

            def one(i):
                partner = partners[i % len(partners)]
                vals = {
                    "name": f"Konsultasi {i}",
                    "description": "<p>Mohon penjelasan tentang penatausahaan.</p>",
                    "partner_id": partner.id,
                    "partner_name": partner.name,
                    "partner_email": partner.email,
                    "category_id": topic.id,
                }
                if not with_ekonsultasi:
                    vals.update(team_id=team.id, user_id=users[i % len(users)].id)
                q0, t0 = cr.sql_log_count, time.perf_counter()
                Ticket.create(vals)
                q1, t1 = cr.sql_log_count, time.perf_counter()
                env.flush_all()
                cr.precommit.run()  # the tracking of a commit, as a request does
                q2, t2 = cr.sql_log_count, time.perf_counter()
                return t1 - t0, q1 - q0, t2 - t1, q2 - q1

            for i in range(30):  # warm the caches
                one(i)
            meter.__init__()
            profiler = cProfile.Profile() if use_cprofile else None
            totals = [0.0, 0, 0.0, 0]
            if profiler:
                profiler.enable()
            for i in range(count):
                for k, v in enumerate(one(i)):
                    totals[k] += v
            if profiler:
                profiler.disable()
        finally:
            cr.rollback()
            for cls, method, original, own in restore:
                if own:
                    setattr(cls, method, original)
                else:
                    delattr(cls, method)
    title = "e-konsultasi" if with_ekonsultasi else "plain helpdesk_mgmt"
    print(f"\n{title} ({dbname}), mean of {count} creates:")
    print(f"  {'part':<48} {'ms':>7} {'queries':>8} {'calls':>6}")
    for _model, _method, label in PARTS:
        if meter.calls.get(label):
            print(
                f"  {label:<48} {meter.time[label] / count * 1000:7.2f}"
                f" {meter.queries[label] / count:8.1f} {meter.calls[label] / count:6.2f}"
            )
    print(
        f"  {'flush + precommit after create':<48} {totals[2] / count * 1000:7.2f}"
        f" {totals[3] / count:8.1f}"
    )
    print(
        f"  {'TOTAL (create + flush + precommit)':<48}"
        f" {(totals[0] + totals[2]) / count * 1000:7.2f} {(totals[1] + totals[3]) / count:8.1f}"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(60)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--db", required=True, help="database with ekonsultasi_addon")
    parser.add_argument("--plain-db", help="database with helpdesk_mgmt only")
    parser.add_argument("-n", "--count", type=int, default=300)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()
    if args.plain_db:
        run(args.plain_db, False, args.count, args.cprofile)
    run(args.db, True, args.count, args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())

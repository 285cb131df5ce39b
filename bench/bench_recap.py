"""Benchmark: the yearly recap over 100,000 consultations.

It works in a database of its own (``--db``, ``make bench`` passes
``ekonsultasi_bench_recap``): the script creates it with ekonsultasi_addon
(no demo data) when it is missing and updates the addon in it when the
addon's sources changed since the last run. Not in ``ekonsultasi_bench``:
the other benchmarks measure creating consultations in a small database.
(This benchmark found that every new round searched the unindexed
``helpdesk_ticket.current_round_id`` and that deleting SLA lines scanned
their table; the addon indexes both now.)

The database gets, once, N consultations (default 100,000) submitted over
2025 in a company of their own, "Pemda Bench Rekap" (see :func:`generate`);
later runs reuse them (the marker is the number of its consultations).
Master data (agencies, topics, konsultan, kecamatan, villages, konsulti)
goes through the ORM; consultations, rounds and SLA lines are bulk-inserted
with ``COPY`` and committed.

In one run, on the same data, each measure the best of ``--repeat`` runs:

1. the floor: one plain SQL query (``GROUP BY GROUPING SETS``, ``FILTER``,
   ``percentile_cont``) computing the recap's figures of the year: totals,
   the six breakdowns and the monthly trend with its backlog; it must agree
   with ours (checked), so it is the same work;
2. ours: ``ekonsultasi.recap.wizard._ekonsultasi_recap()`` for the year
   (records query, names, ``compute_recap``); target: at most 3 x the floor;
   the split between reading the records and computing is printed;
3. the yearly XLSX through the report (``ir.actions.report._render``,
   computing included) against plain xlsxwriter writing the same cells
   (read back from our workbook before timing); target: at most 3 x;
4. the queries of ``_ekonsultasi_recap()`` for one month (about a tenth of
   the rounds) and for the year: they must be equal.

Measuring leaves the data as it is (the wizards are rolled back). Run it
with ``make bench`` or
    python3 bench/bench_recap.py -c .state/odoo.conf --db ekonsultasi_bench_recap
(``--refill`` fills again, ``--remove`` deletes the consultations).
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import datetime as dt
import io
import sys
import time
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import xlsxwriter
from bench_db import prepare_database  # pylint: disable=import-error  # bench/ is the script's folder
from xlsxwriter.utility import xl_cell_to_rowcol

import odoo
from odoo import Command
from odoo.modules.registry import Registry
from odoo.tools import config

FINGERPRINT = "bench_recap.addon_fingerprint"  # ir.config_parameter
COMPANY = "Pemda Bench Rekap"
YEAR = 2025
SEED = 2025
RESUBMITTED = 0.08  # share of consultations submitted a second time
# outcome of a round: answered within the limit, answered late, closed
# (withdrawn) before its limit without answer, still open
OUTCOMES = (0.85, 0.125, 0.01, 0.015)
ON_TIME, LATE, WITHDRAWN, OPEN = range(4)
CLOSED_AFTER_ANSWER = 0.7
NULL = "\\N"

# name, short name, number of topics, weight (share of the consultations)
AGENCIES = (
    ("Badan Kepegawaian dan Pengembangan SDM", "BKPSDM", 5, 14),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", 5, 13),
    ("Dinas Pemberdayaan Masyarakat dan Nagari", "DPMN", 5, 12),
    ("Inspektorat Daerah", "ITDA", 4, 8),
    ("Badan Perencanaan Pembangunan Daerah", "BAPPEDA", 4, 8),
    ("Dinas Pendidikan dan Kebudayaan", "DISDIKBUD", 4, 7),
    ("Dinas Kesehatan", "DINKES", 4, 6),
    ("Badan Pendapatan Daerah", "BAPENDA", 3, 5),
    ("Dinas Kependudukan dan Pencatatan Sipil", "DISDUKCAPIL", 3, 4),
    ("Dinas Komunikasi dan Informatika", "DISKOMINFO", 3, 4),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", 3, 3),
    ("Dinas Sosial", "DINSOS", 2, 3),
    ("Dinas Pertanian", "DISTAN", 2, 2),
    ("Dinas Lingkungan Hidup", "DLH", 2, 2),
    ("Dinas Penanaman Modal dan PTSP", "DPMPTSP", 2, 1),
    ("Bagian Hukum Sekretariat Daerah", "BAGHUKUM", 3, 1),
    ("Bagian Pengadaan Barang dan Jasa", "BAGPBJ", 2, 1),
)
TOPICS = (
    "Penatausahaan keuangan",
    "Pengadaan barang dan jasa",
    "Kepegawaian dan kenaikan pangkat",
    "Perencanaan dan penganggaran",
    "Pelaporan dan pertanggungjawaban",
    "Aset dan barang milik daerah",
    "Regulasi dan produk hukum",
    "Sistem informasi",
)
KECAMATAN = (
    ("Lubuk Sikaping", 8),
    ("Bonjol", 7),
    ("Rao", 8),
    ("Panti", 7),
    ("Tigo Nagari", 8),
    ("Duo Koto", 7),
    ("Mapat Tunggul", 7),
    ("Padang Gelugur", 8),
)
KONSULTAN = 40
KONSULTI = 500  # half from agencies, half from villages
TITLES = (
    "Mohon penjelasan tentang",
    "Pertanyaan mengenai",
    "Konsultasi terkait",
    "Kendala dalam",
    "Permohonan petunjuk teknis",
    "Klarifikasi ketentuan",
)


# --------------------------------------------------------------------------
# Filling (once)
# --------------------------------------------------------------------------
def create_master(env):
    """The company and its master data, through the ORM."""
    company = env["res.company"].create({"name": COMPANY})
    env.ref("base.user_admin").company_ids = [Command.link(company.id)]
    groups = [
        env.ref("base.group_user").id,
        env.ref("ekonsultasi_addon.group_ekonsultasi_konsultan").id,
    ]
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Konsultan Rekap {i:02d}",
                    "login": f"bench_recap_{i}",
                    "company_id": company.id,
                    "company_ids": [Command.set([company.id])],
                    "jenis_jabatan": "administrator",
                    "groups_id": [Command.set(groups)],
                }
                for i in range(KONSULTAN)
            ]
        )
    )
    members = np.array_split(np.array(users.ids), len(AGENCIES))
    Category = env["helpdesk.ticket.category"]
    agencies = env["ekonsultasi.perangkat.daerah"]
    for i, (name, short, topics, _weight) in enumerate(AGENCIES):
        agency = agencies.create(
            {"name": name, "short_name": short, "code": short, "company_id": company.id}
        )
        agencies |= agency
        team = env["helpdesk.ticket.team"].create(
            {
                "name": f"Tim {short}",
                "company_id": company.id,
                "user_ids": [Command.set(members[i].tolist())],
            }
        )
        top = Category.create(
            {
                "name": short,
                "perangkat_daerah_id": agency.id,
                "team_id": team.id,
                "company_id": company.id,
            }
        )
        Category.create(
            [
                {
                    "name": TOPICS[(i + k) % len(TOPICS)],
                    "parent_id": top.id,
                    "company_id": company.id,
                }
                for k in range(topics)
            ]
        )
    villages = env["ekonsultasi.desa"]
    for k, (name, count) in enumerate(KECAMATAN):
        kecamatan = env["ekonsultasi.kecamatan"].create(
            {"name": name, "code": f"KEC{k}", "company_id": company.id}
        )
        villages |= villages.create(
            [
                {
                    "name": f"Nagari {name} {j + 1}",
                    "code": f"NAG{k}-{j}",
                    "kecamatan_id": kecamatan.id,
                    "company_id": company.id,
                }
                for j in range(count)
            ]
        )
    half = KONSULTI // 2
    env["res.partner"].create(
        [
            {
                "name": f"Konsulti ASN {i:03d}",
                "email": f"asn{i}@rekap.example.com",
                "company_id": company.id,
                "konsulti_origin": "perangkat_daerah",
                "perangkat_daerah_id": agencies[i % len(agencies)].id,
            }
            for i in range(half)
        ]
        + [
            {
                "name": f"Konsulti Nagari {i:03d}",
                "email": f"nagari{i}@rekap.example.com",
                "company_id": company.id,
                "konsulti_origin": "desa",
                "desa_id": villages[i % len(villages)].id,
            }
            for i in range(KONSULTI - half)
        ]
    )
    return company


def load_master(env, company):
    """What the generator needs, read back: topics with their agency, team
    members, the konsulti and the stages and policy."""
    topics = env["helpdesk.ticket.category"].search(
        [("company_id", "=", company.id), ("parent_id", "!=", False)], order="id"
    )
    weight = {short: w for _name, short, _t, w in AGENCIES}
    per_agency = {}
    for topic in topics:
        per_agency[topic.perangkat_daerah_id.id] = (
            per_agency.get(topic.perangkat_daerah_id.id, 0) + 1
        )
    partners = env["res.partner"].search(
        [("company_id", "=", company.id), ("konsulti_origin", "!=", False)], order="id"
    )
    stages = {
        state: env["helpdesk.ticket.stage"].search([("ekonsultasi_state", "=", state)], limit=1)
        for state in ("new", "progress", "resubmitted", "answered", "done")
    }
    return {
        "topics": [
            {
                "id": topic.id,
                "name": topic.complete_name,
                "agency": topic.perangkat_daerah_id.id,
                "team": topic.parent_id.team_id.id,
                "members": topic.parent_id.team_id.user_ids.ids,
                "weight": weight[topic.perangkat_daerah_id.short_name]
                / per_agency[topic.perangkat_daerah_id.id],
            }
            for topic in topics
        ],
        "partners": [
            {
                "id": p.id,
                "name": p.name,
                "email": p.email,
                "kind": p.konsulti_origin,
                "agency": p.perangkat_daerah_id.id or None,
                "desa": p.desa_id.id or None,
                "kecamatan": p.desa_id.kecamatan_id.id or None,
            }
            for p in partners
        ],
        "stages": {state: stage.id for state, stage in stages.items()},
        "stage_unattended": {stage.id: stage.unattended for stage in stages.values()},
        "policy": env.ref("ekonsultasi_addon.helpdesk_sla_answer_3_days"),
    }


def work_calendar(env, policy):
    """The policy's calendar with the national holidays and cuti bersama
    of 2024-2026 (from the ``holidays`` package, nothing written)."""
    from odoo.addons.ekonsultasi_addon.lib import workdays

    calendar = policy.calendar_id
    days_off = set()
    for year in (YEAR - 1, YEAR, YEAR + 1):
        days_off |= set(calendar._ekonsultasi_holidays(year))
    return workdays.WorkCalendar.from_week(
        calendar.tz or "Asia/Jakarta",
        workdays.HARI_KERJA_ASN,
        days_off,
        first=dt.date(YEAR - 1, 11, 1),
        last=dt.date(YEAR + 1, 12, 31),
    )


def submissions(work, rng, count):
    """Submission times (UTC epoch seconds) of the first rounds over the
    year: working days far more than weekends and holidays, a busier
    second half (budget and reports), mostly during office hours."""
    epoch = dt.date(1970, 1, 1).toordinal()
    first = dt.date(YEAR, 1, 1).toordinal() - epoch
    days = np.arange(first, dt.date(YEAR + 1, 1, 1).toordinal() - epoch)
    months = np.array([(dt.date.fromordinal(d + epoch).month) for d in days])
    season = np.array([0.8, 0.9, 1.0, 1.0, 0.9, 0.9, 1.0, 1.1, 1.1, 1.2, 1.2, 1.0])
    weight = np.where(np.isin(days, work.work_days), 1.0, 0.06) * season[months - 1]
    day = rng.choice(days, size=count, p=weight / weight.sum())
    office = rng.random(count) < 0.9
    tod = np.where(
        office, rng.uniform(7.5 * 3600, 16.5 * 3600, count), rng.uniform(0, 86400, count)
    )
    offset = ZoneInfo(work.tz_name).utcoffset(dt.datetime(YEAR, 6, 1)).total_seconds()
    return np.sort(day * 86400 + tod.astype(np.int64) - int(offset))


def outcomes(work, start, rng):
    """Limit (3 hari kerja, end of day), answer, withdrawal and answer time
    of rounds submitted at ``start``; -1 stands for none."""
    n = len(start)
    deadline = work.deadline_end_of_day(start, np.full(n, 3))
    p_start, p_deadline = work.position(start), work.position(deadline)
    per_day = int(work.seconds_per_day)
    kind = rng.choice(4, size=n, p=OUTCOMES)
    span = np.maximum(p_deadline - p_start, 60)
    position = np.where(
        kind == ON_TIME,
        p_start + (span * rng.uniform(0.02, 0.99, n)).astype(np.int64),
        p_deadline + (per_day * rng.uniform(0.05, 6.0, n)).astype(np.int64),
    )
    answered = (kind == ON_TIME) | (kind == LATE)
    answer = np.where(answered, work.from_position(position), -1)
    withdrawn = work.from_position(p_start + (span * rng.uniform(0.1, 0.9, n)).astype(np.int64))
    withdrawn = np.where(kind == WITHDRAWN, withdrawn, -1)
    days = np.where(answered, np.round((position - p_start) / work.seconds_per_day, 2), np.nan)
    return {
        "kind": kind,
        "start": start,
        "deadline": deadline,
        "answer": answer,
        "withdrawn": withdrawn,
        "days": days,
        "warn": work.from_position(p_deadline - per_day),
        "escalation": work.from_position(p_deadline + 2 * per_day),
    }


def _stamps(epoch):
    """Epoch seconds (-1: none) as COPY text."""
    text = np.datetime_as_string(np.maximum(epoch, 0).astype("datetime64[s]"), unit="s")
    return [NULL if e < 0 else t for e, t in zip(epoch.tolist(), text.tolist(), strict=True)]


def _text(values):
    return [NULL if v is None else str(v) for v in values]


def _copy(cr, table, columns):
    """``COPY`` the text columns ``{name: list}`` into ``table``."""
    buffer = io.StringIO()
    names = list(columns)
    for row in zip(*columns.values(), strict=True):
        buffer.write("\t".join(row))
        buffer.write("\n")
    buffer.seek(0)
    cr.copy_expert(f"COPY {table} ({', '.join(names)}) FROM STDIN", buffer)


def _reserve(cr, sequence, count):
    cr.execute("SELECT nextval(%s) FROM generate_series(1, %s)", (sequence, count))
    return np.array([row[0] for row in cr.fetchall()], dtype=np.int64)


def generate(env, company, master, count):
    """Insert ``count`` consultations of 2025 with their rounds and SLA lines.

    Round 1 of each is submitted as :func:`submissions` spreads them; its
    topic is drawn by agency weight, its konsultan among the topic's team,
    its konsulti among the company's (half agencies, half villages). Each
    round ends as :data:`OUTCOMES` says (:func:`outcomes`); 8 % of the
    consultations (among those answered) are submitted again 1 hour to 6
    days after the answer (round 2, same draw of outcome); 70 % of the
    answered consultations are then closed within 10 days; a withdrawn round
    closes the consultation before its limit. Limits, reminder and
    escalation dates and answer times come from ``lib/workdays.py`` on the
    policy's calendar with the holidays of 2024-2026.
    """
    rng = np.random.default_rng(SEED)
    work = work_calendar(env, master["policy"])
    topics, partners = master["topics"], master["partners"]
    weights = np.array([t["weight"] for t in topics])
    topic_of = rng.choice(len(topics), size=count, p=weights / weights.sum())
    partner_of = rng.integers(len(partners), size=count)
    user_of = np.array(
        [
            topics[t]["members"][rng.integers(len(topics[t]["members"]))]
            if topics[t]["members"]
            else 0
            for t in topic_of.tolist()
        ]
    )
    first = outcomes(work, submissions(work, rng, count), rng)
    answered1 = first["answer"] >= 0
    again = answered1 & (rng.random(count) < RESUBMITTED / (OUTCOMES[ON_TIME] + OUTCOMES[LATE]))
    again_idx = np.flatnonzero(again)
    second = outcomes(
        work, first["answer"][again_idx] + rng.integers(3600, 6 * 86400, len(again_idx)), rng
    )
    # the last round decides the consultation's state
    last = {key: value.copy() for key, value in first.items()}
    for key, value in second.items():
        last[key][again_idx] = value
    closed = np.where(
        (last["answer"] >= 0) & (rng.random(count) < CLOSED_AFTER_ANSWER),
        last["answer"] + rng.integers(3600, 10 * 86400, count),
        last["withdrawn"],
    )
    # nobody took some of the open ones yet
    user_of = np.where((last["kind"] == OPEN) & (rng.random(count) < 0.3), 0, user_of)

    cr = env.cr
    ticket_ids = _reserve(cr, "helpdesk_ticket_id_seq", count)
    rounds = {k: np.concatenate([first[k], second[k]]) for k in first}
    round_ticket = np.concatenate([ticket_ids, ticket_ids[again_idx]])
    round_number = np.concatenate([np.ones(count, int), np.full(len(again_idx), 2)])
    round_ids = _reserve(cr, "helpdesk_ticket_round_id_seq", len(round_ticket))
    line_ids = _reserve(cr, "helpdesk_ticket_sla_id_seq", len(round_ticket))
    _insert_tickets(
        env,
        company,
        master,
        {
            "ids": ticket_ids,
            "topic": topic_of,
            "partner": partner_of,
            "user": user_of,
            "last": last,
            "closed": closed,
            "first_start": first["start"],
            "round_number": np.where(again, 2, 1),
            "resubmitted": again,
            "rng": rng,
        },
    )
    round_user = np.concatenate([user_of, user_of[again_idx]])
    _insert_rounds(env, company, round_ids, round_ticket, round_number, round_user, rounds)
    _insert_lines(env, master, line_ids, round_ids, round_ticket, rounds)
    cr.execute(
        """
        UPDATE helpdesk_ticket t
           SET current_round_id = r.id, sla_line_id = l.id
          FROM helpdesk_ticket_round r
          JOIN helpdesk_ticket_sla l ON l.round_id = r.id
         WHERE r.ticket_id = t.id AND r.number = t.round_number AND t.company_id = %s
        """,
        (company.id,),
    )
    for table in ("helpdesk_ticket", "helpdesk_ticket_round", "helpdesk_ticket_sla"):
        cr.execute(f"ANALYZE {table}")  # pylint: disable=sql-injection  # the three names above
    return len(round_ids)


def _insert_tickets(env, company, master, data):
    from odoo.addons.ekonsultasi_addon.lib import outcome

    topics, partners, stages = master["topics"], master["partners"], master["stages"]
    count = len(data["ids"])
    last, closed = data["last"], data["closed"]
    answered = last["answer"] >= 0
    progress = data["rng"].random(count) < 0.6
    stage = np.select(
        [closed >= 0, answered, data["resubmitted"], progress],
        [stages["done"], stages["answered"], stages["resubmitted"], stages["progress"]],
        stages["new"],
    )
    state = {v: k for k, v in stages.items()}
    late_line = (last["deadline"] < np.where(answered, last["answer"], 2**40)) & (
        (last["withdrawn"] < 0) | (last["withdrawn"] > last["deadline"])
    )
    escalated = late_line & (np.where(answered, last["answer"], 2**40) > last["escalation"])
    sla_state = np.select(
        [answered & ~late_line, answered, late_line],
        [outcome.MET, outcome.MET_LATE, outcome.LINE_LATE],
        outcome.LINE_ON_TIME,
    )
    topic = [topics[t] for t in data["topic"].tolist()]
    partner = [partners[p] for p in data["partner"].tolist()]
    numbers = [f"RKP{i:06d}" for i in range(1, count + 1)]
    title_of = data["rng"].integers(len(TITLES), size=count).tolist()
    start = _stamps(last["start"])
    first_start = _stamps(data["first_start"])
    user = [None if u == 0 else u for u in data["user"].tolist()]
    admin = str(env.ref("base.user_admin").id)
    _copy(
        env.cr,
        "helpdesk_ticket",
        {
            "id": _text(data["ids"].tolist()),
            "company_id": [str(company.id)] * count,
            "number": numbers,
            "name": [
                f"{TITLES[k]} {t['name'].split(' / ')[-1].lower()}"
                for k, t in zip(title_of, topic, strict=True)
            ],
            "description": ["<p>Mohon petunjuk dan penjelasan.</p>"] * count,
            "partner_id": _text(p["id"] for p in partner),
            "commercial_partner_id": _text(p["id"] for p in partner),
            "partner_name": [p["name"] for p in partner],
            "partner_email": [p["email"] for p in partner],
            "category_id": _text(t["id"] for t in topic),
            "team_id": _text(t["team"] for t in topic),
            "perangkat_daerah_id": _text(t["agency"] for t in topic),
            "user_id": _text(user),
            "stage_id": _text(stage.tolist()),
            "ekonsultasi_state": [state[s] for s in stage.tolist()],
            "unattended": _text(master["stage_unattended"][s] for s in stage.tolist()),
            "konsulti_origin": [p["kind"] for p in partner],
            "origin_perangkat_daerah_id": _text(p["agency"] for p in partner),
            "origin_desa_id": _text(p["desa"] for p in partner),
            "origin_kecamatan_id": _text(p["kecamatan"] for p in partner),
            "closed_date": _stamps(closed),
            "round_number": _text(data["round_number"].tolist()),
            "resubmission_count": _text((data["round_number"] - 1).tolist()),
            "round_start_date": start,
            "answer_date": _stamps(last["answer"]),
            "answer_work_days": _text(None if np.isnan(d) else d for d in last["days"].tolist()),
            "answer_deadline": _stamps(last["deadline"]),
            "sla_state": sla_state.tolist(),
            "escalation_level": np.where(escalated, "2", np.where(late_line, "1", "0")).tolist(),
            "priority": ["1"] * count,
            "kanban_state": ["normal"] * count,
            "active": ["t"] * count,
            "sequence": ["10"] * count,
            "color": ["0"] * count,
            "create_date": first_start,
            "write_date": first_start,
            "last_stage_update": first_start,
            "assigned_date": first_start,
            "create_uid": [admin] * count,
            "write_uid": [admin] * count,
        },
    )


def _insert_rounds(env, company, ids, tickets, numbers, users, rounds):
    count = len(ids)
    answered = rounds["answer"] >= 0
    start = _stamps(rounds["start"])
    _copy(
        env.cr,
        "helpdesk_ticket_round",
        {
            "id": _text(ids.tolist()),
            "ticket_id": _text(tickets.tolist()),
            "company_id": [str(company.id)] * count,
            "number": _text(numbers.tolist()),
            "start_date": start,
            "answer_date": _stamps(rounds["answer"]),
            "answer_user_id": _text(
                u if a and u else None
                for u, a in zip(users.tolist(), answered.tolist(), strict=True)
            ),
            "answer_work_days": _text(None if np.isnan(d) else d for d in rounds["days"].tolist()),
            "reason": [NULL if n == 1 else "Jawaban belum menjawab pertanyaan." for n in numbers],
            "create_date": start,
            "write_date": start,
        },
    )


def _insert_lines(env, master, ids, round_ids, tickets, rounds):
    from odoo.addons.ekonsultasi_addon.lib import outcome

    count = len(ids)
    policy = master["policy"]
    answer = rounds["answer"]
    answered = answer >= 0
    never = 2**40
    stop = np.where(answered, answer, never)
    late = (rounds["deadline"] < stop) & (
        (rounds["withdrawn"] < 0) | (rounds["withdrawn"] > rounds["deadline"])
    )
    start = _stamps(rounds["start"])
    _copy(
        env.cr,
        "helpdesk_ticket_sla",
        {
            "id": _text(ids.tolist()),
            "ticket_id": _text(tickets.tolist()),
            "sla_id": [str(policy.id)] * count,
            "round_id": _text(round_ids.tolist()),
            "expected_stage_id": [str(policy.stage_id.id)] * count,
            "hours": ["22.5"] * count,
            "consumed_time": ["0"] * count,
            "paused_seconds": ["0"] * count,
            # helpdesk_mgmt_sla's state, the line's one state
            "state": np.select(
                [answered & ~late, answered, late],
                [outcome.MET, outcome.MET_LATE, outcome.LINE_LATE],
                outcome.LINE_ON_TIME,
            ).tolist(),
            "received_date": start,
            "deadline": _stamps(rounds["deadline"]),
            "answer_date": _stamps(answer),
            "warn_date": _stamps(rounds["warn"]),
            "escalation_date": _stamps(rounds["escalation"]),
            "reminder_sent_date": _stamps(np.where(stop > rounds["warn"], rounds["warn"], -1)),
            "escalation_1_date": _stamps(np.where(late, rounds["deadline"] + 900, -1)),
            "escalation_2_date": _stamps(
                np.where(late & (stop > rounds["escalation"]), rounds["escalation"] + 900, -1)
            ),
            "last_state_date": _stamps(np.where(answered, answer, rounds["start"])),
            "create_date": start,
            "write_date": start,
        },
    )


def delete_tickets(cr, company_id):
    """Delete the company's consultations, their rounds and SLA lines.

    Foreign keys to these tables without an index (``helpdesk_ticket_sla.
    ticket_id``, ``helpdesk_ticket.current_round_id``, ``sla_line_id``,
    ``duplicate_id``) make PostgreSQL scan the whole table for each deleted
    row: a plain DELETE of 100,000 consultations ran over 15 minutes. Those
    columns get an index for the time of the DELETE."""
    cr.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f'
           AND c.confrelid IN ('helpdesk_ticket'::regclass, 'helpdesk_ticket_round'::regclass,
                               'helpdesk_ticket_sla'::regclass)
           AND NOT EXISTS (SELECT 1 FROM pg_index i
                            WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
        """
    )
    indexes = [
        (f"bench_recap_tmp_{i}", table, column) for i, (table, column) in enumerate(cr.fetchall())
    ]
    for name, table, column in indexes:
        # names built here and read from pg_catalog, no input
        cr.execute(f'CREATE INDEX {name} ON {table} ("{column}")')  # pylint: disable=sql-injection
    cr.execute("DELETE FROM helpdesk_ticket WHERE company_id = %s", (company_id,))
    for name, _table, _column in indexes:
        cr.execute(f"DROP INDEX {name}")  # pylint: disable=sql-injection  # as above


def remove_data(registry):
    """Delete the bench company's consultations (the master data stays)."""
    with registry.cursor() as cr:
        cr.execute("SELECT id FROM res_company WHERE name = %s", (COMPANY,))
        row = cr.fetchone()
        if row:
            start = time.perf_counter()
            delete_tickets(cr, row[0])
            print(
                f"removed the consultations of '{COMPANY}' in {time.perf_counter() - start:.1f} s"
            )
    return 0


def ensure_data(registry, count, refill):
    """The bench company with ``count`` consultations: reused when there,
    (re)filled otherwise. Returns (company id, seconds spent filling)."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = env["res.company"].search([("name", "=", COMPANY)])
        cr.execute("SELECT count(*) FROM helpdesk_ticket WHERE company_id = %s", (company.id or 0,))
        existing = cr.fetchone()[0]
        if company and existing == count and not refill:
            return company.id, None
        start = time.perf_counter()
        if not company:
            company = create_master(env)
            env.flush_all()
        elif existing:
            delete_tickets(cr, company.id)
        master = load_master(env, company)
        rounds = generate(env, company, master, count)
        # the data is kept for the next runs: that is the point of filling it once
        cr.commit()  # pylint: disable=invalid-commit
        elapsed = time.perf_counter() - start
        print(f"filled: {count:,} consultations, {rounds:,} rounds in {elapsed:.1f} s")
        return company.id, elapsed


# --------------------------------------------------------------------------
# The floor: one SQL query
# --------------------------------------------------------------------------
FLOOR_SQL = """
WITH base AS MATERIALIZED (
    SELECT r.number AS n, r.start_date AS s, r.answer_date AS a, t.closed_date AS cl,
           d.dl,
           r.answer_work_days AS days, t.perangkat_daerah_id AS pd, t.category_id AS cat,
           t.user_id AS usr, t.konsulti_origin AS kind,
           CASE t.konsulti_origin WHEN 'perangkat_daerah' THEN t.origin_perangkat_daerah_id
                ELSE t.origin_desa_id END AS origin,
           CASE WHEN t.konsulti_origin = 'desa' THEN t.origin_kecamatan_id END AS kec,
           LEAST(COALESCE(r.answer_date, 'infinity'), COALESCE(t.closed_date, 'infinity')) AS stop
      FROM helpdesk_ticket_round r
      JOIN helpdesk_ticket t ON t.id = r.ticket_id
      LEFT JOIN (SELECT round_id, MIN(deadline) AS dl FROM helpdesk_ticket_sla GROUP BY round_id) d
             ON d.round_id = r.id
     WHERE t.company_id = %(company)s AND r.start_date < %(end)s
       AND (r.start_date >= %(start)s
            OR ((r.answer_date IS NULL OR r.answer_date >= %(start)s)
                AND (t.closed_date IS NULL OR t.closed_date >= %(start)s)))
), flags AS MATERIALIZED (
    SELECT b.*, x.rec, x.ans, x.mans,
           x.rec AND x.ans AND a <= dl AS on_time,
           x.rec AND dl < c AND x.ans AND a > dl AS late_a,
           x.rec AND dl < c AND NOT x.ans AND NOT COALESCE(cl <= dl, false) AS late_u,
           s < c AND c <= stop AS open_end,
           x.mans AND a <= dl AS mon_time,
           dl < x.mc AND x.mans AND a > dl AS mlate_a,
           dl < x.mc AND NOT x.mans AND NOT COALESCE(cl <= dl, false) AS mlate_u,
           x.m, width_bucket(stop, %(cuts)s::timestamp[]) AS m_stop
      FROM base b
     CROSS JOIN LATERAL (SELECT %(cutoff)s::timestamp AS c) cc
     CROSS JOIN LATERAL (
        SELECT s >= %(start)s AND s < c AS rec,
               COALESCE(a < c, false) AS ans,
               width_bucket(s, %(cuts)s::timestamp[]) AS m,
               (%(cuts)s::timestamp[])[width_bucket(s, %(cuts)s::timestamp[]) + 1] AS mc,
               COALESCE(a < (%(cuts)s::timestamp[])[width_bucket(s, %(cuts)s::timestamp[]) + 1],
                        false) AS mans
     ) x
)
SELECT 'g', GROUPING(pd, cat, usr, kind, kec, origin), pd, cat, usr, kind, kec, origin,
       count(*) FILTER (WHERE rec), count(*) FILTER (WHERE rec AND n <= 1),
       count(*) FILTER (WHERE rec AND n > 1), count(*) FILTER (WHERE rec AND ans),
       count(*) FILTER (WHERE on_time), count(*) FILTER (WHERE late_a OR late_u),
       count(*) FILTER (WHERE late_a), count(*) FILTER (WHERE late_u),
       count(*) FILTER (WHERE open_end),
       avg(days) FILTER (WHERE rec AND ans),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE rec AND ans)
  FROM flags
 WHERE rec OR open_end
 GROUP BY GROUPING SETS ((), (pd), (cat), (usr), (kind), (kind, kec, origin), (kec))
UNION ALL
SELECT 't', m, NULL, NULL, NULL, NULL, NULL, NULL,
       count(*), count(*) FILTER (WHERE n <= 1), count(*) FILTER (WHERE n > 1),
       count(*) FILTER (WHERE mans), count(*) FILTER (WHERE mon_time),
       count(*) FILTER (WHERE mlate_a OR mlate_u), count(*) FILTER (WHERE mlate_a),
       count(*) FILTER (WHERE mlate_u), NULL,
       avg(days) FILTER (WHERE mans),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE mans)
  FROM flags
 WHERE rec
 GROUP BY m
UNION ALL
SELECT 'b', i, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, sum(sum(d)) OVER (ORDER BY i), NULL, NULL
  FROM (SELECT m AS i, 1 AS d FROM flags WHERE s < %(cutoff)s AND m < m_stop
        UNION ALL
        SELECT m_stop, -1 FROM flags WHERE s < %(cutoff)s AND m < m_stop) deltas
 GROUP BY i
"""
# GROUPING(pd, cat, usr, kind, kec, origin) of each grouping set
GROUPING_SETS = {
    63: "totals",
    31: "perangkat_daerah",
    47: "category",
    55: "konsultan",
    59: "origin_kind",
    56: "origin",
    61: "kecamatan",
}


def floor_query(env, params, jit=False):
    """The floor's rows. Without JIT by default: PostgreSQL's JIT compiles
    this query for about a second (more than running it), which would
    flatter the ratio; ``jit=True`` leaves the server's setting."""
    if not jit:
        env.cr.execute("SET jit = off")
    try:
        env.cr.execute(FLOOR_SQL, params)
        return env.cr.fetchall()
    finally:
        if not jit:
            env.cr.execute("RESET jit")


def floor_figures(rows, names):
    """The floor's rows as ``{breakdown: {key: (counts, average, median)}}``
    keyed like the recap (names), plus ``trend`` by month index."""
    agencies, categories, users, villages, kecamatans = names
    result = {name: {} for name in GROUPING_SETS.values()}
    result["trend"] = {}
    backlog = {}
    keys = {
        "totals": lambda r: (),
        "perangkat_daerah": lambda r: (agencies.get(r[2]),),
        "category": lambda r: (categories.get(r[3]),),
        "konsultan": lambda r: (users.get(r[4]),),
        "origin_kind": lambda r: (r[5],),
        "origin": lambda r: (
            r[5],
            kecamatans.get(r[6]),
            (agencies if r[5] == "perangkat_daerah" else villages).get(r[7]),
        ),
        "kecamatan": lambda r: (kecamatans.get(r[6]),) if r[6] else None,
    }
    for row in rows:
        if row[0] == "b":
            backlog[row[1]] = int(row[16])
            continue
        value = (tuple(row[8:17]), row[17], row[18])
        if row[0] == "t":
            result["trend"][row[1]] = value
            continue
        name = GROUPING_SETS[row[1]]
        key = keys[name](row)
        if key is not None:
            result[name][key] = value
    # backlog at each month's end: the running sum up to that month
    running = 0
    for month in range(max(list(result["trend"]) + list(backlog) + [0]) + 1):
        running = backlog.get(month, running)
        if month in result["trend"]:
            counts, average, median = result["trend"][month]
            result["trend"][month] = (counts[:8] + (running,), average, median)
    return result


def recap_figures(recap):
    """The recap in the shape of :func:`floor_figures`."""
    from odoo.addons.ekonsultasi_addon.lib import recap as rc

    def value(figures):
        counts = tuple(getattr(figures, name) for name in rc.COUNTS)
        return counts, figures.average_days, figures.median_days

    result = {"totals": {(): value(recap.totals)}}
    for name, rows in recap.breakdowns.items():
        result[name] = {row.key: value(row.figures) for row in rows}
    result["trend"] = {i: value(row.figures) for i, row in enumerate(recap.trend)}
    return result


def _close(x, y):
    if x is None or y is None:
        return x is None and y is None
    return abs(float(x) - float(y)) <= 1e-6 * max(1.0, abs(float(x)))


def compare(floor, ours):
    """Differences between the floor's figures and ours (empty: agree)."""
    problems = []
    for name, groups in ours.items():
        theirs = floor.get(name, {})
        if set(groups) != set(theirs):
            problems.append(f"{name}: groups differ ({len(groups)} vs {len(theirs)})")
            continue
        for key, (counts, average, median) in groups.items():
            f_counts, f_average, f_median = theirs[key]
            if counts != f_counts or not _close(average, f_average) or not _close(median, f_median):
                problems.append(
                    f"{name} {key}: ours {counts, average, median}, floor {theirs[key]}"
                )
    return problems


# --------------------------------------------------------------------------
# The XLSX: ours through the report, plain xlsxwriter from ready lists
# --------------------------------------------------------------------------
def _format_props(cell):
    props = {}
    if cell.number_format and cell.number_format != "General":
        props["num_format"] = cell.number_format
    font, alignment = cell.font, cell.alignment
    if font.b:
        props["bold"] = True
    if font.i:
        props["italic"] = True
    if font.sz and float(font.sz) != 11:
        props["font_size"] = float(font.sz)
    if cell.fill.fill_type == "solid":
        props["bg_color"] = "#" + str(cell.fill.fgColor.rgb)[-6:]
    if alignment.wrap_text:
        props["text_wrap"] = True
    if alignment.vertical:
        props["valign"] = {"center": "vcenter"}.get(alignment.vertical, alignment.vertical)
    if alignment.horizontal:
        props["align"] = alignment.horizontal
    if cell.border.left.style:
        props["border"] = 1
    return props


def ready_lists(data):
    """Our workbook read back: per sheet its name, column widths, frozen
    cell, autofilter and cells ``(row, col, value, format key)``, and the
    formats; plus a count of the cells by type."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    formats, sheets = {}, []
    kinds = {"number": 0, "text": 0, "date": 0, "blank": 0}
    for ws in book.worksheets:
        cells = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                if cell.has_style and cell.style_id not in formats:
                    formats[cell.style_id] = _format_props(cell)
                cells.append((cell.row - 1, cell.column - 1, cell.value, cell.style_id))
                kind = (
                    "blank"
                    if cell.value is None
                    else "text"
                    if isinstance(cell.value, str)
                    else "date"
                    if isinstance(cell.value, dt.datetime)
                    else "number"
                )
                kinds[kind] += 1
        widths = [
            (openpyxl.utils.column_index_from_string(letter) - 1, dim.width)
            for letter, dim in ws.column_dimensions.items()
            if dim.width
        ]
        sheets.append(
            {
                "name": ws.title,
                "widths": widths,
                "freeze": ws.freeze_panes,
                "filter": ws.auto_filter.ref,
                "cells": cells,
            }
        )
    return {"sheets": sheets, "formats": formats, "kinds": kinds}


def plain_xlsx(lists):
    """The same cells with plain xlsxwriter (as report_xlsx opens it)."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {})
    formats = {key: workbook.add_format(props) for key, props in lists["formats"].items()}
    for spec in lists["sheets"]:
        sheet = workbook.add_worksheet(spec["name"])
        for col, width in spec["widths"]:
            sheet.set_column(col, col, width)
        write = sheet.write
        for row, col, value, style in spec["cells"]:
            write(row, col, value, formats.get(style))
        if spec["freeze"]:
            sheet.freeze_panes(*xl_cell_to_rowcol(spec["freeze"]))
        if spec["filter"]:
            sheet.autofilter(spec["filter"])
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
    workbook.close()
    return output.getvalue()


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------
def best(repeat, function, before=None):
    """Best time of ``repeat`` runs of ``function`` and its last result."""
    times, result = [], None
    for _i in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def count_queries(env, wizard):
    """Queries of one ``_ekonsultasi_recap()`` with a cold record cache,
    and the number of rounds it reads."""
    from odoo.addons.ekonsultasi_addon.lib import recap as rc

    wizard._ekonsultasi_recap()  # warm the ormcaches
    env.invalidate_all()
    before = env.cr.sql_log_count
    wizard._ekonsultasi_recap()
    queries = env.cr.sql_log_count - before
    tz = wizard._ekonsultasi_tz()
    records = env["helpdesk.ticket.round"]._ekonsultasi_recap_records(
        wizard.company_id,
        rc.local_to_utc(wizard.date_from, tz),
        rc.local_to_utc(wizard.date_to + dt.timedelta(days=1), tz),
        wizard._ekonsultasi_filter_values()[0],
    )
    return queries, len(records)


def master_names(env, company):
    """``{id: name}`` of the master data, as the recap names them."""

    def names(model, field="name", domain=()):
        records = env[model].with_context(active_test=False).search(list(domain))
        return {r.id: r[field] for r in records}

    own = [("company_id", "=", company.id)]
    return (
        names("ekonsultasi.perangkat.daerah", domain=own),
        names("helpdesk.ticket.category", "complete_name", own),
        names("res.users", domain=[("company_ids", "in", company.id)]),
        names("ekonsultasi.desa", domain=own),
        names("ekonsultasi.kecamatan", domain=own),
    )


def measure(dbname, company_id, repeat):
    from odoo.addons.ekonsultasi_addon.lib import recap as rc

    registry = Registry(dbname)
    action = "ekonsultasi_addon.action_report_ekonsultasi_recap_xlsx"
    with registry.cursor() as cr:
        admin = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}).ref("base.user_admin")
        env = odoo.api.Environment(cr, admin.id, {"allowed_company_ids": [company_id]})
        company = env["res.company"].browse(company_id)
        try:
            Wizard = env["ekonsultasi.recap.wizard"]
            year = Wizard.create({"company_id": company_id, "period_type": "year", "year": YEAR})
            month = Wizard.create(
                {"company_id": company_id, "period_type": "month", "year": YEAR, "month": "6"}
            )
            env.flush_all()
            tz = year._ekonsultasi_tz()
            start = rc.local_to_utc(year.date_from, tz)
            end = rc.local_to_utc(year.date_to + dt.timedelta(days=1), tz)
            cuts = [
                min(rc.local_to_utc(last + dt.timedelta(days=1), tz), end)
                for _m, _first, last in rc._months(year.date_from, year.date_to)
            ]
            params = {"company": company_id, "start": start, "end": end, "cutoff": end}
            params["cuts"] = cuts
            names = master_names(env, company)
            results = {}

            # 1. the floor, 2. ours, with its split
            floor_query(env, params)  # warm-up (buffers, plans)
            results["floor"], rows = best(repeat, lambda: floor_query(env, params))
            results["floor_jit"], _rows = best(repeat, lambda: floor_query(env, params, True))
            year._ekonsultasi_recap()  # warm-up
            results["ours"], recap = best(repeat, year._ekonsultasi_recap, env.invalidate_all)
            Round = env["helpdesk.ticket.round"]
            filters, lines = year._ekonsultasi_filter_values()
            results["records"], records = best(
                repeat,
                lambda: Round._ekonsultasi_recap_records(company, start, end, filters),
                env.invalidate_all,
            )
            results["compute"], _recap = best(
                repeat,
                lambda: rc.compute_recap(
                    records,
                    year.date_from,
                    year.date_to,
                    now=odoo.fields.Datetime.now(),
                    tz=tz,
                    label=year._ekonsultasi_label(),
                    filters=lines,
                ),
            )
            results["rounds"] = len(records)
            results["problems"] = compare(floor_figures(rows, names), recap_figures(recap))
            results["totals"] = recap.totals
            results["late_rows"] = len(recap.late)

            # 3. the workbook
            Report = env["ir.actions.report"]
            Report._render(action, year.ids)  # warm-up
            results["xlsx"], (data, _kind) = best(
                repeat, lambda: Report._render(action, year.ids), env.invalidate_all
            )
            lists = ready_lists(data)
            results["kinds"] = lists["kinds"]
            results["plain"], plain = best(repeat, lambda: plain_xlsx(lists))
            results["sizes"] = (len(data), len(plain))

            # 4. queries: one month against the year
            results["q_month"], results["month_rounds"] = count_queries(env, month)
            results["q_year"], _rounds = count_queries(env, year)
        finally:
            cr.rollback()
    return results


def _line(label, text):
    print(f"{label:<52}: {text}")


def report(results):
    floor, ours = results["floor"], results["ours"]
    totals, kinds = results["totals"], results["kinds"]
    print(
        f"recap {YEAR}: {results['rounds']:,} rounds read, {totals.received:,} received "
        f"({totals.resubmissions:,} re-submitted), {totals.answered:,} answered, "
        f"{totals.on_time:,} within the limit, {totals.late:,} late "
        f"({totals.late_unanswered:,} unanswered), {totals.open_at_end:,} open at the end, "
        f"median {totals.median_days:.2f} working days"
    )
    for problem in results["problems"][:10]:
        print(f"  MISMATCH {problem}")
    agree = not results["problems"]
    _line("floor and ours agree (totals, 6 breakdowns, trend)", "yes" if agree else "NO  FAIL")
    _line("1. floor: one SQL query (GROUPING SETS), no JIT", f"{floor:.3f} s")
    _line("   same, with the server's JIT (information)", f"{results['floor_jit']:.3f} s")
    _line("2. ours: _ekonsultasi_recap() for the year", f"{ours:.3f} s")
    _line(
        f"   records query + names ({results['rounds']:,} RoundRecord)",
        f"{results['records']:.3f} s",
    )
    _line("   compute_recap", f"{results['compute']:.3f} s")
    ratio = ours / floor
    _line("   ratio ours / floor", f"{ratio:.2f} (target <= 3) {_ok(ratio <= 3)}")
    _line("3. XLSX ours: report _render (recap included)", f"{results['xlsx']:.3f} s")
    _line("   XLSX plain xlsxwriter, same cells from lists", f"{results['plain']:.3f} s")
    _line(
        "   cells",
        f"{kinds['number']:,} numbers, {kinds['text']:,} texts, {kinds['date']:,} dates, "
        f"{kinds['blank']:,} blanks ({results['late_rows']:,} late rows; "
        f"{results['sizes'][0]:,} / {results['sizes'][1]:,} bytes)",
    )
    xratio = results["xlsx"] / results["plain"]
    _line("   ratio ours / plain", f"{xratio:.2f} (target <= 3) {_ok(xratio <= 3)}")
    same = results["q_month"] == results["q_year"]
    _line(
        "4. queries of _ekonsultasi_recap()",
        f"June {YEAR} ({results['month_rounds']:,} rounds) {results['q_month']}, "
        f"year ({results['rounds']:,} rounds) {results['q_year']} (target: equal) {_ok(same)}",
    )
    return 0 if agree and ratio <= 3 and xratio <= 3 and same else 1


def _ok(passed):
    return "PASS" if passed else "FAIL"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--db", required=True, help="database of this benchmark (made if missing)")
    parser.add_argument("-n", "--count", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--refill", action="store_true", help="delete and fill the data again")
    parser.add_argument(
        "--remove", action="store_true", help="delete the consultations of the bench company, exit"
    )
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "--log-level=warn", "--without-demo=all"])
    odoo.modules.module.initialize_sys_path()
    if args.remove:
        return remove_data(Registry(args.db))
    registry = prepare_database(args.db, FINGERPRINT)
    company_id, filled = ensure_data(registry, args.count, args.refill)
    if filled is None:
        print(f"data: {args.count:,} consultations of {YEAR} in '{COMPANY}' (filled earlier)")
    return report(measure(args.db, company_id, args.repeat))


if __name__ == "__main__":
    sys.exit(main())

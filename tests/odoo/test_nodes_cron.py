"""Scheduled actions on two nodes (issue 13, "Several nodes"): every node runs
the scheduled actions, and each notification still goes out once.

Two real Odoo processes (as the cron workers of two nodes) on one committed
database (the fault cluster of tests/odoo/fault_odoo.py) run the reminders
and escalations over 1,000 due consultations at the same moment (both wait
for one signal):

* through Odoo's cron worker code on both nodes (``ir_cron._process_jobs``,
  which takes the job's row with SKIP LOCKED);
* outside it, over 300 of them: "Run manually" (``method_direct_trigger``)
  on one node and the method called directly (code, a shell) on the other,
  which no ir_cron row lock serialises.

A third of the consultations is due for each notification (reminder,
escalation to the head, escalation to the inspektur): each is then found once
on its consultation, none on the others, and every line flagged."""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from fault_odoo import ROOT, OdooDb

COUNT = 1000
DIRECT_COUNT = 300
TEMPLATE_DB = "nodes_due_tpl"

MAKE_TICKETS = """
Ticket = env["helpdesk.ticket"].with_context(
    tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
topic = env["helpdesk.ticket.category"].browse(data["topic_tlhp"])
konsulti = env["res.users"].browse(data["konsulti"])
# whom the escalations go to: the head of the team, the inspektur
topic.team_id.user_id = data["konsultan_1"]
env["res.company"].browse(data["company"]).ekonsultasi_inspektur_id = data["inspektur"]
ids = []
for start in range(0, %(count)d, 100):
    tickets = Ticket.create([
        {"name": f"Konsultasi {i}", "description": "<p>Mohon penjelasan.</p>",
         "partner_id": konsulti.partner_id.id, "category_id": topic.id}
        for i in range(start, min(start + 100, %(count)d))
    ])
    ids += tickets.ids
    cr.commit()
cron = env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_sla")
# only this job runs, and nothing sends the mails
env["ir.cron"].search([("id", "!=", cron.id)]).write({"active": False})
cr.commit()
emit({"tickets": ids, "cron": cron.id})
"""

MAKE_DUE = """
from odoo import fields
from datetime import timedelta
now = fields.Datetime.now()
lines = env["helpdesk.ticket"].browse(data["tickets"]).ticket_sla_ids.filtered("round_id")
lines = lines.sorted("id")[:data["due_count"]]
due = {"reminder": [], "escalation_1": [], "escalation_2": []}
for i, line in enumerate(lines):
    if i % 3 == 0:
        # due for its reminder: past its reminder date, before its limit
        step, values = "reminder", (
            now - timedelta(hours=1), now + timedelta(hours=2), now + timedelta(days=2), None)
    elif i % 3 == 1:
        # past its limit, not yet its escalation date: the head of the team
        step, values = "escalation_1", (
            now - timedelta(days=3), now - timedelta(hours=1), now + timedelta(days=2), None)
    else:
        # the head told already, past its escalation date: the inspektur
        step, values = "escalation_2", (
            now - timedelta(days=3), now - timedelta(days=2), now - timedelta(hours=1),
            now - timedelta(days=1))
    cr.execute(
        "UPDATE helpdesk_ticket_sla SET warn_date = %s, deadline = %s, escalation_date = %s,"
        " escalation_1_date = %s, reminder_sent_date = NULL,"
        " state = CASE WHEN %s = 'reminder' THEN 'at_risk' ELSE 'expired' END WHERE id = %s",
        (*values, step, line.id),
    )
    due[step].append(line.id)
cron = env["ir.cron"].browse(data["cron"])
cron.nextcall = now - timedelta(minutes=1)
env["mail.mail"].search([]).unlink()
cr.commit()
emit(due)
"""

# a node: waits for the signal, then runs the scheduled action its way until
# nothing is due; reports what it did
NODE = """
import os, time
import psycopg2.errors
from odoo import fields
from odoo.exceptions import UserError
from odoo.addons.base.models.ir_cron import ir_cron
Sla = env["helpdesk.ticket.sla"]
cron = env["ir.cron"].browse(data["cron"])
way = os.environ["NODE_WAY"]

def due():
    now = fields.Datetime.now()
    return sum(
        Sla.search_count(Sla._ekonsultasi_due_domain(step, now))
        for step, _flag, _template in Sla._EKONSULTASI_STEPS
    )

cr.commit()
emit("ready")
while not os.path.exists(os.environ["GO"]):
    time.sleep(0.01)
calls = refused = 0
for _round in range(5000):  # a guard: the loop ends when nothing is due
    cr.rollback()  # a new transaction, which sees the other node's commits
    if not due():
        break
    cr.rollback()
    try:
        if way == "cron":
            ir_cron._process_jobs(cr.dbname)
        elif way == "manual":
            cron.method_direct_trigger()
        else:
            Sla._cron_ekonsultasi_sla()
        cr.commit()
        calls += 1
    except (UserError, psycopg2.errors.SerializationFailure) as exc:
        # "this record is being modified" (the job's row is taken), or the
        # other node committed the same lines first: nothing of it remains
        cr.rollback()
        refused += 1
        time.sleep(0.05)
else:
    raise AssertionError("lines still due after 5000 rounds")
emit({"calls": calls, "refused": refused})
"""

COUNTS = """
Sla = env["helpdesk.ticket.sla"]
result = {}
for step, flag, xmlid in Sla._EKONSULTASI_STEPS:
    template = env.ref(xmlid)
    lines = Sla.browse(data["reminder"] + data["escalation_1"] + data["escalation_2"])
    subjects = template._render_field("subject", lines.ids, compute_lang=True)
    wanted = {(line.ticket_id.id, subjects[line.id]) for line in lines}
    messages = env["mail.message"].search_read(
        [("model", "=", "helpdesk.ticket"), ("res_id", "in", lines.ticket_id.ids),
         ("subject", "in", list({s for _t, s in wanted}))],
        ["res_id", "subject"],
    )
    per_line = {line.id: 0 for line in lines}
    by_key = {(line.ticket_id.id, subjects[line.id]): line.id for line in lines}
    for message in messages:
        key = (message["res_id"], message["subject"])
        if key in by_key:
            per_line[by_key[key]] += 1
    result[step] = {
        "per_line": per_line,
        "flagged": lines.filtered(flag).ids,
    }
emit(result)
"""


@pytest.fixture(scope="module")
def due_template(fault_cluster):
    """A database of the fault cluster with 1,000 consultations (not yet
    due), copied by each test."""
    db = fault_cluster.new_db(TEMPLATE_DB, fault_cluster.addons_path)
    db.data = dict(fault_cluster.ids)
    (made,) = db.run(MAKE_TICKETS % {"count": COUNT}, timeout=1800)
    db.data.update(made)
    yield db
    db.drop()


@pytest.fixture
def due_db(due_template, request):
    """A copy of the template with ``request.param`` consultations due."""
    cluster = due_template.cluster
    name = f"nodes_due_{int(time.time() * 1000)}"
    cluster.sql("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=cluster.dir))
    shutil.copytree(due_template.filestore, data_dir / "filestore" / name, dirs_exist_ok=True)
    db = OdooDb(cluster, name, cluster.addons_path, data_dir)
    db.data = dict(due_template.data, due_count=request.param)
    (due,) = db.run(MAKE_DUE)
    db.data.update(due)
    yield db
    db.drop()


def _start_node(db, way, go, log_path):
    with open(log_path, "w", encoding="utf-8") as log:  # the child has its own copy
        return subprocess.Popen(
            db.argv(NODE),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=dict(os.environ, NODE_WAY=way, GO=str(go)),
            cwd=ROOT,
        )


def _emitted(proc):
    line = proc.stdout.readline()
    while line and not line.startswith("EMIT "):
        line = proc.stdout.readline()
    assert line, "the node stopped before reporting"
    return json.loads(line[5:])


def _run_two_nodes(db, ways):
    go = db.cluster.dir / f"{db.name}.go"
    logs = [db.cluster.dir / f"{db.name}-node{i}.log" for i in range(len(ways))]
    nodes = [_start_node(db, way, go, log) for way, log in zip(ways, logs, strict=True)]
    try:
        for node in nodes:
            assert _emitted(node) == "ready"
        go.touch()  # both at once
        reports = [_emitted(node) for node in nodes]
        for node in nodes:
            assert node.wait(600) == 0
    finally:
        for node in nodes:
            if node.poll() is None:
                node.kill()
                node.wait()
    return reports


def _assert_each_notification_once(db):
    (counts,) = db.run(COUNTS, timeout=600)
    expected = {step: set(db.data[step]) for step in ("reminder", "escalation_1", "escalation_2")}
    assert sum(map(len, expected.values())) == db.data["due_count"]
    for step, lines in expected.items():
        per_line = {int(k): v for k, v in counts[step]["per_line"].items()}
        sent = {line for line, count in per_line.items() if count}
        assert sent == lines, f"{step}: sent to other lines than the due ones"
        twice = [line for line in lines if per_line[line] > 1]
        assert not twice, f"{step} sent more than once for {len(twice)} lines"
        flagged = set(lines)
        if step == "escalation_1":  # the inspektur's lines were flagged before
            flagged |= expected["escalation_2"]
        assert set(counts[step]["flagged"]) == flagged, step


@pytest.mark.parametrize("due_db", [COUNT], indirect=True)
def test_cron_workers_of_two_nodes_notify_once(due_db):
    reports = _run_two_nodes(due_db, ["cron", "cron"])
    print("nodes (cron, cron):", reports)  # pylint: disable=print-used  # for the report (pytest -s)
    _assert_each_notification_once(due_db)


# fewer lines: the way in differs, the work is the same (and takes minutes)
@pytest.mark.parametrize("due_db", [DIRECT_COUNT], indirect=True)
def test_run_manually_and_direct_call_on_two_nodes_notify_once(due_db):
    reports = _run_two_nodes(due_db, ["manual", "direct"])
    print("nodes (run manually, direct call):", reports)  # pylint: disable=print-used  # the report
    assert sum(report["calls"] for report in reports)
    _assert_each_notification_once(due_db)

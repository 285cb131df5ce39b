"""Fault: the process running the reminders killed (SIGKILL) in the middle of
its work. The next run finishes it and no reminder is sent twice (issue 12).

A real Odoo process runs the scheduled action through ``ir.cron``'s own
worker code (``_process_jobs``, as a cron thread does), on a committed copy
of the test database, with a real SMTP server. The test holds a row lock on
one SLA line of the second batch: the worker commits its first batch (and
sends its mails), posts the reminders of the second, then waits on that
lock, and is killed there, mid-batch."""

import os
import signal
import time

import pytest
from fault_smtp import SmtpServer

COUNT = 12
BATCH = 5

MAKE_DUE = """
from odoo import fields
from datetime import timedelta
%(smtp)s
Ticket = env["helpdesk.ticket"]
topic = env["helpdesk.ticket.category"].browse(data["topic_tlhp"])
konsulti = env["res.users"].browse(data["konsulti"])
tickets = Ticket.create([
    {"name": f"Konsultasi {i}", "description": "<p>Mohon penjelasan.</p>",
     "partner_id": konsulti.partner_id.id, "category_id": topic.id}
    for i in range(%(count)d)
])
env.flush_all()
# every line due for its reminder now: past its reminder date, before its
# limit, at risk (in SQL: the limits are computed fields of the submission)
now = fields.Datetime.now()
lines = tickets.ticket_sla_ids.filtered("round_id").sorted("id")
for i, line in enumerate(lines):
    cr.execute(
        "UPDATE helpdesk_ticket_sla SET warn_date = %%s, deadline = %%s, state = 'at_risk'"
        " WHERE id = %%s",
        (now - timedelta(hours=1), now + timedelta(hours=1, minutes=i), line.id),
    )
env.invalidate_all()
cron = env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_sla")
cron.code = "model._cron_ekonsultasi_sla(batch_size=%(batch)d)"
# only this job is due
env["ir.cron"].search([("id", "!=", cron.id)]).write({"active": False})
cron.nextcall = now - timedelta(minutes=1)
env["mail.mail"].search([]).unlink()
cr.commit()
emit({"lines": lines.sorted(lambda l: (l.deadline, l.id)).ids, "cron": cron.id,
      "tickets": tickets.ids})
"""

RUN_CRON = """
from odoo.addons.base.models.ir_cron import ir_cron
emit("start")
ir_cron._process_jobs(cr.dbname)
emit("done")
"""

COUNTS = """
line_ids = data["lines"]
lines = env["helpdesk.ticket.sla"].browse(line_ids)
template = env.ref("ekonsultasi_addon.mail_template_sla_reminder")
subjects = template._render_field("subject", line_ids, compute_lang=True)
messages = env["mail.message"].search([
    ("model", "=", "helpdesk.ticket"), ("res_id", "in", lines.ticket_id.ids),
    ("subject", "in", list(set(subjects.values()))),
])
per_ticket = {t: 0 for t in lines.ticket_id.ids}
for message in messages:
    per_ticket[message.res_id] += 1
emit({
    "flagged": len(lines.filtered("reminder_sent_date")),
    "per_ticket": list(per_ticket.values()),
    "mails": {
        s: env["mail.mail"].search_count([("state", "=", s)])
        for s in ("outgoing", "sent", "exception")},
    "subjects": sorted(set(subjects.values())),
})
"""


def _wait_for_lock_wait(db, timeout=60):
    """The pid of the backend of ``db`` waiting on a lock (the worker's
    UPDATE of the locked SLA line)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = db.cluster.sql(
            "postgres",
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (db.name,),
        )
        if rows:
            return rows[0][0]
        time.sleep(0.1)
    raise AssertionError("the cron worker never reached the locked line")


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


def test_reminders_killed_mid_batch_finish_at_next_run_once_each(fault_db, smtp):
    (due,) = fault_db.run(MAKE_DUE % {"smtp": smtp.odoo_setup(), "count": COUNT, "batch": BATCH})
    fault_db.data.update(due)
    lines = due["lines"]
    assert len(lines) == COUNT

    # hold a line of the second batch
    locker = fault_db.cluster.connect(fault_db.name)
    locker.autocommit = False
    with locker.cursor() as cr:
        cr.execute(
            "SELECT id FROM helpdesk_ticket_sla WHERE id = %s FOR UPDATE", (lines[BATCH + 2],)
        )
    worker = fault_db.start(RUN_CRON)
    try:
        _wait_for_lock_wait(fault_db)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        locker.rollback()
        locker.close()
    assert worker.returncode == -signal.SIGKILL
    # its PostgreSQL session ends without committing the second batch
    deadline = time.monotonic() + 30
    while (
        fault_db.cluster.sql(
            "postgres",
            "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND state = 'active'"
            " AND pid <> pg_backend_pid()",
            (fault_db.name,),
        )
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)

    (killed,) = fault_db.run(COUNTS)
    # the first batch was committed whole, the second not at all
    assert killed["flagged"] == BATCH
    assert sorted(killed["per_ticket"]) == [0] * (COUNT - BATCH) + [1] * BATCH

    # the next run (the job is still due: it never finished)
    # then the mail queue (its own scheduled action, disabled above)
    queue = "cr.commit()\nenv['mail.mail'].process_email_queue()\ncr.commit()\n"
    start, done, after = fault_db.run(RUN_CRON + queue + COUNTS)
    assert (start, done) == ("start", "done")
    assert after["flagged"] == COUNT
    assert after["per_ticket"] == [1] * COUNT, "one reminder per consultation"
    # each reminder mailed once to each of its recipients, the reminders of
    # all the consultations (those of the killed batch too)
    reminders = [
        (m["subject"], tuple(m["to"])) for m in smtp.received() if m["subject"] in after["subjects"]
    ]
    assert len(reminders) == len(set(reminders)), "a reminder mail was delivered twice"
    assert {subject for subject, _to in reminders} == set(after["subjects"])
    assert len(after["subjects"]) == COUNT
    assert after["mails"]["outgoing"] == 0
    assert after["mails"]["exception"] == 0

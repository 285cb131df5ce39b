"""The holidays imported on two nodes at once are added once (issue 13,
"Several nodes").

Two real Odoo processes (two nodes) on one committed database (the fault
cluster of tests/odoo/fault_odoo.py) import the holidays of one year into the
same calendar: the first imports them and waits, before committing, for a
signal; the second imports them meanwhile, as the button does (through
Odoo's retrying of a request that meets a serialization error). Each day is
then off once, added by the first import only."""

import json
import os
import subprocess
import time

from fault_odoo import ROOT

YEAR = 2031

FIRST = """
import os, time
calendar = env["resource.calendar"].browse(data["calendar"])
added = calendar.action_import_holidays(%(year)d)
emit(len(added))
while not os.path.exists(os.environ["GO"]):
    time.sleep(0.02)
cr.commit()
emit("committed")
"""

SECOND = """
from odoo.service.model import retrying
calendar = env["resource.calendar"].browse(data["calendar"])
cr.commit()
added = retrying(lambda: calendar.action_import_holidays(%(year)d), env)
cr.commit()
emit(len(added))
"""

DAYS_OFF = """
import datetime as dt
leaves = env["resource.calendar.leaves"].search([
    ("calendar_id", "=", data["calendar"]), ("resource_id", "=", False),
    ("date_from", ">=", dt.datetime(%(year)d - 1, 12, 31)),
    ("date_to", "<=", dt.datetime(%(year)d + 1, 1, 2)),
])
emit({"leaves": len(leaves), "days": len(set(leaves.mapped("date_from")))})
"""


def _start(db, code, log_path, env=None):
    with open(log_path, "w", encoding="utf-8") as log:  # the child has its own copy
        return subprocess.Popen(
            db.argv(code),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=dict(os.environ, **(env or {})),
            cwd=ROOT,
        )


def _emitted(proc):
    line = proc.stdout.readline()
    while line and not line.startswith("EMIT "):
        line = proc.stdout.readline()
    assert line, "the node stopped before reporting"
    return json.loads(line[5:])


def _waits_on_a_lock(db):
    rows = db.cluster.sql(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
        (db.name,),
    )
    return rows[0][0] > 0


def test_holidays_imported_on_two_nodes_at_once_are_added_once(fault_db):
    go = fault_db.cluster.dir / f"{fault_db.name}.go"
    logs = [fault_db.cluster.dir / f"{fault_db.name}-hol{i}.log" for i in (1, 2)]
    first = _start(fault_db, FIRST % {"year": YEAR}, logs[0], {"GO": str(go)})
    second = None
    try:
        added_first = _emitted(first)
        assert added_first > 10  # the year's holidays and cuti bersama
        second = _start(fault_db, SECOND % {"year": YEAR}, logs[1])
        # the second import waits for the first (or, without a lock, ends)
        while second.poll() is None and not _waits_on_a_lock(fault_db):
            time.sleep(0.05)
        go.touch()
        assert _emitted(first) == "committed"
        added_second = _emitted(second)
        assert first.wait(120) == 0
        assert second.wait(120) == 0
    finally:
        go.touch()
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    (days_off,) = fault_db.run(DAYS_OFF % {"year": YEAR})
    assert added_second == 0
    assert days_off == {"leaves": added_first, "days": added_first}

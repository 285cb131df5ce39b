"""A SIMPEG full synchronisation started on two nodes at once runs once
(issue 13, "Several nodes").

Two real Odoo processes (two nodes) on one committed database (the fault
cluster of tests/odoo/fault_odoo.py) and a real slapd (tests/ldap). The
first node's run is held, once it has the directory to itself, while it
reads the directory (its entries are not yet read: the test has it wait for
a signal there); the second node then starts the same full synchronisation:

* both directly (a button or a shell: ``_run_sync``), which no ir_cron row
  lock serialises;
* both through Odoo's cron worker code (``ir_cron._process_jobs``);
* the first through the cron worker, the second with "Run manually".

The second start must give up at once, not wait for the first and not run
it again; the first then finishes and creates each account once."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fault_odoo import ROOT

LDAP_DIR = Path(__file__).resolve().parent.parent / "ldap"
sys.path.insert(0, str(LDAP_DIR))

PEOPLE = 120

SETUP = """
import os
sys.path.insert(0, os.environ["LDAP_DIR"])
import simpeg_odoo
info = json.loads(os.environ["DIRECTORY"])
company = env["res.company"].browse(data["company"])
simpeg_odoo.regional_codes(env, company)
server = env["res.company.ldap"].create({
    "company": company.id, "ldap_server": "127.0.0.1", "ldap_server_port": info["port"],
    "ldap_binddn": info["bind_dn"], "ldap_password": info["bind_password"],
    "ldap_base": info["base"], "ldap_filter": simpeg_odoo.LOGIN_FILTER,
    "simpeg_enabled": True, "create_user": True, "ldap_timeout": 5,
    "simpeg_page_size": 7,
})
full = env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_simpeg_full")
# only the full synchronisation is due
env["ir.cron"].search([("id", "!=", full.id)]).write({"active": False})
full.write({"active": True, "nextcall": "2000-01-01 00:00:00"})
cr.commit()
emit({"server": server.id, "cron": full.id})
"""

# a node: starts the full synchronisation its way. With HOLD set, its run
# waits, once it holds the directory, for the file HOLD before reading it.
NODE = """
import os, time
from odoo.exceptions import UserError
from odoo.addons.base.models.ir_cron import ir_cron
Run = type(env["ekonsultasi.simpeg.sync.run"])
hold = os.environ.get("HOLD")
if hold:
    entries = Run._simpeg_entries
    def held_entries(self, *args, **kwargs):
        emit("holding")
        while not os.path.exists(hold):
            time.sleep(0.02)
        yield from entries(self, *args, **kwargs)
    Run._simpeg_entries = held_entries
way = os.environ["NODE_WAY"]
cr.commit()
refused = None
try:
    if way == "cron":
        ir_cron._process_jobs(cr.dbname)
    elif way == "manual":
        env["ir.cron"].browse(data["cron"]).method_direct_trigger()
    else:
        server = env["res.company.ldap"].browse(data["server"])
        env["ekonsultasi.simpeg.sync.run"]._run_sync(server, "full")
    cr.commit()
except UserError as exc:
    cr.rollback()
    refused = str(exc)
emit({"refused": refused})
"""

RESULT = """
runs = env["ekonsultasi.simpeg.sync.run"].search([("ldap_id", "=", data["server"])], order="id")
users = env["res.users"].with_context(active_test=False).search(
    [("simpeg_ldap_id", "=", data["server"])])
emit({
    "runs": [[r.state, r.created_count, r.error_message or ""] for r in runs],
    "users": len(users),
    "logins": len(set(users.mapped("login"))),
})
"""


@pytest.fixture(scope="module")
def directory():
    import simpeg_odoo

    with simpeg_odoo.start_directory(PEOPLE) as started:
        yield started


def _start(db, way, log_path, hold=None):
    env = dict(os.environ, NODE_WAY=way)
    if hold:
        env["HOLD"] = str(hold)
    with open(log_path, "w", encoding="utf-8") as log:  # the child has its own copy
        return subprocess.Popen(
            db.argv(NODE), stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=ROOT
        )


def _emitted(proc):
    line = proc.stdout.readline()
    while line and not line.startswith("EMIT "):
        line = proc.stdout.readline()
    assert line, "the node stopped before reporting"
    return json.loads(line[5:])


def _waits_on_a_lock(db, pid_of_test):
    rows = db.cluster.sql(
        "postgres",
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
        " AND wait_event_type = 'Lock' AND pid <> %s",
        (db.name, pid_of_test),
    )
    return rows[0][0] > 0


@pytest.mark.parametrize(
    "first,second", [("direct", "direct"), ("cron", "cron"), ("cron", "manual")]
)
def test_full_sync_started_on_two_nodes_runs_once(fault_db, directory, first, second):
    server = directory.server
    info = {
        "port": server.port,
        "bind_dn": server.sync_dn,
        "bind_password": server.sync_password,
        "base": server.people_dn,
    }
    (made,) = fault_db.run(SETUP, env={"LDAP_DIR": str(LDAP_DIR), "DIRECTORY": json.dumps(info)})
    fault_db.data.update(made)
    valid = {p.login for p in directory.people if "invalid_nip" not in p.flags and p.active}
    assert len(valid) > 50

    hold = fault_db.cluster.dir / f"{fault_db.name}.hold"
    logs = [fault_db.cluster.dir / f"{fault_db.name}-simpeg{i}.log" for i in (1, 2)]
    node_1 = _start(fault_db, first, logs[0], hold=hold)
    node_2 = None
    try:
        assert _emitted(node_1) == "holding"
        node_2 = _start(fault_db, second, logs[1])
        # the second node gives up without waiting: it ends while the first
        # still holds the directory (a wait on a lock would never end)
        waited = False
        while node_2.poll() is None:
            if _waits_on_a_lock(fault_db, 0):
                waited = True
                break
            time.sleep(0.05)
        assert not waited, "the second synchronisation waits for the first"
        second_report = _emitted(node_2)
        assert node_2.wait(60) == 0
        hold.touch()
        first_report = _emitted(node_1)
        assert node_1.wait(300) == 0
    finally:
        hold.touch()
        for node in (node_1, node_2):
            if node is not None and node.poll() is None:
                node.kill()
                node.wait()

    assert first_report == {"refused": None}
    (result,) = fault_db.run(RESULT)
    runs = result["runs"]
    done = [run for run in runs if run[0] == "done"]
    assert len(done) == 1, runs
    assert done[0][1] == len(valid)  # each account created by that run
    assert result["users"] == result["logins"] == len(valid)
    if second == "direct":
        # refused with its own log line, nothing created
        assert len(runs) == 2, runs
        assert runs[1][:2] == ["failed", 0]
        assert "Another synchronisation" in runs[1][2] or "sinkronisasi lain" in runs[1][2]
    elif second == "manual":
        # Odoo refuses to run a job another worker runs
        assert second_report["refused"], second_report
        assert len(runs) == 1, runs
    else:
        # the second cron worker skipped the job the first holds
        assert second_report == {"refused": None}
        assert len(runs) == 1, runs

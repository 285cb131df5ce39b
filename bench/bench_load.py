"""Benchmark: the production server under load (issue 13, measured under load).

Starts the production profile (scripts/serve.sh: Odoo in workers behind
nginx, HTTPS with the self-signed certificate) for each topology in turn,
1 worker, 4 workers and 2 nodes of 2 workers (when serve.sh knows NODES), and
drives it with Locust (bench/locustfile.py) at 10, 50 and 100 concurrent
users: konsulti (log in, list, open, send a consultation with a small PDF,
read an answer, submit it again) and konsultan (list, open, answer), 4
konsulti to 1 konsultan, with think times of THINK_MIN to THINK_MAX seconds
between steps. It prints, and writes to .state/bench/load-latest.json:

- p50 and p95 latency per action, requests per second, errors;
- lost work: every consultation the server acknowledged (the redirect to
  its page) is in the database exactly once, nothing else was created
  (numbers unique), one round per consultation and per re-submission;
- the CPU of Odoo, PostgreSQL, nginx and Locust, what PostgreSQL's active
  sessions wait for (pg_stat_activity) and the locks waited on (pg_locks);
- the throughput of each topology, saturated: LOAD_SATURATE_USERS users
  (20) with no think time, each sending its next request as soon as the last
  is answered, so that every worker always has one waiting;
- the targets: p95 <= 1.5 s at 50 users with 4 workers; 4 workers >= 1.8 x
  the throughput (requests per second, saturated) of 1 worker; our portal
  submission <= 1.5 x helpdesk_mgmt's own (its /submitted/ticket, on a
  database with helpdesk_mgmt only, served by the same server through the
  dbfilter), both measured side by side in the same step (median times).

Run it with ``make bench`` (bench/run.sh), or alone:
    bench/bench_load.py            # the full run (about 20 minutes)
    LOAD_QUICK=1 bench/bench_load.py   # a check of a minute or two
Settings (environment): LOAD_STEP_SECONDS (50), LOAD_USERS (10,50,100),
LOAD_TOPOLOGIES (1x1,1x4,2x2: nodes x workers), LOAD_COMPARE_SECONDS (90),
LOAD_COMPARE_USERS (10), LOAD_SATURATE_USERS (20; 0: no saturated step),
LOAD_WARMUP_SECONDS (240: at most, it ends once every user
is in), THINK_MIN (1), THINK_MAX
(5), SERVE_DB (ekonsultasi_bench_load; its plain twin gets "_plain"),
SERVE_DIR, HTTPS_PORT (8643), PLAIN_PORT (8680), PYTHON (the Odoo
environment, for serve.sh), BENCH_VENV (.venv-bench).

Every topology starts from the same data: the databases as bench/load_seed.py
left them, kept as copies (``<db>_seeded``, with their filestores) and
restored before each topology; without them (the first run on a machine),
both databases are made again from nothing and the copies taken. So no
topology measures what the ones before it created, and two runs compare.

The konsulti are portal users with local passwords made by bench/load_seed.py;
the real ones log in through the SIMPEG directory (LDAP), which this
benchmark leaves out.
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import datetime
import glob
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("STATE", ROOT / ".state"))
P95_TARGET_MS = 1500
SCALE_TARGET = 1.8
SUBMIT_TARGET = 1.5
SEND_OURS = "compare ekonsultasi_addon: send"
SEND_PLAIN = "compare helpdesk_mgmt: send"
# what a user does before the measure (bench/locustfile.py: OdooUser.login)
LOGIN_ACTIONS = (": log in", ": resume session")


# ---------------------------------------------------------------- results --
def percentile(values, q):
    """The q-th percentile (0..100) of ``values``, linear between ranks
    (None when empty)."""
    ordered = sorted(values)
    if not ordered:
        return None
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def read_record(path):
    """The lines of a BENCH_RECORD file (a line cut by a killed process is
    skipped)."""
    lines = []
    try:
        with open(path, encoding="utf-8") as src:
            for line in src:
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    continue
    except FileNotFoundError:  # pylint: disable=except-pass  # missing: skipped
        pass
    return lines


def summarize(lines, end=None):
    """Per action (request name) and in all: count, errors, p50 and p95 in
    ms, and requests per second, over the steady part of the step: from the
    moment every user was started and logged in to ``end`` (default: the
    last request). The logins, made before, are counted over the whole step
    (``log in`` and ``resume session`` actions) and are not in the requests
    per second. When some user never got in, the steady part starts when the
    last user was started, and ``all_in`` says so."""
    requests = [line for line in lines if line.get("kind") == "request"]
    spawned = [line for line in lines if line.get("kind") == "spawned"]
    ready = sorted(line["t"] for line in lines if line.get("kind") == "ready")
    users = max((line["users"] for line in spawned), default=0)
    start = min((line["t"] for line in spawned), default=None)
    if start is None:
        start = min((line["t"] for line in requests), default=0)
    if end is None:
        end = max((line["t"] for line in requests), default=start)
    # every user in before the end of the step
    all_in = bool(users) and len(ready) >= users and ready[users - 1] <= end
    if all_in:
        start = max(start, ready[users - 1])
    logins = [line for line in requests if line["name"].endswith(LOGIN_ACTIONS)]
    window = [
        line
        for line in requests
        if start <= line["t"] <= end and not line["name"].endswith(LOGIN_ACTIONS)
    ]
    actions = {}
    for line in window + logins:
        actions.setdefault(line["name"], []).append(line)

    def stats(group):
        times = [line["ms"] for line in group]
        return {
            "count": len(group),
            "errors": sum(1 for line in group if not line["ok"]),
            "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95),
        }

    result = {"actions": {name: stats(group) for name, group in sorted(actions.items())}}
    result["all"] = stats(window)
    result["all_in"] = all_in
    result["steady_seconds"] = max(end - start, 0)
    result["rps"] = len(window) / (end - start) if end > start else 0.0
    errors = {}
    for line in requests:
        if not line["ok"]:
            key = f"{line['name']}: {line.get('error')}"
            errors[key] = errors.get(key, 0) + 1
    result["errors"] = sum(errors.values())
    result["error_kinds"] = dict(sorted(errors.items(), key=lambda kv: -kv[1])[:10])
    return result


def warmup_summary(lines):
    """``summarize`` of a warm-up, to its last line: a user's ``ready``
    comes after his last request (the login or the resumed session)."""
    return summarize(lines, end=max((line["t"] for line in lines if "t" in line), default=None))


def check_lost_work(lines, db, rows, rounds_created, duplicate_numbers):
    """Compare what the server acknowledged in a step with what the
    database ``db`` holds.

    ``rows``: (id, submission key) of every consultation created during
    the step; ``rounds_created``: the rounds created during the step (None
    when the database has none); ``duplicate_numbers``: numbers held by more
    than one consultation. The consultations sent with a key whose answer
    never came (the end of the step cut the request) are named apart: the
    konsulti would send the form again and the key makes it the same one."""
    acked = [line for line in lines if line.get("kind") == "submitted" and line["db"] == db]
    acked_ids = [line["id"] for line in acked]
    resubmitted = [line for line in lines if line.get("kind") == "resubmitted" and line["db"] == db]
    attempted_keys = {
        line["key"] for line in lines if line.get("kind") == "attempt" and line["db"] == db
    }
    failed_keys = {
        line["key"] for line in lines if line.get("kind") == "failed" and line["db"] == db
    }
    acked_keys = {line.get("key") for line in acked}
    found_ids = [row[0] for row in rows]
    missing = sorted(set(acked_ids) - set(found_ids))
    extra = [row for row in rows if row[0] not in set(acked_ids)]
    cut = [row for row in extra if row[1] and row[1] in attempted_keys - acked_keys - failed_keys]
    unexplained = [row for row in extra if row not in cut]
    result = {
        "acknowledged": len(acked_ids),
        "acknowledged_twice": len(acked_ids) - len(set(acked_ids)),
        "created": len(rows),
        "missing": missing,
        "created_not_acknowledged": [row[0] for row in unexplained],
        "created_answer_cut": [row[0] for row in cut],
        "duplicate_numbers": list(duplicate_numbers),
        "resubmitted": len(resubmitted),
    }
    ok = not missing and not unexplained and not duplicate_numbers
    ok = ok and result["acknowledged_twice"] == 0
    if rounds_created is not None:
        expected = len(set(acked_ids)) + len(cut) + len(resubmitted)
        result["rounds_created"] = rounds_created
        result["rounds_expected"] = expected
        ok = ok and rounds_created == expected
    result["ok"] = ok
    return result


def verdicts(results):
    """The three targets of issue 13 with their verdicts, from the steps
    measured (a target whose steps were not measured says so)."""
    steps = {(s["topology"], s["users"]): s for s in results["steps"]}
    out = []
    top = max((s["users"] for s in results["steps"]), default=None)
    p95 = steps.get(("1x4", 50))
    if p95:
        value = p95["summary"]["all"]["p95_ms"] or 0
        out.append(
            {
                "target": "p95 <= 1.5 s at 50 users with 4 workers",
                "value": f"{value / 1000:.2f} s",
                "ok": value <= P95_TARGET_MS,
            }
        )
    else:
        out.append({"target": "p95 <= 1.5 s at 50 users with 4 workers", "value": None})
    saturated = {s["topology"]: s for s in results.get("saturated", [])}
    one, four = saturated.get("1x1"), saturated.get("1x4")
    target = f"4 workers >= {SCALE_TARGET} x the throughput of 1 worker (saturated)"
    if one and four and one["summary"]["rps"]:
        ratio = four["summary"]["rps"] / one["summary"]["rps"]
        out.append(
            {
                "target": target,
                "value": (
                    f"{ratio:.2f} x ({four['summary']['rps']:.1f} vs "
                    f"{one['summary']['rps']:.1f} req/s)"
                ),
                "ok": ratio >= SCALE_TARGET,
            }
        )
    else:
        out.append({"target": target, "value": None})
    # the same quotient at the most users, for the record: below saturation
    # it is what the users asked for, not what the server can give
    one, four = steps.get(("1x1", top)), steps.get(("1x4", top))
    if one and four and one["summary"]["rps"]:
        out.append(
            {
                "target": f"(4 workers / 1 worker at {top} users, not a target)",
                "value": f"{four['summary']['rps'] / one['summary']['rps']:.2f} x",
                "ok": True,
                "info": True,
            }
        )
    compare = results.get("compare")
    ours = compare and compare["summary"]["actions"].get(SEND_OURS)
    plain = compare and compare["summary"]["actions"].get(SEND_PLAIN)
    if ours and plain and plain["p50_ms"]:
        ratio = ours["p50_ms"] / plain["p50_ms"]
        out.append(
            {
                "target": f"our portal submission <= {SUBMIT_TARGET} x helpdesk_mgmt's (median)",
                "value": f"{ratio:.2f} x ({ours['p50_ms']:.0f} ms vs {plain['p50_ms']:.0f} ms)",
                "ok": ratio <= SUBMIT_TARGET,
            }
        )
    else:
        out.append({"target": "our portal submission <= 1.5 x helpdesk_mgmt's", "value": None})
    measured = results["steps"] + results.get("saturated", [])
    for step in measured + ([compare] if compare else []):
        if not step.get("lost_work", {}).get("ok", True):
            out.append(
                {
                    "target": "no lost work",
                    "value": f"{step['topology']} {step['users']} users",
                    "ok": False,
                }
            )
            break
    else:
        out.append({"target": "no lost work", "value": "every step", "ok": True})
    errors = sum(s["summary"]["errors"] for s in measured)
    out.append({"target": "errors: 0", "value": str(errors), "ok": errors == 0})
    return out


def fmt_ms(value):
    return "-" if value is None else f"{value:.0f}"


def step_lines(step):
    """The lines printed for a step."""
    s = step["summary"]
    load = step.get("load") or {}
    cpu = load.get("cpu_percent") or {}
    lines = [
        (
            f"{step['label']}, {step['users']} users"
            f"{', no think time (saturated)' if step.get('saturated') else ''}: "
            f"{s['rps']:.1f} req/s over the "
            f"{s['steady_seconds']:.0f} s after the logins"
            f"{'' if s['all_in'] else ' (NOT every user got in)'}, "
            f"p50 {fmt_ms(s['all']['p50_ms'])} ms, p95 {fmt_ms(s['all']['p95_ms'])} ms; "
            f"{s['errors']} errors"
        )
    ]
    if step.get("settled_seconds", 0) >= 1:
        lines.append(
            f"  waited {step['settled_seconds']:.0f} s before the step for the notices "
            "of the earlier steps' consultations (the cron worker's backlog)"
        )
    if cpu:
        lines.append(
            "  CPU (100 = one core): "
            + ", ".join(f"{k} {v:.0f}" for k, v in cpu.items())
            + f"; busiest Odoo process {load.get('odoo_process_max', 0):.0f}"
        )
    if load.get("run_queue_percent"):
        lines.append(
            "  waiting for a CPU (run queue, 100 = one process all the time): "
            + ", ".join(f"{k} {v:.0f}" for k, v in load["run_queue_percent"].items())
        )
    if load.get("pg_waits"):
        lines.append(
            "  PostgreSQL active sessions (mean): "
            + ", ".join(f"{k} {v:.2f}" for k, v in load["pg_waits"].items())
            + f"; locks waited on: {load.get('pg_lock_waits', 0)} samples"
            + (f" {load['pg_lock_detail']}" if load.get("pg_lock_detail") else "")
        )
    if load.get("listen_overflows") or load.get("nginx_errors"):
        lines.append(
            f"  listen queue overflows (kernel, whole machine): {load.get('listen_overflows', 0)};"
            " nginx upstream errors: "
            + (", ".join(f"{k} x{v}" for k, v in load.get("nginx_errors", {}).items()) or "none")
        )
    lines.append(f"  {'action':<34}{'n':>6}{'err':>5}{'p50 ms':>8}{'p95 ms':>8}")
    for name, a in s["actions"].items():
        lines.append(
            f"  {name:<34}{a['count']:>6}{a['errors']:>5}"
            f"{fmt_ms(a['p50_ms']):>8}{fmt_ms(a['p95_ms']):>8}"
        )
    for kind, count in s["error_kinds"].items():
        lines.append(f"  error x{count}: {kind}")
    lw = step.get("lost_work") or {}
    for db, check in lw.get("databases", {}).items():
        lines.append(
            f"  lost work ({db}): {'none' if check['ok'] else 'FOUND'}: "
            f"{check['acknowledged']} acknowledged, {check['created']} created, "
            f"missing {check['missing'] or 0}, created not acknowledged "
            f"{check['created_not_acknowledged'] or 0}, answer cut by the end "
            f"{len(check['created_answer_cut'])}, duplicate numbers "
            f"{check['duplicate_numbers'] or 0}"
            + (
                f", rounds {check['rounds_created']} (expected {check['rounds_expected']})"
                if "rounds_created" in check
                else ""
            )
        )
    return lines


def table_lines(results):
    """The results table (markdown, as the README shows it)."""
    lines = [
        (
            "| topology | users | req/s | requests | errors | p50 ms | p95 ms "
            "| send p95 ms | answer p95 ms | login p95 ms | lost work |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for step in results["steps"] + results.get("saturated", []):
        s = step["summary"]
        send = s["actions"].get("konsulti: send", {})
        answer = s["actions"].get("konsultan: answer", {})
        login = s["actions"].get("konsulti: log in", {})
        users = f"{step['users']}{' (no think time)' if step.get('saturated') else ''}"
        lines.append(
            f"| {step['label']} | {users} | {s['rps']:.1f} | {s['all']['count']} "
            f"| {s['errors']} | {fmt_ms(s['all']['p50_ms'])} "
            f"| {fmt_ms(s['all']['p95_ms'])} | {fmt_ms(send.get('p95_ms'))} "
            f"| {fmt_ms(answer.get('p95_ms'))} | {fmt_ms(login.get('p95_ms'))} "
            f"| {'none' if step['lost_work']['ok'] else 'FOUND'} |"
        )
    for topo in results.get("not_measured", []):
        lines.append(f"| {topo} | - | not measured (NODES not available) |||||||||")
    return lines


# -------------------------------------------------------------- machinery --
class Setup:
    """Paths, ports and the commands of this machine's production profile."""

    def __init__(self):
        self.db = os.environ.get("SERVE_DB", "ekonsultasi_bench_load")
        self.plain_db = f"{self.db}_plain"
        self.serve_dir = Path(os.environ.get("SERVE_DIR", STATE / "serve" / self.db))
        self.https_port = os.environ.get("HTTPS_PORT", "8643")
        self.plain_port = os.environ.get("PLAIN_PORT", "8680")
        self.out = STATE / "bench"
        self.work = self.out / "load"
        self.work.mkdir(parents=True, exist_ok=True)
        venv = Path(os.environ.get("BENCH_VENV", ROOT / ".venv-bench"))
        self.locust = venv / "bin" / "locust"
        self.nodes_supported = "NODES" in (ROOT / "scripts" / "serve.sh").read_text()
        pw_file = self.out / "load_password"
        if not pw_file.exists():
            pw_file.write_text(secrets.token_urlsafe(18))
            pw_file.chmod(0o600)
        self.password = pw_file.read_text().strip()
        self.serve_user = "ekonsultasi" if os.getuid() == 0 else None

    def env(self, **extra):
        env = dict(os.environ)
        env.update(
            SERVE_DB=self.db,
            SERVE_DIR=str(self.serve_dir),
            HTTPS_PORT=self.https_port,
            PLAIN_PORT=self.plain_port,
            SERVE_DBFILTER=f"^({self.db}|{self.plain_db})$",
        )
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def serve(self, action, **extra):
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "serve.sh"), action], env=self.env(**extra), check=True
        )

    def pg(self):
        pg_dir = (STATE / "pg").resolve()
        port = (pg_dir / "port").read_text().strip()
        psql = max(glob.glob("/usr/lib/postgresql/*/bin/psql"))
        return [psql, "-X", "-q", "-At", "-F", "|", "-h", "127.0.0.1", "-p", port, "-U", "postgres"]

    def sql(self, db, query):
        out = subprocess.run(
            [*self.pg(), "-d", db, "-c", query], capture_output=True, text=True, check=True
        ).stdout
        return [line.split("|") for line in out.splitlines() if line]

    def postmaster_pid(self):
        pid_file = (STATE / "pg").resolve() / "data" / "postmaster.pid"
        return int(pid_file.read_text().split()[0])

    def odoo_cmd(self, *args):
        python = os.environ.get("PYTHON", str(ROOT / ".venv" / "bin" / "python"))
        odoo_bin = subprocess.run(
            [
                python,
                "-c",
                (
                    "import os, odoo.release as r; print(os.path.join(os.path.dirname("
                    "os.path.dirname(os.path.abspath(r.__file__))), 'odoo-bin'))"
                ),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd="/",
        ).stdout.strip()
        cmd = [python, odoo_bin, "-c", str(self.serve_dir / "odoo.conf"), *args]
        return (["runuser", "-u", self.serve_user, "--"] if self.serve_user else []) + cmd

    def ensure_plain_db(self):
        """The database with helpdesk_mgmt only, made once, owned by the
        production role as serve.sh makes its own."""
        if self.exists(self.plain_db):
            state = self.sql(
                self.plain_db, "SELECT state FROM ir_module_module WHERE name = 'helpdesk_mgmt'"
            )
            if state and state[0][0] == "installed":
                return
            self.sql("postgres", f'DROP DATABASE "{self.plain_db}"')
        print(f"creating {self.plain_db} (helpdesk_mgmt only, no demo data)", flush=True)
        self.sql(
            "postgres",
            f'CREATE DATABASE "{self.plain_db}" OWNER ekonsultasi_app TEMPLATE template0 '
            "ENCODING 'UTF8'",
        )
        subprocess.run(
            self.odoo_cmd(
                "-d",
                self.plain_db,
                "-i",
                "helpdesk_mgmt",
                "--without-demo=all",
                "--load-language=id_ID",
                "--stop-after-init",
                "--no-http",
                f"--logfile={self.serve_dir}/log/install-plain.log",
            ),
            check=True,
        )

    def databases(self):
        return (self.db, self.plain_db)

    def filestore(self, db):
        return self.serve_dir / "data" / "filestore" / db

    def exists(self, db):
        return bool(self.sql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"))

    def clone(self, source, target):
        """``target`` made a copy of ``source`` (no one connected to either),
        database and filestore."""
        self.sql("postgres", f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        self.sql(
            "postgres", f'CREATE DATABASE "{target}" TEMPLATE "{source}" OWNER ekonsultasi_app'
        )
        subprocess.run(["rm", "-rf", str(self.filestore(target))], check=True)
        if self.filestore(source).exists():
            subprocess.run(
                ["cp", "-a", str(self.filestore(source)), str(self.filestore(target))], check=True
            )

    def restore_seeded(self):
        """The databases as seeding left them (the server stopped); False
        when there are no copies, and then the databases are dropped, so
        that serve.sh and seeding make them again: what earlier runs left in
        them is not known."""
        copies = [f"{db}_seeded" for db in self.databases()]
        if all(self.exists(copy) for copy in copies):
            for db, copy in zip(self.databases(), copies, strict=True):
                self.clone(copy, db)
            print("databases restored as seeded", flush=True)
            return True
        for db in self.databases():
            if self.exists(db):
                print(f"dropping {db}: no copy of it as seeded", flush=True)
                self.sql("postgres", f'DROP DATABASE "{db}" WITH (FORCE)')
                subprocess.run(["rm", "-rf", str(self.filestore(db))], check=True)
        for stale in self.work.glob("sessions-*.jsonl"):
            stale.unlink()
        return False

    def save_seeded(self):
        """Keep the databases as seeded (the server stopped)."""
        for db in self.databases():
            self.clone(db, f"{db}_seeded")

    def seed(self, db, plain=False):
        """bench/load_seed.py in Odoo's shell on ``db``: returns its JSON."""
        with open(ROOT / "bench" / "load_seed.py", encoding="utf-8") as script:
            out = subprocess.run(
                ["bash", str(ROOT / "scripts" / "serve.sh"), "shell"],
                env=self.env(
                    SERVE_DB=db,
                    BENCH_PASSWORD=self.password,
                    BENCH_PLAIN="1" if plain else "0",
                ),
                stdin=script,
                capture_output=True,
                text=True,
                check=False,
            )
        for line in out.stdout.splitlines():
            if line.startswith("BENCH_USERS_JSON "):
                return json.loads(line.split(" ", 1)[1])
        sys.exit(f"seeding {db} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")

    def cached_users(self):
        """The accounts of an earlier run's seeding (work/users.json), when
        both databases still have them and their password is this one."""
        try:
            data = json.loads((self.work / "users.json").read_text())
            counts = [
                int(self.sql(db, f"SELECT count(*) FROM res_users WHERE login LIKE '{p}%'")[0][0])
                for db, p in (
                    (self.db, "bench_konsulti_"),
                    (self.db, "bench_konsultan_"),
                    (self.plain_db, "bench_konsulti_"),
                )
            ]
        except (OSError, ValueError, KeyError, subprocess.CalledProcessError):
            return None
        expected = [len(data["konsulti"]), len(data["konsultan"]), len(data["plain_konsulti"])]
        same = (data.get("password"), data.get("db")) == (self.password, self.db)
        return data if same and counts == expected else None

    def refresh_answered(self, users_data):
        """The answered consultations of each konsulti, from the database."""
        answered = {}
        for login, ticket_id in self.sql(
            self.db,
            "SELECT u.login, t.id FROM helpdesk_ticket t "
            "JOIN res_users u ON u.partner_id = t.partner_id "
            "WHERE t.ekonsultasi_state = 'answered' AND u.login LIKE 'bench_konsulti_%'",
        ):
            answered.setdefault(login, []).append(int(ticket_id))
        for konsulti in users_data["konsulti"]:
            konsulti["answered"] = answered.get(konsulti["login"], [])


class Psql:
    """One psql session kept open for the sampler's queries: starting psql
    and a PostgreSQL backend for every sample cost more CPU than the query
    (the machine it measures)."""

    END = "__sampler_end__"

    def __init__(self, cmd):
        self.cmd = cmd
        self.proc = None

    def query(self, sql):
        """The rows of ``sql`` (fields split on "|"); [] if psql failed."""
        try:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = subprocess.Popen(
                    self.cmd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
            self.proc.stdin.write(f"{sql};\n\\echo {self.END}\n")
            self.proc.stdin.flush()
            rows = []
            for line in self.proc.stdout:
                line = line.rstrip("\n")
                if line == self.END:
                    return rows
                if line:
                    rows.append(line.split("|"))
        except OSError as exc:
            print(f"sampler: psql failed ({exc}), started again", file=sys.stderr)
        self.close()
        return []

    def close(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


class Sampler(threading.Thread):
    """Samples, every second, the CPU of Odoo, PostgreSQL, nginx and Locust
    (from /proc) and what PostgreSQL's active sessions of the benchmark's
    databases wait for (pg_stat_activity, pg_locks)."""

    def __init__(self, setup, locust_pid):
        super().__init__(daemon=True)
        self.setup = setup
        self.locust_pid = locust_pid
        self.stop_event = threading.Event()
        self.cpu = {}
        self.runq = {}
        self.samples = 0
        self.odoo_max = 0.0
        self.waits = {}
        self.pg_samples = 0
        self.lock_waits = 0
        self.lock_detail = {}
        self.hz = os.sysconf("SC_CLK_TCK")
        self.overflows_start = 0
        self.nginx_log_start = 0
        self.psql = Psql([*setup.pg(), "-d", "postgres"])
        self.cmdlines = {}

    def processes(self):
        procs = {}
        cmdlines = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    stat = f.read()
                # read once per process (by pid and start time): it does not change
                key = (entry, stat[stat.rfind(")") + 2 :].split()[19])
                cmdline = self.cmdlines.get(key)
                if cmdline is None:
                    with open(f"/proc/{entry}/cmdline", "rb") as f:
                        cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
                cmdlines[key] = cmdline
            except (OSError, IndexError):
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            try:  # nanoseconds on a CPU, waiting on a run queue
                with open(f"/proc/{entry}/schedstat", encoding="utf-8") as f:
                    waited = int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                waited = 0
            procs[int(entry)] = (
                int(fields[1]),
                int(fields[11]) + int(fields[12]),
                cmdline,
                waited,
                int(fields[16]),  # nice: Odoo's cron worker runs at 10
            )
        self.cmdlines = cmdlines
        return procs

    def groups(self, procs):
        children = {}
        for pid, (ppid, *_rest) in procs.items():
            children.setdefault(ppid, []).append(pid)

        def tree(roots):
            seen, todo = set(), list(roots)
            while todo:
                pid = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                todo += children.get(pid, [])
            return seen

        serve_dir = str(self.setup.serve_dir)
        odoo_roots = [
            pid
            for pid, (_p, _t, cmd, _w, _n) in procs.items()
            if "odoo-bin" in cmd and serve_dir in cmd
        ]
        odoo = tree(odoo_roots)
        # the cron worker apart: its work (the notices of new consultations,
        # the mail queue) is not in the HTTP workers' requests
        cron = {pid for pid in odoo if procs[pid][4] > 0}
        nginx_pid = []
        try:
            nginx_pid = [int((self.setup.serve_dir / "nginx" / "nginx.pid").read_text())]
        except (OSError, ValueError):  # pylint: disable=except-pass  # missing: skipped
            pass
        try:
            pg_roots = [self.setup.postmaster_pid()]
        except (OSError, ValueError):
            pg_roots = []
        return {
            "odoo": odoo - cron,
            "odoo cron": cron,
            "postgres": tree(pg_roots),
            "nginx": tree(nginx_pid),
            "locust": tree([self.locust_pid]),
        }

    @staticmethod
    def machine():
        with open("/proc/stat", encoding="utf-8") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    def sample_pg(self):
        dbs = f"'{self.setup.db}', '{self.setup.plain_db}'"
        rows = self.psql.query(
            "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'), count(*) "
            f"FROM pg_stat_activity WHERE datname IN ({dbs}) AND state = 'active' "
            "AND pid <> pg_backend_pid() GROUP BY 1",
        )
        for name, count in rows:
            self.waits[name] = self.waits.get(name, 0) + int(count)
        locks = self.psql.query(
            "SELECT l.locktype || ' ' || l.mode || coalesce(' ' || c.relname, ''), count(*) "
            "FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation "
            "WHERE NOT l.granted GROUP BY 1",
        )
        if locks:
            self.lock_waits += 1
        for name, count in locks:
            self.lock_detail[name] = self.lock_detail.get(name, 0) + int(count)
        self.pg_samples += 1

    @staticmethod
    def listen_overflows():
        """The kernel's count of connections dropped because a listen queue
        was full (TcpExt ListenOverflows, the whole machine)."""
        with open("/proc/net/netstat", encoding="utf-8") as f:
            lines = f.read().splitlines()
        for names, values in zip(lines[::2], lines[1::2], strict=False):
            if names.startswith("TcpExt:"):
                return dict(zip(names.split()[1:], map(int, values.split()[1:]), strict=True))[
                    "ListenOverflows"
                ]
        return 0

    def nginx_errors(self):
        """The upstream errors nginx logged since the start, by reason."""
        log = self.setup.serve_dir / "nginx" / "logs" / "error.log"
        reasons = {}
        try:
            with open(log, encoding="utf-8", errors="replace") as f:
                f.seek(self.nginx_log_start)
                for line in f:
                    if "[error]" not in line:
                        continue
                    reason = line.split("] ", 1)[-1].split(", client:", 1)[0]
                    # without the process and connection numbers
                    reason = re.sub(r"^\*\d+ ", "", reason.split(": ", 1)[-1])
                    reasons[reason] = reasons.get(reason, 0) + 1
        except OSError:  # pylint: disable=except-pass  # missing: skipped
            pass
        return reasons

    def run(self):
        self.overflows_start = self.listen_overflows()
        try:
            self.nginx_log_start = (
                (self.setup.serve_dir / "nginx" / "logs" / "error.log").stat().st_size
            )
        except OSError:
            self.nginx_log_start = 0
        before = self.processes()
        machine_before = self.machine()
        last = time.monotonic()
        tick = 0
        while not self.stop_event.wait(1.0):
            now = time.monotonic()
            procs = self.processes()
            machine_now = self.machine()
            elapsed = (now - last) * self.hz
            groups = self.groups(procs)
            for name, pids in groups.items():
                used = sum(procs[p][1] - before[p][1] for p in pids if p in procs and p in before)
                self.cpu[name] = self.cpu.get(name, 0.0) + 100.0 * used / elapsed
                waited = sum(procs[p][3] - before[p][3] for p in pids if p in procs and p in before)
                # waiting for a CPU, in % of the time (100 = one process always waiting)
                self.runq[name] = self.runq.get(name, 0.0) + waited / 1e7 / (now - last)
            for pid in groups["odoo"]:
                if pid in before and pid in procs:
                    share = 100.0 * (procs[pid][1] - before[pid][1]) / elapsed
                    self.odoo_max = max(self.odoo_max, share)
            busy = machine_now[0] - machine_before[0]
            total = machine_now[1] - machine_before[1]
            ncpu = os.cpu_count() or 1
            self.cpu["machine"] = self.cpu.get("machine", 0.0) + (
                100.0 * ncpu * busy / total if total else 0.0
            )
            self.samples += 1
            before, machine_before, last = procs, machine_now, now
            tick += 1
            if tick % 2 == 0:
                self.sample_pg()
        self.psql.close()

    def result(self):
        n = max(self.samples, 1)
        cpu = {k: v / n for k, v in self.cpu.items()}
        known = sum(v for k, v in cpu.items() if k != "machine")
        cpu["others on the machine"] = max(cpu.get("machine", 0.0) - known, 0.0)
        m = max(self.pg_samples, 1)
        top_locks = sorted(self.lock_detail.items(), key=lambda kv: -kv[1])[:3]
        return {
            "cpu_percent": cpu,
            "run_queue_percent": {k: v / n for k, v in self.runq.items()},
            "odoo_process_max": self.odoo_max,
            "pg_waits": {k: v / m for k, v in sorted(self.waits.items(), key=lambda kv: -kv[1])},
            "pg_lock_waits": self.lock_waits,
            "pg_lock_detail": ", ".join(f"{k} ({v})" for k, v in top_locks),
            "listen_overflows": self.listen_overflows() - self.overflows_start,
            "nginx_errors": self.nginx_errors(),
            "samples": self.samples,
        }


class Bench:
    def __init__(self, setup, args):
        self.setup = setup
        self.args = args
        self.locust_proc = None
        self.sessions = setup.work / "sessions.jsonl"

    def db_state(self, db):
        tickets = int(self.setup.sql(db, "SELECT coalesce(max(id), 0) FROM helpdesk_ticket")[0][0])
        has_rounds = self.setup.sql(
            db, "SELECT 1 FROM pg_class WHERE relname = 'helpdesk_ticket_round'"
        )
        rounds = None
        if has_rounds:
            rounds = int(
                self.setup.sql(db, "SELECT coalesce(max(id), 0) FROM helpdesk_ticket_round")[0][0]
            )
        return tickets, rounds

    def lost_work(self, lines, db, before):
        tickets, rounds = before
        key_column = "portal_submission_key" if rounds is not None else "NULL"
        rows = [
            (int(i), k or None)
            for i, k in self.setup.sql(
                db, f"SELECT id, {key_column} FROM helpdesk_ticket WHERE id > {tickets}"
            )
        ]
        rounds_created = None
        if rounds is not None:
            rounds_created = int(
                self.setup.sql(
                    db, f"SELECT count(*) FROM helpdesk_ticket_round WHERE id > {rounds}"
                )[0][0]
            )
        duplicates = [
            r[0]
            for r in self.setup.sql(
                db,
                "SELECT number FROM helpdesk_ticket WHERE number IS NOT NULL "
                "GROUP BY number HAVING count(*) > 1",
            )
        ]
        return check_lost_work(lines, db, rows, rounds_created, duplicates)

    def locust(self, users, seconds, classes, record, users_file, login_only=False, think=None):
        """One Locust run; returns its BENCH_RECORD lines, its end time and
        what the machine did. ``login_only``: the users log in (or resume
        their session) and wait; the run ends once every one is in.
        ``think``: (min, max) seconds between actions, instead of the
        settings'."""
        think_min, think_max = think or (self.args.think_min, self.args.think_max)
        env = dict(os.environ)
        env.update(
            BENCH_USERS=str(users_file),
            BENCH_RECORD=str(record),
            BENCH_SESSIONS=str(self.sessions),
            BENCH_LOGIN_ONLY="1" if login_only else "0",
            THINK_MIN=str(think_min),
            THINK_MAX=str(think_max),
        )
        record.unlink(missing_ok=True)
        # every user started within a fifth of the step (10 s of 50)
        rate = max(users / max(seconds / 5, 1), 1)
        cmd = [
            str(self.setup.locust),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--loglevel",
            "ERROR",
            "-u",
            str(users),
            "-r",
            f"{rate:g}",
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "90",
            "--host",
            f"https://127.0.0.1:{self.setup.https_port}",
            *classes,
        ]
        start = time.time()
        self.locust_proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        sampler = Sampler(self.setup, self.locust_proc.pid)
        sampler.start()
        try:
            while login_only and self.locust_proc.poll() is None:
                time.sleep(1)
                ready = sum(1 for line in read_record(record) if line.get("kind") == "ready")
                if ready >= users:
                    self.locust_proc.terminate()
            _out, err = self.locust_proc.communicate()
        finally:
            sampler.stop_event.set()
            sampler.join()
            if self.locust_proc.poll() is None:  # interrupted
                self.locust_proc.terminate()
                try:
                    self.locust_proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.locust_proc.kill()
                    self.locust_proc.wait()
            self.locust_proc = None
        if "Traceback" in (err or ""):
            print(err[-3000:], file=sys.stderr)
        return read_record(record), start + seconds, sampler.result()

    def settle(self, limit=240):
        """Wait until the notices of the consultations of the earlier steps
        are made (the cron worker's backlog, at most ``limit`` seconds), so
        that a step measures its own load; returns the seconds waited."""
        started = time.time()
        query = "SELECT count(*) FROM helpdesk_ticket WHERE ekonsultasi_notice_pending"
        while time.time() - started < limit:
            if int(self.setup.sql(self.setup.db, query)[0][0]) == 0:
                break
            time.sleep(2)
        else:
            print(f"  notices still pending after {limit} s", flush=True)
        return time.time() - started

    def step(self, topology, label, users, seconds, classes, users_file, dbs, saturate=False):
        """One measured step; ``saturate``: no think time (the throughput)."""
        settled = self.settle()
        before = {db: self.db_state(db) for db in dbs}
        name = f"{topology}-{users}{'-saturated' if saturate else ''}-{'-'.join(classes)}"
        record = self.setup.work / f"{name}.jsonl"
        lines, end, load = self.locust(
            users, seconds, classes, record, users_file, think=(0, 0) if saturate else None
        )
        checks = {db: self.lost_work(lines, db, before[db]) for db in dbs}
        step = {
            "topology": topology,
            "label": label,
            "users": users,
            "saturated": saturate,
            "seconds": seconds,
            "settled_seconds": settled,
            "summary": summarize(lines, end),
            "load": load,
            "lost_work": {"ok": all(c["ok"] for c in checks.values()), "databases": checks},
        }
        print("\n".join(step_lines(step)), flush=True)
        return step

    def warm_up(self, users, users_file):
        """Every user of the steps logs in (or resumes the session of an
        earlier run: a person logs in once a day, not every minute), and
        every worker loads both databases, before the measure."""
        for count, classes in (
            (users, ["Konsulti", "Konsultan"]),
            (self.args.compare_users, ["SendOurs", "SendPlain"]),
        ):
            lines, _end, _load = self.locust(
                count,
                self.args.warmup_seconds,
                classes,
                self.setup.work / "warmup.jsonl",
                users_file,
                login_only=True,
            )
            summary = warmup_summary(lines)
            logins = {
                name: a["count"]
                for name, a in summary["actions"].items()
                if name.endswith((": log in", ": resume session"))
            }
            everyone = "every one" if summary["all_in"] else "NOT every one"
            print(
                f"warm-up, {count} users: {everyone} in"
                f" ({', '.join(f'{k} {v}' for k, v in logins.items())})",
                flush=True,
            )

    def kill_locust(self):
        if self.locust_proc and self.locust_proc.poll() is None:
            self.locust_proc.terminate()


def parse_topology(text):
    nodes, workers = (int(v) for v in text.lower().split("x"))
    return nodes, workers


def topology_label(nodes, workers):
    if nodes == 1:
        return f"1 node x {workers} worker{'s' if workers > 1 else ''}"
    return f"{nodes} nodes x {workers} workers"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    quick = os.environ.get("LOAD_QUICK") == "1"
    env = os.environ.get
    parser.add_argument(
        "--step-seconds", type=int, default=int(env("LOAD_STEP_SECONDS", "15" if quick else "50"))
    )
    parser.add_argument("--users", default=env("LOAD_USERS", "5,10" if quick else "10,50,100"))
    parser.add_argument(
        "--topologies", default=env("LOAD_TOPOLOGIES", "1x1,1x4" if quick else "1x1,1x4,2x2")
    )
    parser.add_argument(
        "--compare-seconds",
        type=int,
        default=int(env("LOAD_COMPARE_SECONDS", "15" if quick else "90")),
    )
    parser.add_argument("--compare-users", type=int, default=int(env("LOAD_COMPARE_USERS", "10")))
    parser.add_argument("--saturate-users", type=int, default=int(env("LOAD_SATURATE_USERS", "20")))
    parser.add_argument(
        "--warmup-seconds",
        type=int,
        default=int(env("LOAD_WARMUP_SECONDS", "120" if quick else "240")),
    )
    parser.add_argument("--think-min", type=float, default=float(env("THINK_MIN", "1")))
    parser.add_argument("--think-max", type=float, default=float(env("THINK_MAX", "5")))
    args = parser.parse_args()
    setup = Setup()
    if not setup.locust.exists():
        sys.exit(f"Locust is not installed in {setup.locust.parent.parent} (bench/run.sh makes it)")
    levels = [int(u) for u in args.users.split(",") if u]
    bench = Bench(setup, args)
    started = time.time()
    results = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),
        "cpus": os.cpu_count(),
        "settings": vars(args),
        "steps": [],
        "saturated": [],
        "compare": None,
        "not_measured": [],
    }

    def on_term(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    running = False
    users_data = None
    try:
        for topology in args.topologies.split(","):
            nodes, workers = parse_topology(topology)
            label = topology_label(nodes, workers)
            if nodes > 1 and not setup.nodes_supported:
                results["not_measured"].append(label)
                print(f"{label}: not measured (NODES not available in scripts/serve.sh)")
                continue
            extra = {"WORKERS": workers}
            # serve.sh keeps the sessions in files with one node, in
            # PostgreSQL (session_db) with more: each store its own list
            bench.sessions = setup.work / f"sessions-{'db' if nodes > 1 else 'file'}.jsonl"
            if setup.nodes_supported:
                extra["NODES"] = nodes
            print(f"\n== {label}: starting the production server", flush=True)
            seeded = setup.restore_seeded()
            running = True
            setup.serve("start", **extra)
            if users_data is None and seeded:
                users_data = setup.cached_users()
            if users_data is None:  # once (the shell takes minutes on a busy machine)
                setup.ensure_plain_db()
                users_data = setup.seed(setup.db)
                plain_data = setup.seed(setup.plain_db, plain=True)
                users_data.update(
                    password=setup.password,
                    db=setup.db,
                    plain_db=setup.plain_db,
                    plain_konsulti=plain_data["konsulti"],
                    plain_topics=plain_data["topics"],
                )
                print("keeping the databases as seeded", flush=True)
                setup.serve("stop", **extra)
                setup.save_seeded()
                setup.serve("start", **extra)
            setup.refresh_answered(users_data)
            users_file = setup.work / "users.json"
            users_file.write_text(json.dumps(users_data))
            bench.warm_up(max(levels + [args.saturate_users]), users_file)
            for users in levels:
                results["steps"].append(
                    bench.step(
                        topology,
                        label,
                        users,
                        args.step_seconds,
                        ["Konsulti", "Konsultan"],
                        users_file,
                        [setup.db],
                    )
                )
            if args.saturate_users:
                results["saturated"].append(
                    bench.step(
                        topology,
                        label,
                        args.saturate_users,
                        args.step_seconds,
                        ["Konsulti", "Konsultan"],
                        users_file,
                        [setup.db],
                        saturate=True,
                    )
                )
            if (nodes, workers) == (1, 4):
                compare = bench.step(
                    topology,
                    label + " (submission: ours vs helpdesk_mgmt)",
                    args.compare_users,
                    args.compare_seconds,
                    ["SendOurs", "SendPlain"],
                    users_file,
                    [setup.db, setup.plain_db],
                )
                results["compare"] = compare
            setup.serve("stop", **extra)
            running = False
    except KeyboardInterrupt:
        print("interrupted: stopping the server", file=sys.stderr)
        bench.kill_locust()
        raise
    finally:
        if running:
            setup.serve("stop")
    results["verdicts"] = verdicts(results)
    results["minutes"] = (time.time() - started) / 60
    print("\n" + "\n".join(table_lines(results)))
    failed = False
    for v in results["verdicts"]:
        if v.get("value") is None:
            print(f"{v['target']:<60}: not measured")
            continue
        verdict = "" if v.get("info") else (" OK" if v["ok"] else " MISSED")
        print(f"{v['target']:<60}: {v['value']}{verdict}")
        failed = failed or not v["ok"]
    print(f"run time: {results['minutes']:.1f} min ({setup.db}, commit {results['commit']})")
    out = setup.out / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    (setup.out / "load-latest.json").write_text(json.dumps(results, indent=1))
    print(f"results: {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Module lifecycle on a throwaway database: install (with the addon's own
Odoo tests), upgrade, uninstall. Each step must exit 0 and log no ERROR or
CRITICAL line. Runs Odoo as subprocesses through scripts/odoo.sh (same
configuration and PostgreSQL as make test). SKIP_LIFECYCLE=1 skips it.
"""

import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
ADDON = "ekonsultasi_addon"
STEP_TIMEOUT = int(os.environ.get("LIFECYCLE_STEP_TIMEOUT", "1800"))
# "2024-11-21 09:10:11,123 4242 ERROR dbname odoo.modules...: message"
BAD_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


def _odoo_importable():
    try:
        from odoo import release
    except ImportError:
        return False
    return release.version_info[0] == 18


pytestmark = [
    pytest.mark.skipif(
        not _odoo_importable(),
        reason="Odoo 18 is not importable: set ODOO_SOURCE=/path/to/odoo and run make test",
    ),
    pytest.mark.skipif(
        os.environ.get("SKIP_LIFECYCLE", "") not in ("", "0"),
        reason="SKIP_LIFECYCLE is set",
    ),
]

UNINSTALL_SCRIPT = f"""
module = env["ir.module.module"].search([("name", "=", "{ADDON}")])
assert module, "module {ADDON} not found"
module.button_immediate_uninstall()
env.cr.commit()
env.cr.execute("SELECT state FROM ir_module_module WHERE name = %s", ["{ADDON}"])
print("LIFECYCLE_STATE=%s" % env.cr.fetchone()[0])
"""


RENAME_STAGES_SCRIPT = f"""
env.ref("{ADDON}.helpdesk_ticket_stage_answered").name = "Sudah dijawab"
env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress").write(
    {{"name": "Dikerjakan", "sequence": 42}}
)
env.cr.commit()
"""
READ_STAGES_SCRIPT = f"""
answered = env.ref("{ADDON}.helpdesk_ticket_stage_answered")
progress = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
print("STAGES=%s|%s|%s" % (answered.name, progress.name, progress.sequence))
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env():
    # the same interpreter as this test run (scripts/lib.sh reads PYTHON)
    return {**os.environ, "PYTHON": os.environ.get("PYTHON") or sys.executable}


def _odoo(*args, stdin=None):
    return subprocess.run(
        ["bash", str(SCRIPTS / "odoo.sh"), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        cwd=ROOT,
        env=_env(),
        check=False,
    )


def _odoo_serving(*args):
    """``_odoo`` for a step that serves HTTP (--test-enable does), on a free
    port. Someone may take the port between its choice and Odoo binding it,
    which Odoo does before touching the database: then again, elsewhere."""
    for _attempt in range(3):
        proc = _odoo(*args, f"--http-port={_free_port()}")
        if "Address already in use" not in (proc.stdout or "") + (proc.stderr or ""):
            break
    return proc


def _check(step, proc):
    output = (proc.stdout or "") + (proc.stderr or "")
    lines = output.splitlines()
    bad = [line for line in lines if BAD_LINE.match(line)]
    if proc.returncode != 0 or bad:
        details = "\n".join(bad) if bad else "\n".join(lines[-60:])
        pytest.fail(
            f"{step}: exit code {proc.returncode}, {len(bad)} ERROR/CRITICAL line(s):\n{details}",
            pytrace=False,
        )
    return output


@pytest.fixture
def throwaway_db():
    name = f"ekonsultasi_lifecycle_{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(
        ["bash", str(SCRIPTS / "dropdb.sh"), name],
        capture_output=True,
        timeout=300,
        env=_env(),
        check=False,
    )


def test_install_upgrade_uninstall(throwaway_db):
    db = throwaway_db
    common = ["-d", db, "--stop-after-init"]
    _check(
        "install (-i, with demo data, --test-enable)",
        _odoo_serving(*common, "-i", ADDON, "--test-enable", f"--test-tags=/{ADDON}"),
    )
    # an administrator renames and reorders stages: an update keeps his choice
    _check(
        "rename stages",
        _odoo("shell", "-d", db, "--no-http", stdin=RENAME_STAGES_SCRIPT),
    )
    _check("upgrade (-u)", _odoo(*common, "-u", ADDON, "--no-http"))
    output = _check(
        "read stages after the upgrade",
        _odoo("shell", "-d", db, "--no-http", stdin=READ_STAGES_SCRIPT),
    )
    assert "STAGES=Sudah dijawab|Dikerjakan|42" in output, output[-3000:]
    output = _check(
        "uninstall (button_immediate_uninstall)",
        _odoo("shell", "-d", db, "--no-http", stdin=UNINSTALL_SCRIPT),
    )
    assert "LIFECYCLE_STATE=uninstalled" in output, output[-3000:]

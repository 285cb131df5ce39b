"""Real Odoo processes on committed data, for the fault tests (issue 12).

A TransactionCase never commits, and the faults that matter happen between
transactions: PostgreSQL restarted under a burst of requests, a scheduled
action killed between two batches, a mail queue run while the mail server is
down. These tests therefore run Odoo in processes of their own:

* ``FaultCluster``: a small PostgreSQL cluster of their own (initdb takes a
  second), never the one the rest of the suite uses, so that it can be
  stopped and started again. It holds ``faults_tpl``, a copy (pg_dump /
  pg_restore) of the harness's test database with the data of
  ``EkonsultasiDataMixin`` committed; each test takes a copy of it
  (``CREATE DATABASE ... TEMPLATE``, instant) with its own filestore.
* ``OdooDb.run(code)``: a Python process with Odoo loaded on that database,
  running ``code`` with ``env`` (superuser), ``data`` (the ids of the shared
  data) and ``emit(value)`` (returns ``value`` to the test, JSON).
* ``OdooDb.server()``: ``python -m odoo`` serving HTTP on a free port.

Importable without pytest; needs the Odoo configuration that pytest-odoo
loaded (``odoo.tools.config``) for the harness database's address.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

import psycopg2

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TEMPLATE = "faults_tpl"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin")
    return found[-1].parent


def _as_pg(cmd, **kwargs):
    """Run a server command as the user postgres when we are root (initdb
    and postgres refuse root), as ourselves otherwise."""
    if os.getuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


class FaultCluster:
    """A private PostgreSQL cluster, on a free port, in a temporary folder."""

    def __init__(self):
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="ekonsultasi-faults-"))
        self.data = self.dir / "data"
        self.sock = self.dir / "run"
        self.sock.mkdir()
        self.port = free_port()
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.sock, "postgres")
        _as_pg(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\nfsync = off\n"
                "synchronous_commit = off\nfull_page_writes = off\n"
            )
        self.start()
        self.sql("postgres", "CREATE ROLE odoo LOGIN CREATEDB", user="postgres")

    # -- server -----------------------------------------------------------
    def start(self):
        _as_pg(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.dir / "postgresql.log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {self.port} -k {self.sock}",
                "start",
            ]
        )

    def stop(self, mode="fast"):
        _as_pg([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def close(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- SQL --------------------------------------------------------------
    def connect(self, db, user="odoo"):
        cnx = psycopg2.connect(host="127.0.0.1", port=self.port, user=user, dbname=db)
        cnx.autocommit = True
        return cnx

    def sql(self, db, query, params=None, user="odoo"):
        cnx = self.connect(db, user=user)
        try:
            with cnx.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if cr.description else None
        finally:
            cnx.close()

    # -- databases --------------------------------------------------------
    def load_template(self, source_conf, source_db, source_filestore):
        """``faults_tpl``: the harness's test database copied here, its
        filestore beside it."""
        dump = self.dir / "source.dump"
        subprocess.run(
            [
                str(self.bin / "pg_dump"),
                "-h",
                source_conf["db_host"] or "127.0.0.1",
                "-p",
                str(source_conf["db_port"]),
                "-U",
                source_conf["db_user"],
                "-Fc",
                "-f",
                str(dump),
                source_db,
            ],
            check=True,
            capture_output=True,
        )
        self.sql("postgres", f'CREATE DATABASE "{TEMPLATE}"')
        subprocess.run(
            [
                str(self.bin / "pg_restore"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "odoo",
                "--no-owner",
                "-d",
                TEMPLATE,
                str(dump),
            ],
            check=True,
            capture_output=True,
        )
        self.template_filestore = self.dir / "tpl-filestore"
        if Path(source_filestore).is_dir():
            shutil.copytree(source_filestore, self.template_filestore)
        else:
            self.template_filestore.mkdir()

    def new_db(self, name, addons_path, data_dir=None):
        """A copy of the template, with a copy of its filestore under
        ``data_dir`` (a new temporary folder by default)."""
        self.sql("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        data_dir = Path(data_dir or tempfile.mkdtemp(prefix="data-", dir=self.dir))
        shutil.copytree(self.template_filestore, data_dir / "filestore" / name, dirs_exist_ok=True)
        return OdooDb(self, name, addons_path, data_dir)


# the preamble of every script run by OdooDb.run
_PREAMBLE = """
import json, sys
import odoo
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2], "--log-level=warn"])
from odoo import api, SUPERUSER_ID
from odoo.modules.registry import Registry
registry = Registry(sys.argv[2])
data = json.loads(sys.argv[3])
def emit(value):
    print("EMIT " + json.dumps(value, default=str), flush=True)
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
"""


class OdooDb:
    """One database of the fault cluster and its Odoo configuration."""

    def __init__(self, cluster, name, addons_path, data_dir):
        self.cluster = cluster
        self.name = name
        self.data_dir = Path(data_dir)
        self.conf = cluster.dir / f"{name}.conf"
        self.conf.write_text(
            "[options]\n"
            "db_host = 127.0.0.1\n"
            f"db_port = {cluster.port}\n"
            "db_user = odoo\n"
            "db_password = False\n"
            f"addons_path = {addons_path}\n"
            f"data_dir = {self.data_dir}\n"
            "http_interface = 127.0.0.1\n"
            "max_cron_threads = 0\n"
            f"dbfilter = ^{name}$\n"
            "list_db = False\n",
            encoding="utf-8",
        )
        self.data = {}

    @property
    def filestore(self):
        return self.data_dir / "filestore" / self.name

    def sql(self, query, params=None):
        return self.cluster.sql(self.name, query, params)

    def script(self, code):
        """The file of a script running ``code`` inside an Odoo
        environment (see the module's docstring)."""
        body = textwrap.indent(textwrap.dedent(code), "    ")
        path = Path(tempfile.mkstemp(suffix=".py", dir=self.cluster.dir)[1])
        path.write_text(_PREAMBLE + body + "\n", encoding="utf-8")
        return path

    def argv(self, code):
        return [
            sys.executable,
            str(self.script(code)),
            str(self.conf),
            self.name,
            json.dumps(self.data),
        ]

    def run(self, code, env=None, timeout=120):
        """Run ``code`` in a new Odoo process; the values it emitted."""
        proc = subprocess.run(
            self.argv(code),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(os.environ, **(env or {})),
            cwd=ROOT,
            check=False,
        )
        if proc.returncode:
            raise RuntimeError(f"Odoo script failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        return [
            json.loads(line[5:]) for line in proc.stdout.splitlines() if line.startswith("EMIT ")
        ]

    def start(self, code, env=None):
        """Start ``code`` in a new Odoo process without waiting for it."""
        return subprocess.Popen(
            self.argv(code),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, **(env or {})),
            cwd=ROOT,
        )

    def server(self, workers=0):
        return OdooServer(self, workers=workers)

    def drop(self):
        with contextlib.suppress(psycopg2.Error):
            self.cluster.sql("postgres", f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.filestore, ignore_errors=True)


class OdooServer:
    """``python -m odoo`` serving this database over HTTP on a free port."""

    def __init__(self, db, workers=0):
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = db.cluster.dir / f"{db.name}-server.log"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                "-c",
                str(db.conf),
                "-d",
                db.name,
                "--http-port",
                str(self.port),
                "--gevent-port",
                str(free_port()),
                "--workers",
                str(workers),
                "--log-level=warn",
                f"--logfile={self.log}",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_ready()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo stopped at start-up, see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Odoo did not answer in {timeout} s, see {self.log}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# the shared data of the Odoo tests, committed in the template
SETUP_TEMPLATE = """
sys.path.insert(0, %(tests)r)
from ekonsultasi_common import EkonsultasiDataMixin
class Data(EkonsultasiDataMixin):
    pass
Data.env = env
Data.setup_ekonsultasi_data()
Data.setup_working_calendar()
env["ir.config_parameter"].set_param("web.base.url", "http://127.0.0.1")
# the konsulti reads Indonesian (the messages of the faults are checked in it)
env["res.lang"]._activate_lang("id_ID")
env["ir.module.module"]._load_module_terms(["ekonsultasi_addon"], ["id_ID"])
(Data.konsulti | Data.konsulti_nagari | Data.konsulti_other).write({"lang": "id_ID"})
cr.commit()
emit({
    name: getattr(Data, name).id
    for name in (
        "company", "agency_insp", "agency_bkad", "konsultan_1", "konsultan_2",
        "konsultan_bkad", "inspektur", "administrator", "konsulti",
        "konsulti_nagari", "konsulti_other", "team_insp", "team_bkad",
        "cat_insp", "topic_tlhp", "cat_bkad", "topic_aset", "calendar",
    )
})
"""


def make_cluster(source_conf, source_db):
    """The fault cluster with ``faults_tpl`` ready; returns (cluster, ids)."""
    cluster = FaultCluster()
    try:
        filestore = Path(source_conf["data_dir"]) / "filestore" / source_db
        cluster.load_template(source_conf, source_db, filestore)
        addons_path = source_conf["addons_path"]
        # the template is set up through a database of the same name
        tpl = OdooDb(cluster, TEMPLATE, addons_path, cluster.dir / "tpl-data")
        tpl.data_dir.mkdir(exist_ok=True)
        (tpl.data_dir / "filestore").mkdir(exist_ok=True)
        if cluster.template_filestore.exists():
            shutil.copytree(cluster.template_filestore, tpl.filestore, dirs_exist_ok=True)
        (ids,) = tpl.run(SETUP_TEMPLATE % {"tests": str(HERE)})
        # what the set-up wrote to the filestore is part of the template
        shutil.rmtree(cluster.template_filestore, ignore_errors=True)
        shutil.copytree(tpl.filestore, cluster.template_filestore)
        cluster.addons_path = addons_path
        return cluster, ids
    except BaseException:
        cluster.close()
        raise


class PortalClient:
    """A konsulti's browser on an ``OdooServer``: logs in, posts the
    new-consultation form with its CSRF token, as the portal page does."""

    def __init__(self, server, login, password=None):
        import requests

        self.server = server
        self.session = requests.Session()
        self.login = login
        # odoo.tests.new_test_user's password: the login padded to 8 characters
        self.password = password or login + "x" * (8 - len(login))
        self.sign_in()

    def _hidden(self, path):
        """The hidden inputs of the page ``path`` (CSRF token, form key)."""
        import re

        page = self.session.get(self.server.url + path, timeout=30)
        page.raise_for_status()
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
        if "csrf_token" not in hidden:
            raise AssertionError(f"no CSRF token on {path}")
        return hidden

    def _token(self, path):
        return self._hidden(path)["csrf_token"]

    def sign_in(self):
        resp = self.session.post(
            self.server.url + "/web/login",
            data={
                "login": self.login,
                "password": self.password,
                "csrf_token": self._token("/web/login"),
            },
            allow_redirects=False,
            timeout=30,
        )
        if resp.status_code not in (302, 303):
            import re

            alerts = re.findall(r'class="alert alert-danger"[^>]*>\s*([^<]+)', resp.text)
            raise AssertionError(f"login of {self.login} refused ({resp.status_code}): {alerts}")

    def form_token(self):
        return self._token("/new/ticket")

    def new_form(self):
        """The hidden inputs of a new-consultation form (CSRF token and the
        form's key), as the page gives them."""
        return self._hidden("/new/ticket")

    def submit(self, data, files=None, token=None, form=None):
        """POST the form (a new one unless ``form`` is given: the hidden
        inputs of a form page); the response, redirects not followed."""
        hidden = dict(form or {})
        if token:
            hidden["csrf_token"] = token
        if "csrf_token" not in hidden:
            hidden.update(self.new_form())
        return self.session.post(
            self.server.url + "/submitted/ticket",
            data=dict(data, **hidden),
            files=files,
            allow_redirects=False,
            timeout=60,
        )

"""Real databases for the backup tests: a source database copied from the
test database (committed data, unlike a TransactionCase's), a second
PostgreSQL cluster to restore into, and the comparison of tables and files.
"""

import base64
import glob
import hashlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from unittest.mock import patch

import psycopg2
import requests
from psycopg2 import sql

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tools import config

ROOT = Path(__file__).resolve().parent.parent.parent
RESTORE = ROOT / "scripts" / "restore.sh"
KEY_OPTION = "ekonsultasi_backup_key_file"


def pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin")
    return found[-1]


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sha256(path):
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def connect(dbname, port=None, host=None):
    return psycopg2.connect(
        dbname=dbname,
        host=host or config["db_host"] or "127.0.0.1",
        port=port or config["db_port"],
        user=config["db_user"],
        password=config["db_password"] or None,
    )


def table_rows(conn, table):
    """Every row of ``table``, every column, in id order."""
    with conn.cursor() as cr:
        cr.execute(sql.SQL("SELECT * FROM {} ORDER BY id").format(sql.Identifier(table)))
        columns = [col.name for col in cr.description]
        return columns, cr.fetchall()


def attachment_files(conn, filestore):
    """{attachment id: (store_fname, checksum, sha256 of its file or None)}."""
    with conn.cursor() as cr:
        cr.execute(
            "SELECT id, store_fname, checksum FROM ir_attachment"
            " WHERE store_fname IS NOT NULL ORDER BY id"
        )
        rows = cr.fetchall()
    out = {}
    for att_id, fname, checksum in rows:
        path = os.path.join(filestore, fname)
        out[att_id] = (fname, checksum, sha256(path) if os.path.exists(path) else None)
    return out


def sha1_ok(filestore, fname, checksum):
    path = os.path.join(filestore, fname)
    if not os.path.exists(path):
        return False
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha1").hexdigest() == checksum


# --------------------------------------------------------------------------
class SourceDatabase:
    """A copy of the test database (``CREATE DATABASE ... TEMPLATE``, a file
    copy: well under a second) with its filestore, and its registry."""

    def __init__(self, prefix):
        self.template = config["db_name"].split(",")[0]
        self.name = f"{prefix}_{secrets.token_hex(3)}"
        # the template may have no other session: close the pooled
        # connections of pytest-odoo (between tests, none is in use)
        odoo.sql_db.close_db(self.template)
        conn = connect("postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                for attempt in range(20):
                    try:
                        cr.execute(
                            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                                sql.Identifier(self.name), sql.Identifier(self.template)
                            )
                        )
                        break
                    except psycopg2.errors.ObjectInUse:
                        if attempt == 19:
                            raise
                        odoo.sql_db.close_db(self.template)
                        time.sleep(0.2)
        finally:
            conn.close()
        src = config.filestore(self.template)
        if os.path.isdir(src):
            shutil.copytree(src, self.filestore)
        # with test_enable, loading a registry runs the at_install tests
        with patch.dict(config.options, {"test_enable": False}):
            self.registry = Registry(self.name)

    @property
    def filestore(self):
        return config.filestore(self.name)

    def env(self, cr):
        return api.Environment(cr, odoo.SUPERUSER_ID, {})

    def drop(self):
        """The disaster: the database and its filestore are gone."""
        Registry.delete(self.name)
        odoo.sql_db.close_db(self.name)
        conn = connect("postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.name)
                    )
                )
        finally:
            conn.close()
        shutil.rmtree(self.filestore, ignore_errors=True)


class Cluster:
    """A new PostgreSQL cluster (initdb) on a free port, as Diskominfo's new
    machine: run as the user postgres when the tests run as root."""

    def __init__(self):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="ekonsultasi-restore-pg-")
        self.port = free_port()
        self.root = os.getuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self._pg("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C.UTF-8")  # fmt: skip
        self._pg(
            "pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )  # fmt: skip
        conn = psycopg2.connect(
            dbname="postgres", host="127.0.0.1", port=self.port, user="postgres"
        )
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(config["db_user"]))
            )
        conn.close()
        self.data_dir = tempfile.mkdtemp(prefix="ekonsultasi-restore-data-")

    def _pg(self, tool, *args):
        cmd = [os.path.join(self.bin, tool), *args]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True)

    def odoo_conf(self, path):
        """An odoo.conf of the new service: this cluster, an empty data_dir."""
        Path(path).write_text(
            "[options]\n"
            "db_host = 127.0.0.1\n"
            f"db_port = {self.port}\n"
            f"db_user = {config['db_user']}\n"
            "db_password = False\n"
            f"addons_path = {config['addons_path']}\n"
            f"data_dir = {self.data_dir}\n"
            "admin_passwd = restore-test\n"
            "max_cron_threads = 0\n"
        )
        return path

    def filestore(self, dbname):
        return os.path.join(self.data_dir, "filestore", dbname)

    def connect(self, dbname):
        return connect(dbname, port=self.port, host="127.0.0.1")

    def stop(self):
        try:
            self._pg("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
            shutil.rmtree(self.data_dir, ignore_errors=True)


def restore(backup, key, conf, dbname, timeout=600):
    """scripts/restore.sh, as Diskominfo runs it."""
    return subprocess.run(
        ["bash", str(RESTORE), str(backup), "--key", key, "-c", conf, "-d", dbname],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def new_key(directory):
    path = os.path.join(directory, "backup.key")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
        file.write(secrets.token_urlsafe(32))
    return path


def pdf_bytes(label):
    """A small PDF-looking payload, distinct per label."""
    return b"%PDF-1.4\n% " + label.encode() + b"\n" + secrets.token_bytes(2048) + b"\n%%EOF\n"


def add_decree_team(env, data, decree):
    Partner = env["res.partner"]
    members = [
        ("penanggung_jawab", Partner.create({"name": "Bupati", "jabatan_name": "Bupati"})),
        ("ketua", data.inspektur.partner_id),
        ("konsultan", data.konsultan_1.partner_id),
        ("administrator", data.administrator.partner_id),
    ]
    return env["ekonsultasi.tim.pengelola"].create(
        {
            "decree_number": "188.45/12/KPTS-BPT-2026",
            "decree_date": "2026-01-02",
            "date_start": "2026-01-02",
            "decree_file": base64.b64encode(decree),
            "decree_filename": "sk-tim-pengelola.pdf",
            "member_ids": [
                Command.create({"role": role, "partner_id": partner.id})
                for role, partner in members
            ],
        }
    )


def add_simpeg_runs(env):
    ldap = env["res.company.ldap"].create(
        {
            "company": env.company.id,
            "ldap_server": "simpeg.example.go.id",
            "ldap_server_port": 636,
            "ldap_base": "ou=pegawai,dc=example,dc=go,dc=id",
            "ldap_filter": "(uid=%s)",
            "ldap_password": "bind-secret",
        }
    )
    Run = env["ekonsultasi.simpeg.sync.run"]
    runs = Run.create(
        [
            {"ldap_id": ldap.id, "state": "done", "seen_count": 3, "created_count": 2},
            {"ldap_id": ldap.id, "state": "failed", "error_message": "directory down"},
        ]
    )
    env["ekonsultasi.simpeg.sync.line"].create(
        [
            {"run_id": runs[0].id, "kind": "create", "login": "198001012005011001"},
            {"run_id": runs[0].id, "kind": "create", "login": "198202022006022002"},
            {"run_id": runs[0].id, "kind": "warning", "login": "x", "message": "no NIP"}
            if "message" in env["ekonsultasi.simpeg.sync.line"]._fields
            else {"run_id": runs[0].id, "kind": "warning", "login": "x"},
        ]
    )
    return runs


class SftpServer:
    """OpenSSH's sshd on a free port of 127.0.0.1, for the user running the
    tests, with a key of its own (RSA: pysftp reads RSA or DSS keys) and the
    host key in a known_hosts of a HOME of its own, as the Odoo user's."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ekonsultasi-sftp-")
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.port = free_port()
        self.home = os.path.join(self.dir, "home")
        os.makedirs(os.path.join(self.home, ".ssh"))
        self.host_key = os.path.join(self.dir, "host_ed25519")
        self.client_key = os.path.join(self.dir, "client_rsa")
        keygen = ["ssh-keygen", "-q", "-N", ""]
        subprocess.run([*keygen, "-t", "ed25519", "-f", self.host_key], check=True)
        subprocess.run([*keygen, "-t", "rsa", "-b", "2048", "-m", "PEM", "-f", self.client_key],
                       check=True)  # fmt: skip
        shutil.copy(self.client_key + ".pub", os.path.join(self.dir, "authorized_keys"))
        with open(self.host_key + ".pub") as pub:
            kind, key = pub.read().split()[:2]
        with open(os.path.join(self.home, ".ssh", "known_hosts"), "w") as known:
            known.write(f"127.0.0.1 {kind} {key}\n")
        config_file = os.path.join(self.dir, "sshd_config")
        with open(config_file, "w") as conf:
            conf.write(
                f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.host_key}\n"
                f"PidFile {self.dir}/sshd.pid\n"
                f"AuthorizedKeysFile {self.dir}/authorized_keys\n"
                "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                "PubkeyAuthentication yes\nPermitRootLogin prohibit-password\n"
                "UsePAM no\nStrictModes no\nSubsystem sftp internal-sftp\n"
            )
        if os.getuid() == 0:
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation
        self.process = subprocess.Popen(
            [shutil.which("sshd") or "/usr/sbin/sshd", "-D", "-e", "-f", config_file],
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.dir, "sshd.log"), "w"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with closing(socket.socket()) as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("sshd did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def sshd_available():
    return bool(
        (shutil.which("sshd") or os.path.exists("/usr/sbin/sshd")) and shutil.which("ssh-keygen")
    )


@contextmanager
def serve(conf, dbname, log):
    """Odoo serving ``dbname`` over HTTP on a free port (the service back on
    its new machine); yields its base URL."""
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "odoo", "-c", conf, "-d", dbname, f"--db-filter=^{dbname}$",
             "--http-interface=127.0.0.1", f"--http-port={port}", "--max-cron-threads=0",
             f"--logfile={log}"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with suppress(requests.ConnectionError):  # not listening yet
                if requests.get(f"{url}/web/login", timeout=10).status_code == 200:
                    break
            if process.poll() is not None:
                raise RuntimeError(f"Odoo stopped (exit {process.returncode}), see {log}")
            time.sleep(0.2)
        else:
            raise RuntimeError(f"Odoo did not answer on {url} in 120 s, see {log}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def portal_login(url, login, password):
    """A requests session logged in through /web/login, as a browser."""
    session = requests.Session()
    page = session.get(f"{url}/web/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{url}/web/login",
        data={"login": login, "password": password, "csrf_token": token},
        timeout=60,
    )
    response.raise_for_status()
    return session

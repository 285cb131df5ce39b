"""Benchmark: a backup of the service and its restore (issue 12).

A copy of the benchmark database (``CREATE DATABASE ... TEMPLATE``) gets N
consultation files of S KiB of random bytes (default 500 x 200 KiB, 100 MiB:
PDF scans do not compress either), then:

1. Odoo's own ``dump_db`` (zip: dump and filestore, not encrypted, not
   consistent), the baseline;
2. our backup (``db.backup`` with the e-konsultasi format: one snapshot,
   every file checked against its SHA-1, zip, GnuPG AES-256, SHA-256);
   target: within 2 x of 1;
3. ``scripts/restore.sh`` of that backup into a new database of the same
   PostgreSQL (another data_dir), every file checked.

The copy is dropped at the end. Run it with ``make bench`` or
    python3 bench/bench_backup.py -c .state/odoo.conf --template ekonsultasi_bench
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its result

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

import psycopg2
from psycopg2 import sql

import odoo
from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.service import db as db_service
from odoo.tools import config

ROOT = Path(__file__).resolve().parent.parent


def admin_cursor():
    _name, info = sql_db.connection_info_for("postgres")
    cnx = psycopg2.connect(**info)
    cnx.autocommit = True
    return cnx


def drop(name):
    cnx = admin_cursor()
    with cnx.cursor() as cr:
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    cnx.close()
    shutil.rmtree(config.filestore(name), ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--template", default="ekonsultasi_bench")
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--kib", type=int, default=200)
    args = parser.parse_args()
    config.parse_config(["-c", args.config])
    config["list_db"] = True
    name = f"{args.template}_backup_{secrets.token_hex(3)}"
    work = tempfile.mkdtemp(prefix="ekonsultasi-bench-backup-")
    key = os.path.join(work, "backup.key")
    with open(os.open(key, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
        file.write(secrets.token_urlsafe(32))
    restored = f"{name}_restored"
    restore_dir = os.path.join(work, "data")
    try:
        cnx = admin_cursor()
        with cnx.cursor() as cr:
            cr.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(args.template)
                )
            )
        cnx.close()
        if os.path.isdir(config.filestore(args.template)):
            shutil.copytree(config.filestore(args.template), config.filestore(name))
        registry = Registry(name)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.attachment"].create(
                [
                    {
                        "name": f"scan-{i}.pdf",
                        "raw": os.urandom(args.kib * 1024),
                        "res_model": "res.partner",
                        "res_id": env.user.partner_id.id,
                    }
                    for i in range(args.files)
                ]
            )
            cr.execute(
                "SELECT count(*), sum(file_size) FROM ir_attachment WHERE store_fname IS NOT NULL"
            )
            count, total = cr.fetchone()
        print(f"{count} files, {total / 2**20:.0f} MiB in the filestore")

        start = time.perf_counter()
        with open(os.path.join(work, "odoo.zip"), "wb") as out:
            db_service.dump_db(name, out)
        odoo_time = time.perf_counter() - start
        odoo_size = os.path.getsize(os.path.join(work, "odoo.zip"))
        print(
            f"1. Odoo dump_db (zip, clear):       {odoo_time:6.2f} s, {odoo_size / 2**20:6.1f} MiB"
        )

        folder = os.path.join(work, "target")
        with patch.dict(config.options, {"ekonsultasi_backup_key_file": key}):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                dest = env["db.backup"].create(
                    {"folder": folder, "method": "local", "backup_format": "ekonsultasi"}
                )
            start = time.perf_counter()
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                run = env["db.backup"].browse(dest.id)._ekonsultasi_backup()
                state, filename, size = run.state, run.filename, run.size
        ours = time.perf_counter() - start
        print(
            f"2. our backup (one snapshot, gpg):  {ours:6.2f} s, {size / 2**20:6.1f} MiB "
            f"({ours / odoo_time:.2f} x Odoo's; {state})"
        )
        conf = os.path.join(work, "odoo.conf")
        with open(conf, "w") as file:
            file.write(
                f"[options]\ndb_host = {config['db_host'] or '127.0.0.1'}\n"
                f"db_port = {config['db_port']}\ndb_user = {config['db_user']}\n"
                f"addons_path = {config['addons_path']}\ndata_dir = {restore_dir}\n"
            )
        start = time.perf_counter()
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "restore.sh"), os.path.join(folder, filename),
             "--key", key, "-c", conf, "-d", restored],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        restore_time = time.perf_counter() - start
        print(
            f"3. restore.sh (decrypt, load, check): {restore_time:6.2f} s "
            f"(exit {result.returncode})"
        )
        if result.returncode:
            print(result.stdout + result.stderr)
        ok = state == "done" and result.returncode == 0 and ours <= 2 * odoo_time
        print("target (done, restored, within 2 x of Odoo's dump_db):", "met" if ok else "MISSED")
        return 0 if ok else 1
    finally:
        Registry.delete(name)
        odoo.sql_db.close_db(name)
        drop(name)
        drop(restored)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

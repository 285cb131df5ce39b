#!/usr/bin/env python3
"""Restore an e-konsultasi backup (``<db>_<date>.zip.gpg``) into a database
of the PostgreSQL and the data_dir named by an odoo.conf.

    scripts/restore.sh BACKUP --key KEY_FILE -c ODOO_CONF [-d DB] [--neutralize]

Steps (each one says what it does; nothing is changed silently):
 1. checks the backup against its ``.sha256`` file, when present;
 2. decrypts it with GnuPG and the key file (a wrong key or a damaged file
    stops here);
 3. checks that the backup was made by the same Odoo major version;
 4. Odoo's own ``restore_db``: creates the database, loads ``dump.sql``,
    puts ``filestore/`` in place, loads the registry. The database keeps its
    identity (database.uuid, web.base.url, secret): it is the same service,
    not a copy. ``--neutralize`` (for a test copy only) disables outgoing
    mail, scheduled actions and LDAP as Odoo's ``neutralize`` does;
 5. checks every attachment row against its file (present, SHA-1 equal to
    its checksum) and prints the counts;
 6. writes the configuration kept in the backup (secrets REDACTED) next to
    the given odoo.conf as ``<db>.odoo.conf.from-backup``, for comparison.

Exit status 0 only when every step succeeded.
"""
# pylint: disable=print-used  # a command-line tool: what it prints is its report

import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_backup_lib():
    """ekonsultasi_addon/lib/backup.py (Odoo-free), loaded by its path: the
    lib folder on sys.path would shadow modules of the same names."""
    path = ROOT / "ekonsultasi_addon" / "lib" / "backup.py"
    spec = importlib.util.spec_from_file_location("ekonsultasi_backup_lib", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


backup_lib = _load_backup_lib()


def say(text):
    print(f"[restore] {text}", flush=True)


def fail(text):
    print(f"[restore] ERROR: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


def check_sidecar(backup):
    sidecar = Path(str(backup) + backup_lib.CHECKSUM_SUFFIX)
    if not sidecar.is_file():
        say(f"no {sidecar.name}: checksum of the file not checked (GnuPG still checks it)")
        return
    expected = sidecar.read_text().split()[0]
    actual = backup_lib.sha256_file(backup)
    if actual != expected:
        fail(f"{backup.name}: SHA-256 {actual} differs from {sidecar.name} ({expected})")
    say(f"1. SHA-256 matches {sidecar.name}: {actual}")


def verify_attachments(dbname):
    """(rows with a file, problems) of the restored database."""
    import odoo

    filestore = odoo.tools.config.filestore(dbname)
    problems = []
    db = odoo.sql_db.db_connect(dbname)
    with db.cursor() as cr:
        cr.execute(
            "SELECT id, store_fname, checksum FROM ir_attachment"
            " WHERE store_fname IS NOT NULL ORDER BY id"
        )
        rows = cr.fetchall()
    for att_id, fname, checksum in rows:
        path = os.path.join(filestore, fname)
        try:
            with open(path, "rb") as file:
                digest = hashlib.file_digest(file, "sha1").hexdigest()
        except FileNotFoundError:
            problems.append(f"attachment {att_id}: file {fname} missing")
            continue
        if digest != checksum:
            problems.append(f"attachment {att_id}: file {fname} differs from its checksum")
    return len(rows), problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backup", type=Path, help="the .zip.gpg backup file")
    parser.add_argument("--key", required=True, help="the backup key file")
    parser.add_argument("-c", "--config", required=True, help="odoo.conf of the new service")
    parser.add_argument("-d", "--database", help="database name (default: the backed up one)")
    parser.add_argument(
        "--neutralize",
        action="store_true",
        help="a test copy: no outgoing mail, no scheduled actions, no LDAP",
    )
    args = parser.parse_args()
    if not args.backup.is_file():
        fail(f"{args.backup}: no such file")

    check_sidecar(args.backup)
    with tempfile.TemporaryDirectory(prefix="ekonsultasi-restore-") as work:
        archive = os.path.join(work, "backup.zip")
        try:
            backup_lib.decrypt_file(str(args.backup), archive, args.key)
        except backup_lib.BackupKeyError as exc:
            fail(str(exc))
        except subprocess.CalledProcessError as exc:
            fail(f"gpg could not decrypt {args.backup.name}: {exc.stderr.decode().strip()}")
        say(f"2. decrypted ({os.path.getsize(archive)} bytes)")
        with zipfile.ZipFile(archive) as zfile:
            manifest = json.loads(zfile.read("manifest.json"))
            ours = json.loads(zfile.read("ekonsultasi_backup.json"))
            conf = (
                zfile.read("config/odoo.conf") if "config/odoo.conf" in zfile.namelist() else None
            )

        import odoo
        from odoo.service import db as db_service

        odoo.tools.config.parse_config(["-c", args.config])
        odoo.tools.config["list_db"] = True  # restore_db needs the db manager
        if manifest["major_version"] != odoo.release.major_version:
            fail(
                f"backup of Odoo {manifest['major_version']}, "
                f"this Odoo is {odoo.release.major_version}"
            )
        dbname = args.database or ours["database"]
        say(
            f"3. backup of {ours['database']} made {ours['date']} UTC by Odoo "
            f"{manifest['version']} (PostgreSQL {manifest['pg_version']})"
        )
        if ours["missing_files"]:
            say(
                f"   WARNING: {len(ours['missing_files'])} attachment files were already "
                f"missing or damaged when the backup was made: {ours['missing_files']}"
            )
        if db_service.exp_db_exist(dbname):
            fail(f"database {dbname} exists: choose another name (-d) or drop it first")
        say(
            f"4. restoring into database {dbname} on "
            f"{odoo.tools.config['db_host'] or 'local socket'}:{odoo.tools.config['db_port']}"
            + (" (NEUTRALIZED: no mail, no cron, no LDAP)" if args.neutralize else "")
        )
        db_service.restore_db(dbname, archive, copy=False, neutralize_database=args.neutralize)
    count, problems = verify_attachments(dbname)
    for problem in problems:
        say(f"   {problem}")
    if problems:
        fail(f"5. {len(problems)} of {count} attachment files are missing or damaged")
    say(f"5. {count} attachment files present, each equal to its checksum")
    if conf is not None:
        target = Path(args.config).resolve().parent / f"{dbname}.odoo.conf.from-backup"
        target.write_bytes(conf)
        say(f"6. configuration of the backed up server (secrets REDACTED): {target}")
    say(f"done: database {dbname} restored")


if __name__ == "__main__":
    main()

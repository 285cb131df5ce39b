"""Backups (issue 12; Pesisir Selatan Pasal 23, Solok Pasal 20): a backup
made by the scheduled job's code, the database and the filestore destroyed,
the backup restored with scripts/restore.sh into a new PostgreSQL cluster,
and every record and every file compared; a backup of the previous release
restored and upgraded with ``-u``.

The data must be committed for pg_dump to see it: the tests work on a copy
of the test database (backup_common.SourceDatabase), not in a
TransactionCase's transaction."""

import datetime as dt
import hashlib
import html
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zipfile
from unittest.mock import patch

import pytest
from backup_common import (
    KEY_OPTION,
    Cluster,
    SftpServer,
    SourceDatabase,
    add_decree_team,
    add_simpeg_runs,
    attachment_files,
    connect,
    new_key,
    pdf_bytes,
    portal_login,
    restore,
    serve,
    sha1_ok,
    sha256,
    sshd_available,
    table_rows,
)
from ekonsultasi_common import EkonsultasiCase, EkonsultasiDataMixin, wib
from freezegun import freeze_time
from markupsafe import Markup
from psycopg2 import sql

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import config, file_path, mute_logger

from odoo.addons.base.models.ir_attachment import IrAttachment
from odoo.addons.ekonsultasi_addon.lib import backup as backup_lib
from odoo.addons.ekonsultasi_addon.models.db_backup import DbBackup

# the models of the issue, and the accounts and partners they point to
TABLES = (
    "helpdesk_ticket",
    "helpdesk_ticket_round",
    "helpdesk_ticket_sla",
    "mail_message",
    "mail_followers",
    "ir_attachment",
    "ekonsultasi_tim_pengelola",
    "ekonsultasi_tim_pengelola_member",
    "ekonsultasi_simpeg_sync_run",
    "ekonsultasi_simpeg_sync_line",
    "res_users",
    "res_partner",
    "res_company_ldap",
)
PREVIOUS_VERSION = "18.0.1.2.0"  # the release before migrations/18.0.1.2.1


def fill(env):
    """Consultations with two rounds, answers and messages with attachments,
    SLA lines, a tim pengelola with its decree scan, SIMPEG sync runs.
    Returns the data holder (EkonsultasiDataMixin's attributes)."""

    class Data(EkonsultasiDataMixin):
        pass

    Data.env = env
    Data.setup_ekonsultasi_data()
    Data.setup_working_calendar(years=(2026,))
    konsulti = Data.konsulti.partner_id
    for i in range(4):
        ticket = Data.consult_at(
            wib(2026, 3, 2 + i, 9, 0),
            konsulti,
            name=f"Tindak lanjut temuan {i}",
            attachment_ids=[
                (
                    0,
                    0,
                    {
                        "name": f"lampiran-{i}.pdf",
                        "res_model": "helpdesk.ticket",
                        "raw": pdf_bytes(f"question {i}"),
                    },
                )
            ],
        )
        with freeze_time(wib(2026, 3, 3 + i, 10, 0)):
            Data.answer(
                ticket,
                Data.konsultan_1,
                body=f"<p>Jawaban {i}</p>",
                attachments=[(f"jawaban-{i}.pdf", pdf_bytes(f"answer {i}"))],
            )
            env.flush_all()
        if i % 2:
            with freeze_time(wib(2026, 3, 9, 14, 0)):
                ticket.action_resubmit("Mohon dasar hukumnya.")
                env.flush_all()
            ticket.message_post(
                body=Markup("<p>Dokumen tambahan</p>"),
                author_id=konsulti.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=[(f"tambahan-{i}.pdf", pdf_bytes(f"more {i}"))],
            )
    add_decree_team(env, Data, pdf_bytes("Keputusan Bupati"))
    add_simpeg_runs(env)
    env.flush_all()
    return Data


class BackupFixture:
    """A source database filled with committed data, a backup folder and a
    key file kept apart from it, the key's path in the configuration."""

    @classmethod
    def make_source(cls, prefix):
        cls.tmp = tempfile.mkdtemp(prefix="ekonsultasi-backup-test-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.folder = os.path.join(cls.tmp, "target")
        cls.key = new_key(cls.tmp)
        cls.config_patch = patch.dict(config.options, {KEY_OPTION: cls.key})
        cls.config_patch.start()
        cls.addClassCleanup(cls.config_patch.stop)
        cls.source = SourceDatabase(prefix)
        cls.addClassCleanup(cls.source.drop)

    @classmethod
    def destination(cls, env, **values):
        return env["db.backup"].create(
            {"folder": cls.folder, "method": "local", "backup_format": "ekonsultasi", **values}
        )

    @classmethod
    def backup(cls, folder=None, **values):
        """One backup to ``folder`` by the scheduled job's code; its run."""
        folder = folder or cls.folder
        with cls.source.registry.cursor() as cr:  # committed before the backup
            env = cls.source.env(cr)
            if not env["db.backup"].search([("folder", "=", folder)]):
                cls.destination(env, folder=folder, **values)
        with cls.source.registry.cursor() as cr:
            env = cls.source.env(cr)
            dest = env["db.backup"].search([("folder", "=", folder)])
            dest.action_backup()
            run = dest.ekonsultasi_run_ids[:1]
            result = run.read(["state", "filename", "sha256", "size", "message"])[0]
        return result


class TestBackupRestore(BackupFixture, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_source("ekonsultasi_bk_src")
        with cls.source.registry.cursor() as cr:
            fill(cls.source.env(cr))
        cls.new_run = cls.backup()
        # what was there when the backup was made (its own run row apart)
        conn = connect(cls.source.name)
        with conn:
            cls.before = {table: table_rows(conn, table) for table in TABLES}
            cls.files_before = attachment_files(conn, cls.source.filestore)
        conn.close()
        # the same database as the previous release left it (the version of
        # the addon, and the setting that migrations/18.0.1.2.1 repairs)
        with cls.source.registry.cursor() as cr:
            cr.execute(
                "UPDATE ir_module_module SET latest_version = %s WHERE name = 'ekonsultasi_addon'",
                [PREVIOUS_VERSION],
            )
            cls.source.env(cr)["ir.config_parameter"].set_param(
                "auth_signup.invitation_scope", "b2i"
            )
        cls.old_folder = os.path.join(cls.tmp, "target-previous-release")
        cls.old_run = cls.backup(cls.old_folder)
        cls.cluster = Cluster()
        cls.addClassCleanup(cls.cluster.stop)
        cls.conf = cls.cluster.odoo_conf(os.path.join(cls.tmp, "odoo.conf"))

    def test_backup_destroy_restore_identical(self):
        run = self.new_run
        self.assertEqual(run["state"], "done", run["message"])
        path = os.path.join(self.folder, run["filename"])
        self.assertEqual(sha256(path), run["sha256"])
        self.assertEqual(os.path.getsize(path), run["size"])
        with open(path + ".sha256") as sidecar:
            self.assertEqual(sidecar.read(), f"{run['sha256']}  {run['filename']}\n")
        # encrypted: neither a zip nor readable SQL
        with open(path, "rb") as file:
            head = file.read(1 << 16)
        self.assertFalse(head.startswith(b"PK"))
        self.assertNotIn(b"Tindak lanjut temuan", head)

        before, files_before = self.before, self.files_before
        for table in TABLES:  # the comparison is of something
            self.assertTrue(before[table][1], f"{table} is empty in the source")
        with_file = [v for v in files_before.values() if v[2]]
        self.assertGreaterEqual(len(with_file), 13)  # 4 + 4 + 2 + decree (+ assets)
        self.assertEqual(len(with_file), len(files_before), "the source misses files")

        self.source.drop()
        self.assertFalse(os.path.exists(self.source.filestore))

        result = restore(path, self.key, self.conf, "ekonsultasi_restored")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(f"{len(files_before)} attachment files present", result.stdout)

        conn = self.cluster.connect("ekonsultasi_restored")
        with conn:
            for table in TABLES:
                columns, rows = table_rows(conn, table)
                self.assertEqual(columns, before[table][0], table)
                self.assertEqual(len(rows), len(before[table][1]), table)
                self.assertEqual(rows, before[table][1], table)
            files_after = attachment_files(conn, self.cluster.filestore("ekonsultasi_restored"))
        conn.close()
        self.assertEqual(files_after, files_before)
        # the configuration came along, without its secrets
        conf_copy = os.path.join(self.tmp, "ekonsultasi_restored.odoo.conf.from-backup")
        with open(conf_copy) as file:
            text = file.read()
        self.assertIn("admin_passwd = REDACTED", text)
        self.assertNotIn(config["admin_passwd"], text)

        # the service runs again: the konsulti logs in, sees his consultations
        # and downloads his file, byte for byte
        conn = self.cluster.connect("ekonsultasi_restored")
        with conn, conn.cursor() as cr:
            cr.execute("SELECT id, res_id FROM ir_attachment WHERE name = 'lampiran-1.pdf'")
            [[att_id, ticket_id]] = cr.fetchall()
        conn.close()
        log = os.path.join(self.tmp, "serve.log")
        with serve(self.conf, "ekonsultasi_restored", log) as url:
            session = portal_login(url, "konsulti", "konsulti")
            page = session.get(f"{url}/my/tickets", timeout=60)
            ticket_page = session.get(f"{url}/my/ticket/{ticket_id}", timeout=60)
            # the file's link on his consultation's page (with its access token)
            link = re.search(rf'href="(/web/content/{att_id}\?[^"]+)"', ticket_page.text)
            self.assertTrue(link, "no link to the file on the consultation's page")
            download = session.get(url + html.unescape(link.group(1)), timeout=60)
        self.assertEqual(page.status_code, 200)
        for i in range(4):
            self.assertIn(f"Tindak lanjut temuan {i}", page.text)
        self.assertEqual(download.status_code, 200)
        self.assertEqual(hashlib.sha256(download.content).hexdigest(), files_before[att_id][2])

    def test_restore_refuses_a_wrong_key(self):
        path = os.path.join(self.folder, self.new_run["filename"])
        wrong = new_key(tempfile.mkdtemp(dir=self.tmp))
        result = restore(path, wrong, self.conf, "ekonsultasi_wrong_key")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("could not decrypt", result.stderr)
        conn = self.cluster.connect("postgres")
        with conn, conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = 'ekonsultasi_wrong_key'")
            self.assertIsNone(cr.fetchone())
        conn.close()

    def test_restore_previous_release_then_upgrade(self):
        """A backup of the previous release, restored, then ``-u``: the
        migration runs on it and the records stay."""
        run = self.old_run
        self.assertEqual(run["state"], "done", run["message"])
        path = os.path.join(self.old_folder, run["filename"])
        result = restore(path, self.key, self.conf, "ekonsultasi_upgraded")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        conn = self.cluster.connect("ekonsultasi_upgraded")
        with conn:
            before = {table: table_rows(conn, table)[1] for table in TABLES}
        conn.close()
        log = os.path.join(self.tmp, "upgrade.log")
        upgrade = subprocess.run(
            [sys.executable, "-m", "odoo", "-c", self.conf, "-d", "ekonsultasi_upgraded",
             "-u", "ekonsultasi_addon", "--stop-after-init", "--no-http", f"--logfile={log}"],
            capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
        with open(log) as file:
            text = file.read()
        self.assertEqual(upgrade.returncode, 0, text[-3000:])
        errors = [line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line]
        self.assertEqual(errors, [])
        self.assertTrue(
            any(
                "ekonsultasi_addon: Running migration" in line and "18.0.1.2.1" in line
                for line in text.splitlines()
            ),
            "the migration of 18.0.1.2.1 did not run",
        )
        conn = self.cluster.connect("ekonsultasi_upgraded")
        with conn, conn.cursor() as cr:
            cr.execute(
                "SELECT latest_version, state FROM ir_module_module"
                " WHERE name = 'ekonsultasi_addon'"
            )
            version, state = cr.fetchone()
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = 'auth_signup.invitation_scope'"
            )
            scope = cr.fetchone()[0]
            after = {
                table: table_rows(conn, table)[1]
                for table in ("helpdesk_ticket", "helpdesk_ticket_round", "ir_attachment")
            }
        conn.close()
        self.assertNotEqual(version, PREVIOUS_VERSION)
        self.assertEqual(state, "installed")
        self.assertEqual(scope, "b2b")  # the migration of 18.0.1.2.1 ran
        for table, rows in after.items():
            self.assertEqual([r[0] for r in rows], [r[0] for r in before[table]], table)


def wait_for(predicate, timeout=20.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def archive_of(backup, key, work):
    """The decrypted zip of ``backup``."""
    target = os.path.join(work, "decrypted.zip")
    backup_lib.decrypt_file(backup, target, key)
    return zipfile.ZipFile(target)


class TestBackupConsistency(BackupFixture, unittest.TestCase):
    """The dump and the filestore copy agree while konsulti submit and the
    filestore garbage collector runs; failures are logged and notified."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_source("ekonsultasi_bk_live")
        with cls.source.registry.cursor() as cr:

            class Data(EkonsultasiDataMixin):
                env = cls.source.env(cr)

            Data.setup_ekonsultasi_data()
            cls.partner_id = Data.konsulti.partner_id.id
            cls.category_id = Data.topic_tlhp.id
            cls.admin_partner_id = Data.administrator.partner_id.id

    def submit(self, label):
        """A konsulti's consultation with an attachment, committed."""
        with self.source.registry.cursor() as cr:
            ticket = (
                self.source.env(cr)["helpdesk.ticket"]
                .sudo()
                .create(
                    {
                        "name": f"Konsultasi {label}",
                        "description": "<p>Mohon penjelasan.</p>",
                        "partner_id": self.partner_id,
                        "category_id": self.category_id,
                        "attachment_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": f"{label}.pdf",
                                    "res_model": "helpdesk.ticket",
                                    "raw": pdf_bytes(label),
                                },
                            )
                        ],
                    }
                )
            )
            return ticket.attachment_ids.store_fname

    def gc_waiting(self):
        """A garbage collection waits for its lock on ir_attachment."""
        conn = connect(self.source.name)
        with conn, conn.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE c.relname = 'ir_attachment' AND l.mode = 'ShareLock'"
                " AND NOT l.granted"
            )
            waiting = cr.fetchone()[0]
        conn.close()
        return waiting == 1

    def check_archive(self, run, folder):
        """Every attachment row of the archived dump has its file, equal to
        its checksum: read by restoring it with scripts/restore.sh (into
        this cluster, another data_dir) and checking each file."""
        self.assertIn(run["state"], ("done",), run["message"])
        data_dir = tempfile.mkdtemp(dir=self.tmp)
        conf = os.path.join(data_dir, "odoo.conf")
        with open(conf, "w") as file:
            file.write(
                f"[options]\ndb_host = {config['db_host'] or '127.0.0.1'}\n"
                f"db_port = {config['db_port']}\ndb_user = {config['db_user']}\n"
                f"addons_path = {config['addons_path']}\ndata_dir = {data_dir}\n"
            )
        dbname = f"{self.source.name}_restored_{len(os.listdir(self.tmp))}"
        result = restore(os.path.join(folder, run["filename"]), self.key, conf, dbname)
        try:
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            conn = connect(dbname)
            with conn:
                files = attachment_files(conn, os.path.join(data_dir, "filestore", dbname))
                with conn.cursor() as cr:
                    cr.execute("SELECT count(*) FROM helpdesk_ticket")
                    tickets = cr.fetchone()[0]
            conn.close()
        finally:
            drop = connect("postgres")
            drop.autocommit = True
            with drop.cursor() as cr:
                cr.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(dbname)
                    )
                )
            drop.close()
        for fname, checksum, _digest in files.values():
            self.assertTrue(
                sha1_ok(os.path.join(data_dir, "filestore", dbname), fname, checksum), fname
            )
        return files, tickets

    def test_gc_waits_for_the_backup(self):
        """An attachment deleted after the backup's snapshot, and the
        filestore garbage collection started then: its file is still copied
        (the collector waits for the backup's lock), and deleted after."""
        fname = self.submit("deleted-during-backup")
        path = os.path.join(self.source.filestore, fname)
        folder = os.path.join(self.tmp, "target-gc")
        state = {}
        original = DbBackup._ekonsultasi_archive_file

        def gc():
            with self.source.registry.cursor() as cr:
                state["gc"] = self.source.env(cr)["ir.attachment"]._gc_file_store()

        def archive_file(model, archive, filestore, name, checksums):
            if "thread" not in state:  # first file: after the snapshot
                with self.source.registry.cursor() as cr:
                    env = self.source.env(cr)
                    env["ir.attachment"].search([("store_fname", "=", fname)]).unlink()
                state["thread"] = threading.Thread(target=gc)
                state["thread"].start()
                self.assertTrue(wait_for(self.gc_waiting), "the garbage collection did not wait")
                self.assertTrue(os.path.exists(path))
            return original(model, archive, filestore, name, checksums)

        with patch.object(DbBackup, "_ekonsultasi_archive_file", archive_file):
            run = self.backup(folder)
        state["thread"].join(30)
        self.assertEqual(run["state"], "done", run["message"])
        self.assertFalse(os.path.exists(path), "the garbage collection ran after the backup")
        # the archive holds the file, whole (the restore of an archive is
        # proven by test_backup_while_konsulti_submit)
        with (
            tempfile.TemporaryDirectory() as work,
            archive_of(os.path.join(folder, run["filename"]), self.key, work) as archive,
        ):
            data = archive.read(f"filestore/{fname}")
            dump = archive.read("dump.sql")
        self.assertEqual(hashlib.sha1(data).hexdigest(), fname.split("/")[1])
        self.assertIn(fname.encode(), dump)  # its row is in the dump

    def test_backup_while_konsulti_submit(self):
        """Konsulti submit with attachments, and attachments are deleted and
        collected, all through the backup: the restored dump has every file."""
        folder = os.path.join(self.tmp, "target-live")
        stop = threading.Event()
        commits = []
        errors = []

        def submitter(n):
            i = 0
            while not stop.is_set():
                try:
                    self.submit(f"live-{n}-{i}")
                    commits.append(time.monotonic())
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    errors.append(repr(exc))
                    return
                i += 1

        def collector():
            while not stop.is_set():
                try:
                    with self.source.registry.cursor() as cr:
                        env = self.source.env(cr)
                        env["ir.attachment"].search(
                            [("name", "=like", "live-%")], limit=2, order="id"
                        ).unlink()
                    with self.source.registry.cursor() as cr:
                        self.source.env(cr)["ir.attachment"]._gc_file_store()
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    errors.append(repr(exc))
                    return
                time.sleep(0.05)

        threads = [threading.Thread(target=submitter, args=(n,)) for n in range(3)]
        threads.append(threading.Thread(target=collector))
        for thread in threads:
            thread.start()
        try:
            self.assertTrue(wait_for(lambda: len(commits) >= 6))
            start = time.monotonic()
            run = self.backup(folder)
            end = time.monotonic()
            self.assertTrue(wait_for(lambda: commits and commits[-1] > end))
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        self.assertEqual(errors, [])
        during = [t for t in commits if start <= t <= end]
        self.assertTrue(during, "no consultation was submitted during the backup")
        files, tickets = self.check_archive(run, folder)
        self.assertGreater(tickets, 0)
        self.assertGreater(len(files), 0)
        print(  # pylint: disable=print-used  # the measure, for the report (pytest -s)
            f"\nbackup during submissions: {len(commits)} consultations committed, "
            f"{len(during)} during the backup ({end - start:.2f} s), "
            f"{len(files)} files in the archive"
        )

    def test_gc_waits_for_a_konsulti_upload(self):
        """Odoo 18's race (models/ir_attachment.py): a file written, its row
        not yet committed, the garbage collection started: the collection
        waits for the upload's transaction, and the file stays."""
        state = {"written": threading.Event(), "go": threading.Event()}
        original = IrAttachment._mark_for_gc

        def mark_for_gc(model, fname):
            original(model, fname)
            if threading.current_thread() is state.get("uploader"):
                state["fname"] = fname
                state["written"].set()  # the file is on disk, the row not yet
                state["go"].wait(30)

        def upload():
            state["store_fname"] = self.submit("uploaded-during-gc")

        def gc():
            with self.source.registry.cursor() as cr:
                self.source.env(cr)["ir.attachment"]._gc_file_store()

        with patch.object(IrAttachment, "_mark_for_gc", mark_for_gc):
            state["uploader"] = threading.Thread(target=upload)
            state["uploader"].start()
            self.assertTrue(state["written"].wait(30))
            collector = threading.Thread(target=gc)
            collector.start()
            waited = wait_for(lambda: self.gc_waiting(), timeout=5)
            state["go"].set()
            state["uploader"].join(30)
            collector.join(30)
        self.assertTrue(waited, "the garbage collection did not wait for the upload")
        self.assertEqual(state["store_fname"], state["fname"])
        self.assertTrue(os.path.exists(os.path.join(self.source.filestore, state["fname"])))

    def run_and_messages(self, folder, **values):
        """A backup to ``folder`` expected to fail (its traceback logged,
        muted here); its run and the messages of its destination."""
        with mute_logger("odoo.addons.ekonsultasi_addon.models.db_backup"):
            run = self.backup(folder, **values)
        with self.source.registry.cursor() as cr:
            env = self.source.env(cr)
            dest = env["db.backup"].search([("folder", "=", folder)])
            failure = env.ref("auto_backup.mail_message_subtype_failure")
            messages = [
                {
                    "body": str(m.body),
                    "partners": m.partner_ids.ids,
                    "notified": m.notification_ids.res_partner_id.ids,
                }
                for m in dest.message_ids.filtered(lambda m: m.subtype_id == failure)
            ]
        return run, messages

    def test_failure_without_key_is_logged_and_notified(self):
        """No key configured: nothing is written unencrypted, the run says
        why, auto_backup's failure message reaches the administrators."""
        folder = os.path.join(self.tmp, "target-no-key")
        with patch.dict(config.options, {KEY_OPTION: ""}):
            run, messages = self.run_and_messages(folder)
        self.assertEqual(run["state"], "failed")
        self.assertIn("No backup key file is configured", run["message"])
        self.assertFalse(os.path.exists(folder) and os.listdir(folder))
        self.assertEqual(len(messages), 1)
        self.assertIn("Backup failed", messages[0]["body"])
        self.assertIn(self.admin_partner_id, messages[0]["notified"])

    def test_key_readable_by_others_is_refused(self):
        folder = os.path.join(self.tmp, "target-open-key")
        loose = os.path.join(self.tmp, "loose.key")
        shutil.copy(self.key, loose)
        os.chmod(loose, 0o644)
        with patch.dict(config.options, {KEY_OPTION: loose}):
            run, messages = self.run_and_messages(folder)
        self.assertEqual(run["state"], "failed")
        self.assertIn("is readable by group or others (chmod 600)", run["message"])
        self.assertEqual(len(messages), 1)

    def test_unreachable_destination_fails_loudly(self):
        """The mounted target is gone: failed, notified."""
        blocker = os.path.join(self.tmp, "not-a-directory")
        with open(blocker, "w") as file:
            file.write("x")
        run, messages = self.run_and_messages(os.path.join(blocker, "backups"))
        self.assertEqual(run["state"], "failed")
        self.assertIn("Not a directory", run["message"])
        self.assertEqual(len(messages), 1)

    def test_missing_file_in_the_filestore_is_reported(self):
        """A row whose file is already gone from the live filestore: the
        backup is made (everything else can be restored) but says which file
        is missing, and the administrators are told."""
        fname = self.submit("lost-before-backup")
        os.unlink(os.path.join(self.source.filestore, fname))
        try:
            run, messages = self.run_and_messages(os.path.join(self.tmp, "target-lost"))
        finally:
            with self.source.registry.cursor() as cr:
                self.source.env(cr)["ir.attachment"].search([("store_fname", "=", fname)]).unlink()
        self.assertEqual(run["state"], "partial")
        self.assertIn(f"{fname}: missing from the filestore", run["message"])
        self.assertEqual(len(messages), 1)
        self.assertIn(fname, messages[0]["body"])

    def test_retention_keeps_days_weeks_months(self):
        """The grandfather-father-son retention after a backup: other
        databases' backups and other files are never touched."""
        folder = os.path.join(self.tmp, "target-retention")
        os.makedirs(folder)
        db = self.source.name
        names = {
            backup_lib.backup_filename(db, dt.datetime(2026, 11, 30, 2, 0)),  # days
            backup_lib.backup_filename(db, dt.datetime(2026, 11, 29, 2, 0)),
            backup_lib.backup_filename(db, dt.datetime(2026, 11, 28, 2, 0)),
            backup_lib.backup_filename(db, dt.datetime(2026, 11, 27, 2, 0)),
            backup_lib.backup_filename(db, dt.datetime(2026, 11, 12, 2, 0)),  # neither
            backup_lib.backup_filename(db, dt.datetime(2026, 10, 15, 2, 0)),  # a month
            backup_lib.backup_filename(db, dt.datetime(2026, 9, 15, 2, 0)),  # too old
            backup_lib.backup_filename("other_db", dt.datetime(2020, 1, 1)),
            "notes.txt",
        }
        for name in names:
            with open(os.path.join(folder, name), "w") as file:
                file.write("x")
        with open(os.path.join(folder, min(names) + ".sha256"), "w") as file:
            file.write("x")
        with freeze_time("2026-12-01 02:00:00"):
            run = self.backup(folder, keep_daily=3, keep_weekly=2, keep_monthly=3)
        self.assertEqual(run["state"], "done", run["message"])
        left = set(os.listdir(folder))
        self.assertEqual(
            left - {n for n in left if n.endswith(".sha256")},
            {
                run["filename"],  # 1 Dec: a day, its week, its month
                backup_lib.backup_filename(db, dt.datetime(2026, 11, 30, 2, 0)),  # day
                backup_lib.backup_filename(db, dt.datetime(2026, 11, 29, 2, 0)),  # day, week
                backup_lib.backup_filename(db, dt.datetime(2026, 10, 15, 2, 0)),  # month
                backup_lib.backup_filename("other_db", dt.datetime(2020, 1, 1)),
                "notes.txt",
            },
        )
        self.assertNotIn(min(names) + ".sha256", left)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestBackupAccess(EkonsultasiCase):
    """Who sees what: the administrators read the run log; the destinations
    (paths, SFTP passwords) stay with the system administrators, as
    auto_backup decides; nobody edits a run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dest = cls.env["db.backup"].create(
            {"folder": "/var/backups/ekonsultasi-test", "backup_format": "ekonsultasi"}
        )
        cls.run_log = cls.env["ekonsultasi.backup.run"].create(
            {"backup_id": cls.dest.id, "date_start": "2026-12-01 03:00:00", "state": "done"}
        )

    def test_administrator_reads_the_run_log_only(self):
        Run = self.env["ekonsultasi.backup.run"].with_user(self.administrator)
        self.assertEqual(Run.search([("id", "=", self.run_log.id)]), self.run_log)
        with self.assertRaises(AccessError):
            self.run_log.with_user(self.administrator).write({"state": "failed"})
        with self.assertRaises(AccessError):
            self.dest.with_user(self.administrator).read(["sftp_password"])
        menu = self.env.ref("ekonsultasi_addon.ekonsultasi_backup_run_menu")
        self.assertIn(
            menu.id, self.env["ir.ui.menu"].with_user(self.administrator)._visible_menu_ids()
        )

    def test_backups_run_at_night_local_time(self):
        """auto_backup schedules its daily run at 03:00 UTC (10.00 WIB, office
        hours); ours and the migration to 18.0.1.3.0 move it to 03.00 in the
        time zone of the company's calendar, once; a time the administrator
        chose stays."""
        cron = self.env.ref("auto_backup.ir_cron_backup_scheduler_0")
        calendar = self.env.company.resource_calendar_id
        for tz, utc_hour in (("Asia/Jakarta", 20), ("Asia/Jayapura", 18)):
            calendar.tz = tz
            with freeze_time("2026-12-01 05:00:00"):  # 12.00 WIB, 14.00 WIT
                self.env["db.backup"]._ekonsultasi_schedule_at_night()
            self.assertEqual(cron.nextcall, dt.datetime(2026, 12, 1, utc_hour, 0), tz)
        # the migration: an untouched schedule (03:00 UTC) moves, a chosen one stays
        path = "ekonsultasi_addon/migrations/18.0.1.3.0/post-migration.py"
        spec = importlib.util.spec_from_file_location("backup_migration", file_path(path))
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        calendar.tz = "Asia/Jakarta"
        for before, after in (
            (dt.datetime(2026, 12, 2, 3, 0), dt.datetime(2026, 12, 1, 20, 0)),
            (dt.datetime(2026, 12, 2, 18, 30), dt.datetime(2026, 12, 2, 18, 30)),
        ):
            cron.nextcall = before
            with freeze_time("2026-12-01 05:00:00"):
                migration.migrate(self.env.cr, "18.0.1.2.2")
            self.assertEqual(cron.nextcall, after)
        # the same migration names the default policy in Bahasa Indonesia, unless renamed
        policy = self.env.ref("ekonsultasi_addon.helpdesk_sla_answer_3_days")
        for before, after in (
            ("Answer within 3 working days", "Dijawab dalam 3 hari kerja"),
            ("Jawaban 3 hari kerja", "Jawaban 3 hari kerja"),
        ):
            policy.name = before
            migration.migrate(self.env.cr, "18.0.1.2.2")
            self.assertEqual(policy.name, after)

    def test_konsultan_and_konsulti_see_nothing(self):
        for user in (self.konsultan_1, self.konsulti):
            with self.assertRaises(AccessError):
                self.env["ekonsultasi.backup.run"].with_user(user).search([])

    def test_indonesian_terms(self):
        """The menus and the destination form in Bahasa Indonesia, ours
        (i18n/id.po) and auto_backup's (i18n_extra/id.po)."""
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["auto_backup", "ekonsultasi_addon"], ["id_ID"]
        )
        env = self.env(context={"lang": "id_ID"})
        names = {
            xmlid: env.ref(xmlid).name
            for xmlid in (
                "ekonsultasi_addon.ekonsultasi_backup_menu",
                "ekonsultasi_addon.ekonsultasi_backup_run_menu",
                "ekonsultasi_addon.ekonsultasi_db_backup_menu",
                "auto_backup.mail_message_subtype_failure",
            )
        }
        self.assertEqual(
            list(names.values()),
            ["Cadangan", "Riwayat pencadangan", "Tujuan pencadangan", "Pencadangan gagal"],
        )
        fields = env["db.backup"].fields_get(["folder", "method", "keep_daily", "backup_format"])
        self.assertEqual(fields["method"]["string"], "Metode")
        self.assertEqual(fields["keep_daily"]["string"], "Cadangan harian disimpan")
        self.assertIn(
            ("ekonsultasi", "Terenkripsi: basis data, filestore dan konfigurasi (e-konsultasi)"),
            fields["backup_format"]["selection"],
        )
        self.assertIn(("local", "Folder lokal atau yang di-mount"), fields["method"]["selection"])
        # the reason of a failure, as the run log and the notification say it
        error = backup_lib.BackupKeyError("open", "...", "/etc/odoo/backup.key")
        self.assertEqual(
            env["db.backup"]._ekonsultasi_error_text(error),
            "Berkas kunci cadangan /etc/odoo/backup.key dapat dibaca grup atau pengguna lain "
            "(chmod 600): tidak ada yang ditulis.",
        )

    def test_default_retention(self):
        self.assertEqual(
            (self.dest.keep_daily, self.dest.keep_weekly, self.dest.keep_monthly), (7, 4, 12)
        )


@unittest.skipUnless(sshd_available(), "OpenSSH's sshd is not installed (openssh-server)")
class TestBackupSftp(BackupFixture, unittest.TestCase):
    """The SFTP destination of auto_backup, against OpenSSH's sshd: the
    encrypted backup and its .sha256 arrive, the retention runs there, and
    the file restores."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_source("ekonsultasi_bk_sftp")
        cls.sftp = SftpServer()
        cls.addClassCleanup(cls.sftp.stop)
        cls.remote = os.path.join(cls.sftp.dir, "remote", "backups")

    def test_backup_to_sftp(self):
        old = backup_lib.backup_filename(self.source.name, dt.datetime(2020, 1, 1))
        os.makedirs(self.remote)
        with open(os.path.join(self.remote, old), "w") as file:
            file.write("x")
        values = {
            "method": "sftp",
            "sftp_host": "127.0.0.1",
            "sftp_port": self.sftp.port,
            "sftp_user": self.sftp.user,
            "sftp_private_key": self.sftp.client_key,
            # restic's rule: with 12 months kept, a backup of 2020 stays as
            # long as fewer than 12 months have a newer backup
            "keep_daily": 1,
            "keep_weekly": 0,
            "keep_monthly": 0,
        }
        # the server's key is in the known_hosts of the user running Odoo
        with patch.dict(os.environ, {"HOME": self.sftp.home}):
            run = self.backup(self.remote, **values)
        self.assertEqual(run["state"], "done", run["message"])
        path = os.path.join(self.remote, run["filename"])
        self.assertEqual(sha256(path), run["sha256"])
        with open(path + ".sha256") as sidecar:
            self.assertEqual(sidecar.read(), f"{run['sha256']}  {run['filename']}\n")
        self.assertEqual(
            sorted(os.listdir(self.remote)), sorted([run["filename"], run["filename"] + ".sha256"])
        )
        with tempfile.TemporaryDirectory() as work, archive_of(path, self.key, work) as archive:
            self.assertIn("dump.sql", archive.namelist())
            self.assertIn("manifest.json", archive.namelist())

    # pysftp 0.2.9 warns of the missing known_hosts, and its Connection's
    # __del__ fails on a connection that was refused: both are pysftp's
    @pytest.mark.filterwarnings("ignore:Failed to load HostKeys:UserWarning")
    @pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
    def test_unknown_host_key_is_refused(self):
        """Without the server in known_hosts, nothing is sent."""
        folder = os.path.join(self.sftp.dir, "remote", "refused")
        empty_home = tempfile.mkdtemp(dir=self.tmp)
        values = {
            "method": "sftp",
            "sftp_host": "127.0.0.1",
            "sftp_port": self.sftp.port,
            "sftp_user": self.sftp.user,
            "sftp_private_key": self.sftp.client_key,
        }
        with (
            patch.dict(os.environ, {"HOME": empty_home}),
            mute_logger("odoo.addons.ekonsultasi_addon.models.db_backup"),
        ):
            run = self.backup(folder, **values)
        self.assertEqual(run["state"], "failed")
        self.assertIn("No hostkey for host 127.0.0.1", run["message"])
        self.assertFalse(os.path.exists(folder))

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Backups of the whole service on top of OCA ``auto_backup``.

``auto_backup`` brings the configuration (``db.backup``: a local or mounted
folder, or an SFTP server), the daily scheduled action and the failure
notification (a message with its *Backup Failed* subtype to the followers).
Its archives come from Odoo's ``dump_db``, which copies the filestore
*before* ``pg_dump`` starts: an attachment created in between is in the dump
without its file. The format added here (``backup_format = "ekonsultasi"``):

* one snapshot for everything: a REPEATABLE READ transaction exports its
  snapshot to ``pg_dump --snapshot``, and the files copied are exactly the
  ``store_fname`` of the attachment rows of that snapshot (each checked
  against its SHA-1 ``checksum``). Before the snapshot the transaction takes
  ``ROW EXCLUSIVE`` on ``ir_attachment``, the lock of any writer: the
  filestore garbage collector (``ir.attachment._gc_file_store``, which needs
  ``SHARE``) cannot delete a file until the copy is done, and no konsulti is
  held up;
* the archive is Odoo's own zip (``dump.sql``, ``filestore/``,
  ``manifest.json``) with the configuration (secrets redacted), so Odoo's
  ``restore_db`` restores it (``scripts/restore.sh``);
* encrypted with GnuPG (AES-256) with a key file kept apart from the
  backups, its path in odoo.conf (``ekonsultasi_backup_key_file``), never in
  the database;
* a run log (``ekonsultasi.backup.run``: duration, size, SHA-256, outcome)
  and a grandfather-father-son retention (daily, weekly, monthly counts).
"""

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
import traceback
import zipfile
from contextlib import closing
from datetime import datetime, timedelta
from datetime import time as day_time

import pytz

from odoo import api, fields, models, release, sql_db, tools
from odoo.service.db import dump_db_manifest
from odoo.tools.misc import exec_pg_environ, find_pg_tool

from ..lib import backup as backup_lib
from ..lib.workdays import DEFAULT_TZ

_logger = logging.getLogger(__name__)

KEY_FILE_OPTION = "ekonsultasi_backup_key_file"
HASH_CHUNK = 1 << 20


class DbBackup(models.Model):
    _inherit = "db.backup"

    backup_format = fields.Selection(
        selection_add=[
            ("ekonsultasi", "Encrypted: database, filestore and configuration (e-konsultasi)")
        ],
        ondelete={"ekonsultasi": "set default"},
    )
    keep_daily = fields.Integer(
        string="Daily backups kept",
        default=7,
        help="Keep the newest backup of each of this many last days.",
    )
    keep_weekly = fields.Integer(
        string="Weekly backups kept",
        default=4,
        help="Keep the newest backup of each of this many last weeks.",
    )
    keep_monthly = fields.Integer(
        string="Monthly backups kept",
        default=12,
        help="Keep the newest backup of each of this many last months. "
        "With the three counts at 0, no backup is deleted.",
    )
    ekonsultasi_run_ids = fields.One2many(
        comodel_name="ekonsultasi.backup.run",
        inverse_name="backup_id",
        string="Backup runs",
        help="The runs of this backup destination, latest first: when, how long, "
        "how big, how they ended.",
    )

    _sql_constraints = [
        (
            "keep_counts_positive",
            "CHECK(keep_daily >= 0 AND keep_weekly >= 0 AND keep_monthly >= 0)",
            "The numbers of backups to keep cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------ actions --
    def action_backup(self):
        ours = self.filtered(lambda r: r.backup_format == "ekonsultasi")
        for rec in ours:
            rec._ekonsultasi_backup()
        others = self - ours
        if others:
            return super(DbBackup, others).action_backup()
        return True

    def cleanup(self):
        ours = self.filtered(lambda r: r.backup_format == "ekonsultasi")
        for rec in ours:
            rec._ekonsultasi_cleanup()
        return super(DbBackup, self - ours).cleanup()

    # ---------------------------------------------------------- business --
    @api.model
    def _ekonsultasi_schedule_at_night(self, hour=3):
        """Run the daily backups at ``hour`` o'clock at night, local time.

        ``auto_backup`` installs its scheduled action at 03:00 UTC, that is
        10:00 WIB, in office hours, while konsulti submit. Its next run is
        moved to the next ``hour`` o'clock in the time zone of the company's
        working calendar (WIB unless set); it recurs daily from there. Called
        once, when the addon is installed and by the migration to 18.0.1.3.0.
        """
        cron = self.env.ref("auto_backup.ir_cron_backup_scheduler_0", raise_if_not_found=False)
        if not cron:
            return False
        tz = pytz.timezone(self.env.company.resource_calendar_id.tz or DEFAULT_TZ)
        now = datetime.now(pytz.utc).astimezone(tz)
        at = tz.localize(datetime.combine(now.date(), day_time(hour)))
        if at <= now:
            at = tz.localize(datetime.combine(now.date() + timedelta(days=1), day_time(hour)))
        cron.nextcall = at.astimezone(pytz.utc).replace(tzinfo=None)
        return cron.nextcall

    def _ekonsultasi_backup(self):
        """One backup to this destination, logged in a run; a failure is
        logged, notified and does not raise (the next destination runs)."""
        self.ensure_one()
        # the run log is written by the backup, not by the user who may
        # only start it (base.group_system) or read it (administrator)
        Run = self.env["ekonsultasi.backup.run"].sudo()
        started = time.monotonic()
        now = fields.Datetime.now()  # naive UTC, to the second
        run = Run.create({"backup_id": self.id, "date_start": now, "state": "running"})
        filename = backup_lib.backup_filename(self.env.cr.dbname, now)
        try:
            key_file = backup_lib.check_key_file(tools.config.get(KEY_FILE_OPTION))
            with tempfile.TemporaryDirectory(prefix="ekonsultasi-backup-") as work:
                archive = os.path.join(work, "backup.zip")
                info = self._ekonsultasi_write_archive(archive)
                encrypted = os.path.join(work, filename)
                backup_lib.encrypt_file(archive, encrypted, key_file)
                checksum = backup_lib.sha256_file(encrypted)
                size = os.path.getsize(encrypted)
                self._ekonsultasi_deliver(encrypted, filename, checksum)
        except Exception as exc:  # every failure is logged and notified
            _logger.exception("Backup %s failed", self.name)
            run.write(
                {
                    "state": "failed",
                    "duration": time.monotonic() - started,
                    "message": f"{self._ekonsultasi_error_text(exc)}\n\n{traceback.format_exc()}",
                }
            )
            self._ekonsultasi_notify_failure(run)
            return run
        missing = info["missing"]
        run.write(
            {
                "state": "partial" if missing else "done",
                "filename": filename,
                "size": size,
                "sha256": checksum,
                "duration": time.monotonic() - started,
                "attachment_count": info["attachment_count"],
                "missing_count": len(missing),
                "message": "\n".join(f"{fname}: {why}" for fname, why in sorted(missing.items()))
                or False,
            }
        )
        if missing:
            self._ekonsultasi_notify_failure(run)
        self._ekonsultasi_cleanup()
        return run

    def _ekonsultasi_write_archive(self, path):
        """Write Odoo's backup zip of this database at ``path``, the dump
        and the filestore from one snapshot (see the module docstring).
        Returns the attachment count and the files missing or altered in the
        live filestore ({store_fname: reason})."""
        dbname = self.env.cr.dbname
        filestore = tools.config.filestore(dbname)
        with closing(sql_db.db_connect(dbname).cursor()) as cr:
            # REPEATABLE READ (Odoo's default): the snapshot is taken at the
            # first query after the LOCK, which waits for a running gc
            # waits at most a minute for a running filestore garbage collection
            cr.execute("SET LOCAL lock_timeout = '60s'")
            cr.execute("LOCK TABLE ir_attachment IN ROW EXCLUSIVE MODE")
            cr.execute("SELECT pg_export_snapshot()")
            snapshot = cr.fetchone()[0]
            cr.execute(
                "SELECT store_fname, array_agg(DISTINCT checksum) FROM ir_attachment"
                " WHERE store_fname IS NOT NULL GROUP BY store_fname ORDER BY store_fname"
            )
            files = cr.fetchall()
            manifest = dump_db_manifest(cr)
            with tempfile.TemporaryDirectory(prefix="ekonsultasi-dump-") as work:
                dump = os.path.join(work, "dump.sql")
                subprocess.run(
                    [
                        find_pg_tool("pg_dump"),
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                        dbname,
                    ],
                    env=exec_pg_environ(),
                    check=True,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                )
                missing = {}
                with zipfile.ZipFile(
                    path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
                ) as archive:
                    archive.write(dump, "dump.sql")
                    for fname, checksums in files:
                        reason = self._ekonsultasi_archive_file(
                            archive, filestore, fname, checksums
                        )
                        if reason:
                            missing[fname] = reason
                    archive.writestr("manifest.json", json.dumps(manifest, indent=4))
                    archive.writestr(
                        "ekonsultasi_backup.json",
                        json.dumps(
                            {
                                "database": dbname,
                                "date": fields.Datetime.to_string(fields.Datetime.now()),
                                "odoo_version": release.version,
                                "attachment_files": len(files),
                                "missing_files": missing,
                            },
                            indent=4,
                        ),
                    )
                    if tools.config.rcfile and os.path.isfile(tools.config.rcfile):
                        with open(tools.config.rcfile, encoding="utf-8") as conf:
                            archive.writestr(
                                "config/odoo.conf", backup_lib.redact_config(conf.read())
                            )
            cr.rollback()  # releases the lock and the snapshot
        return {"attachment_count": len(files), "missing": missing}

    @api.model
    def _ekonsultasi_archive_file(self, archive, filestore, fname, checksums):
        """Copy one file of the filestore into ``archive`` (as Odoo's backups
        do: ``filestore/<store_fname>``), checking its SHA-1 on the way.
        Returns why it is not a faithful copy, or None."""
        source = os.path.join(filestore, fname)
        digest = hashlib.sha1()
        try:
            with (
                open(source, "rb") as file,
                archive.open(f"filestore/{fname}", "w", force_zip64=True) as out,
            ):
                while block := file.read(HASH_CHUNK):
                    digest.update(block)
                    out.write(block)
        except FileNotFoundError:
            return "missing from the filestore"
        if digest.hexdigest() not in checksums:
            return "content differs from its checksum"
        return None

    def _ekonsultasi_deliver(self, encrypted, filename, checksum):
        """Put the encrypted backup and its ``.sha256`` (``sha256sum -c``)
        at the destination; the backup appears under its final name only
        once complete."""
        self.ensure_one()
        sidecar = f"{checksum}  {filename}\n"
        if self.method == "local":
            os.makedirs(self.folder, exist_ok=True)
            if os.path.exists(os.path.join(self.folder, filename)):
                raise FileExistsError(f"{filename} exists in {self.folder}: not overwritten")
            partial = os.path.join(self.folder, f".{filename}.partial")
            shutil.copyfile(encrypted, partial)
            os.replace(partial, os.path.join(self.folder, filename))
            with open(os.path.join(self.folder, filename + backup_lib.CHECKSUM_SUFFIX), "w") as out:
                out.write(sidecar)
        elif self.method == "sftp":
            with self.sftp_connection() as remote:
                if not remote.exists(self.folder):
                    remote.makedirs(self.folder)
                remote.chdir(self.folder)
                remote.put(encrypted, f".{filename}.partial")
                remote.rename(f".{filename}.partial", filename)
                with remote.open(filename + backup_lib.CHECKSUM_SUFFIX, "w") as out:
                    out.write(sidecar)
        else:
            raise ValueError(f"unknown backup method {self.method}")

    def _ekonsultasi_cleanup(self):
        """Delete the backups of this database that the retention does not
        keep, with their checksum files; other files are never touched."""
        self.ensure_one()
        dbname = self.env.cr.dbname
        counts = (self.keep_daily, self.keep_weekly, self.keep_monthly)
        try:
            if self.method == "local":
                names = os.listdir(self.folder)
                for name in backup_lib.gfs_delete(names, dbname, *counts):
                    for victim in (name, name + backup_lib.CHECKSUM_SUFFIX):
                        path = os.path.join(self.folder, victim)
                        if os.path.exists(path):
                            os.unlink(path)
            elif self.method == "sftp":
                with self.sftp_connection() as remote:
                    names = remote.listdir(self.folder)
                    for name in backup_lib.gfs_delete(names, dbname, *counts):
                        for victim in (name, name + backup_lib.CHECKSUM_SUFFIX):
                            if victim in names:
                                remote.remove(f"{self.folder}/{victim}")
        except Exception as exc:  # notified, the backup itself is done
            _logger.exception("Cleanup of old backups failed: %s", self.name)
            self.message_post(
                body=self.env._("Cleanup of old backups failed: %(error)s", error=exc),
                subtype_id=self.env.ref("auto_backup.mail_message_subtype_failure").id,
            )

    def _ekonsultasi_error_text(self, exc):
        """What went wrong, in the user's language where we know it."""
        if not isinstance(exc, backup_lib.BackupKeyError):
            return str(exc)
        if exc.code == "no_key":
            return self.env._(
                "No backup key file is configured (ekonsultasi_backup_key_file in the "
                "Odoo configuration file): nothing was written."
            )
        if exc.code == "unreadable":
            return self.env._(
                "The backup key file %(path)s cannot be read (%(error)s): nothing was written.",
                path=exc.path,
                error=exc.detail,
            )
        if exc.code == "short":
            return self.env._(
                "The backup key file %(path)s holds fewer than 32 characters: nothing was written.",
                path=exc.path,
            )
        if exc.code == "open":
            return self.env._(
                "The backup key file %(path)s is readable by group or others (chmod 600): "
                "nothing was written.",
                path=exc.path,
            )
        return self.env._("GnuPG (gpg) is not installed on the server: nothing was written.")

    def _ekonsultasi_notify_failure(self, run):
        """auto_backup's notification (a message with its *Backup Failed*
        subtype, sent to the followers of this destination), also addressed
        to the e-konsultasi administrators of the company."""
        admins = self.env.ref("ekonsultasi_addon.group_ekonsultasi_admin").users.filtered(
            lambda u: self.env.company in u.company_ids
        )
        if run.state == "partial":
            body = self.env._(
                "Backup %(file)s made, but %(count)s attachment files were missing "
                "or damaged in the filestore:\n%(details)s",
                file=run.filename,
                count=run.missing_count,
                details=run.message,
            )
        else:
            body = self.env._(
                "Backup failed (%(destination)s): %(error)s",
                destination=self.name,
                error=(run.message or "").split("\n", 1)[0],
            )
        self.message_post(
            body=body,
            subtype_id=self.env.ref("auto_backup.mail_message_subtype_failure").id,
            partner_ids=admins.partner_id.ids,
        )

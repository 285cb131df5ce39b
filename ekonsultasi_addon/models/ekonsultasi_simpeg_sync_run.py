# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One synchronisation pass of a SIMPEG directory with the konsulti accounts.

The decision is ``lib.simpeg_sync`` (pure Python, tested against a real
slapd): ``sync_pass`` reads the directory page by page and, for each page,
this model looks up the known state of that page's logins only, applies the
page's changes (or only logs them, for a dry run) and writes its log lines;
the logins seen are kept in a PostgreSQL temporary table, which gives the
accounts absent from the directory at the end. Memory thus follows the page
size, not the directory. Everything happens inside one savepoint: a
directory failing in the middle changes nothing. Only accounts marked with
the directory (``res.users.simpeg_ldap_id``) are ever updated or archived.
"""

import logging
import threading

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import db_lock, simpeg_ldap, simpeg_sync
from .res_company_ldap import PROFILE_TO_FIELD, SIMPEG_USER_CONTEXT

_logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_ATTEMPTS = 3  # passes restarted because of logins used twice
SEEN_TABLE = "ekonsultasi_simpeg_sync_seen"  # temporary, one pass


class EkonsultasiSimpegSyncRun(models.Model):
    _name = "ekonsultasi.simpeg.sync.run"
    _description = "SIMPEG synchronisation run"
    _order = "date_start desc, id desc"

    ldap_id = fields.Many2one(
        comodel_name="res.company.ldap",
        string="Directory",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        help="The SIMPEG directory (LDAP server) read by this run.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        related="ldap_id.company",
        store=True,
        index=True,
        help="The pemda of the directory.",
    )
    mode = fields.Selection(
        selection=[("full", "Full"), ("incremental", "Incremental")],
        required=True,
        readonly=True,
        default="full",
        help="Full: reads the whole directory, and only a complete full run may "
        "archive accounts. Incremental: reads the entries modified since the "
        "last run.",
    )
    dry_run = fields.Boolean(
        readonly=True, help="Shows what would change without changing any account."
    )
    trigger = fields.Selection(
        selection=[("manual", "On demand"), ("cron", "Scheduled")],
        default="manual",
        readonly=True,
        help="Whether the run was started by hand or by the scheduled action.",
    )
    state = fields.Selection(
        selection=[
            ("running", "Running"),
            ("to_confirm", "Archives to confirm"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="running",
        required=True,
        readonly=True,
        index=True,
        help="Running; archives to confirm (a full run withheld archives); done; or failed.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Started by",
        readonly=True,
        default=lambda self: self.env.user,
        help="The user who started the run (for a scheduled run, the user of the "
        "scheduled action).",
    )
    date_start = fields.Datetime(
        string="Start", readonly=True, default=fields.Datetime.now, help="When the run started."
    )
    date_end = fields.Datetime(
        string="End", readonly=True, help="When the run ended; empty while it runs."
    )
    seen_count = fields.Integer(
        string="Entries read", readonly=True, help="Directory entries read by the run."
    )
    created_count = fields.Integer(
        string="Created", readonly=True, help="Accounts created for new directory entries."
    )
    updated_count = fields.Integer(
        string="Updated",
        readonly=True,
        help="Accounts whose profile was updated from the directory.",
    )
    reactivated_count = fields.Integer(
        string="Reactivated",
        readonly=True,
        help="Archived accounts made active again because their entry is back or "
        "active again in the directory.",
    )
    archived_count = fields.Integer(
        string="Archived",
        readonly=True,
        help="Accounts archived because their entry left the directory or became inactive.",
    )
    unchanged_count = fields.Integer(
        string="Unchanged",
        readonly=True,
        help="Accounts whose directory entry had not changed since the last run.",
    )
    skipped_count = fields.Integer(
        string="Inactive, not created",
        readonly=True,
        help="New entries that are inactive in the directory.",
    )
    withheld_count = fields.Integer(
        string="Archives withheld",
        readonly=True,
        help="Archives not applied because they were too many, or the directory "
        "was not read completely: an administrator confirms them.",
    )
    error_count = fields.Integer(
        string="Errors",
        readonly=True,
        help="Entries that could not be synchronised (see the details).",
    )
    warning_count = fields.Integer(
        string="Warnings",
        readonly=True,
        help="Entries synchronised with a warning (see the details).",
    )
    error_message = fields.Text(
        string="Failure",
        readonly=True,
        help="Why the whole run failed (e.g. the directory could not be reached).",
    )
    withheld_reason = fields.Char(
        string="Why withheld", readonly=True, help="Why the archives were withheld."
    )
    archive_confirmed_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Archives confirmed by",
        readonly=True,
        help="The administrator who confirmed the archives this run withheld.",
    )
    archive_confirmed_date = fields.Datetime(
        string="Archives confirmed on",
        readonly=True,
        help="When the archives this run withheld were confirmed.",
    )
    line_ids = fields.One2many(
        comodel_name="ekonsultasi.simpeg.sync.line",
        inverse_name="run_id",
        string="Details",
        readonly=True,
        help="One line per change, error or warning of the run.",
    )

    @api.depends("ldap_id", "mode", "date_start", "dry_run")
    def _compute_display_name(self):
        modes = dict(self._fields["mode"]._description_selection(self.env))
        for run in self:
            name = (
                f"{run.ldap_id.display_name or ''} {modes.get(run.mode, '')} "
                f"{fields.Datetime.to_string(run.date_start) or ''}"
            )
            if run.dry_run:
                name += " " + self.env._("(dry run)")
            run.display_name = name.strip()

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_confirm_archive(self):
        """Apply the archives a full run withheld because there were more
        than the allowed share."""
        self.ensure_one()
        if self.state != "to_confirm" or self.dry_run:
            raise UserError(self.env._("This run has no archives awaiting confirmation."))
        later = self.search_count(
            [
                ("ldap_id", "=", self.ldap_id.id),
                ("mode", "=", "full"),
                ("dry_run", "=", False),
                ("state", "in", ("done", "to_confirm")),
                ("date_start", ">", self.date_start),
            ]
        )
        if later:
            raise UserError(
                self.env._(
                    "A later full synchronisation of this directory exists: "
                    "confirm the archives of the latest one."
                )
            )
        lines = self.line_ids.filtered(lambda line: line.kind == "withheld" and not line.applied)
        # sudo: an e-konsultasi administrator confirms, the accounts are the
        # directory's own (simpeg_ldap_id), found by login in that directory only
        users = (
            self.env["res.users"]
            .sudo()
            .with_context(**SIMPEG_USER_CONTEXT)
            .search(
                [
                    ("simpeg_ldap_id", "=", self.ldap_id.id),
                    ("login", "in", lines.mapped("login")),
                    ("active", "=", True),
                ]
            )
        )
        users.write({"active": False})
        by_login = {user.login: user.id for user in users}
        for line in lines:
            line.write({"applied": True, "user_id": by_login.get(line.login, line.user_id.id)})
        self.write(
            {
                "state": "done",
                "archived_count": self.archived_count + len(users),
                "withheld_count": 0,
                "archive_confirmed_by_id": self.env.user.id,
                "archive_confirmed_date": fields.Datetime.now(),
            }
        )
        return True

    # ------------------------------------------------------------------
    # running
    # ------------------------------------------------------------------
    @api.model
    def _cron_sync(self, mode="incremental"):
        # sudo: the scheduled action reads the directory settings, bind password included
        servers = (
            self.env["res.company.ldap"]
            .sudo()
            .search([("simpeg_enabled", "=", True), ("ldap_server", "!=", False)])
        )
        for server in servers:
            self._run_sync(server, mode, trigger="cron")
            if not getattr(threading.current_thread(), "testing", False):
                # one directory's log does not wait for the next one
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _run_sync(self, server, mode="full", dry_run=False, trigger="manual"):
        """Run one synchronisation of ``server`` and return its log. A
        directory that cannot be read completely changes nothing: the run
        is then ``failed`` with the error."""
        # sudo: the run log is written by the sync, whoever starts it
        run = self.sudo().create(
            {"ldap_id": server.id, "mode": mode, "dry_run": dry_run, "trigger": trigger}
        )
        run._execute()
        return run

    def _execute(self):
        self.ensure_one()
        # sudo: only system administrators may read the bind password the sync needs
        server = self.ldap_id.sudo()
        if not self._lock_server(server):
            self._fail(self.env._("Another synchronisation of this directory is running."))
            return
        try:
            conf = server._simpeg_conf()
            config = server._simpeg_config(conf)
            mapping = server._simpeg_mapping()
        except (UserError, ValueError) as exc:
            self._fail(str(exc))
            return
        codes = server._simpeg_known_codes()
        full = self.mode == "full"
        modified_since = None if full else server._simpeg_modified_since()
        attrs = mapping.attributes() + ["modifyTimestamp"]
        duplicates = set()
        for _attempt in range(MAX_ATTEMPTS):
            tracker = {"stamp": None}
            store = _RunStore(self, server, codes)
            result = None
            try:
                with self.env.cr.savepoint():
                    store.open()
                    result = simpeg_sync.sync_pass(
                        self._simpeg_entries(config, attrs, modified_since, tracker),
                        store,
                        full=full,
                        page_size=config.page_size,
                        mapping=mapping,
                        max_archive_share=server.simpeg_max_archive_share / 100.0,
                        known_unit_codes=set(codes[0]),
                        known_nagari_codes=set(codes[1]),
                        duplicates=duplicates,
                        dry_run=self.dry_run,
                    )
                    if not result.ok:
                        raise _UndoPass()
                    store.close()
            except _UndoPass:
                if result.complete and result.restart:
                    # logins used twice, the first entry already applied: again,
                    # leaving them alone from the start
                    duplicates |= result.restart
                    continue
                _logger.error(
                    "SIMPEG synchronisation of %s failed: %s",
                    server.ldap_server,
                    result.directory_error,
                )
                self._fail(
                    result.directory_error or self.env._("The directory could not be read."),
                    seen_count=result.seen,
                )
                return
            except Exception as exc:
                _logger.exception("SIMPEG synchronisation of %s failed", server.ldap_server)
                self._fail(
                    self.env._(
                        "Applying the changes failed, nothing was changed: %(error)s", error=exc
                    ),
                    seen_count=result.seen if result else 0,
                )
                return
            break
        else:
            self._fail(
                self.env._(
                    "Some logins are used by several directory entries and the "
                    "directory kept changing during the synchronisation: "
                    "nothing was changed."
                )
            )
            return
        if not self.dry_run:
            server._simpeg_advance_watermark(tracker["stamp"])
        counts = store.counts
        self.write(
            {
                "seen_count": result.seen,
                "created_count": counts["created"],
                "updated_count": counts["updated"],
                "reactivated_count": counts["reactivated"],
                "unchanged_count": result.unchanged + counts["same"],
                "archived_count": result.archived,
                "skipped_count": result.skipped_inactive,
                "withheld_count": result.withheld,
                "error_count": result.errors + counts["error_count"],
                "warning_count": result.warnings,
                "withheld_reason": result.withheld_reason or False,
                "state": "to_confirm" if result.needs_confirmation and not self.dry_run else "done",
                "date_end": fields.Datetime.now(),
            }
        )

    def _fail(self, message, **values):
        self.write(
            dict(values, state="failed", error_message=message, date_end=fields.Datetime.now())
        )

    def _lock_server(self, server):
        """One run per directory at a time, whichever node or way starts it
        (scheduled action, button, code): the advisory lock of the directory,
        held until the end of the transaction. A second run is refused at
        once (a row lock on the directory would also make a second run, and
        anyone saving the directory's settings, wait for the first)."""
        return db_lock.try_xact_lock(self.env.cr, "ekonsultasi.simpeg.sync", server.id)

    def _simpeg_entries(self, config, attrs, modified_since, tracker):
        """The directory's entries, page by page; ``tracker['stamp']`` gets
        the latest modifyTimestamp seen. Any failure raises
        ``DirectoryError`` (``sync_pass`` then stops and the run is undone)."""
        conn = simpeg_ldap.connect(config)
        latest = tracker["stamp"]
        try:
            for dn, entry in simpeg_ldap.iter_entries(
                conn,
                config.base,
                config.filter,
                attrs,
                config.page_size,
                modified_since=modified_since,
                timeout=config.timeout,
            ):
                stamp = entry.get("modifyTimestamp") or entry.get("modifytimestamp")
                if stamp:
                    value = stamp[0].decode("ascii", "replace")[:14] + "Z"
                    if latest is None or value > latest:
                        latest = tracker["stamp"] = value
                yield dn, entry
        finally:
            try:
                conn.unbind_s()
            except Exception:
                _logger.debug("unbind failed", exc_info=True)

    def _user_ids(self, server, logins):
        """login -> id of the directory's accounts among ``logins`` (only
        the ones a run touches: memory follows the changes, not the
        directory)."""
        logins = list(set(logins))
        if not logins:
            return {}
        self.env.cr.execute(
            "SELECT login, id FROM res_users WHERE simpeg_ldap_id = %s AND login = ANY(%s)",
            (server.id, logins),
        )
        return dict(self.env.cr.fetchall())

    # -- applying, one page ---------------------------------------------------
    def _apply_page(self, server, page, ids, codes, lines, counts):
        """Create, update and reactivate the accounts of one page; ``ids``:
        login -> id of the page's known accounts."""
        # sudo: the sync writes the accounts of its own directory only (simpeg_ldap_id)
        Users = self.env["res.users"].sudo().with_context(active_test=False, **SIMPEG_USER_CONTEXT)
        counts["created"] += self._apply_creates(server, page.to_create, codes, lines, counts)
        updated, same = self._apply_updates(
            server, Users, page.to_update, ids, codes, lines, counts
        )
        counts["updated"] += updated
        counts["same"] += same
        reactivate = Users.browse([ids[login] for login in page.to_reactivate if login in ids])
        reactivate.write({"active": True})
        counts["reactivated"] += len(reactivate)
        lines += [
            {"kind": "reactivate", "login": user.login, "user_id": user.id} for user in reactivate
        ]

    def _apply_creates(self, server, creates, codes, lines, counts):
        if not creates:
            return 0
        cr = self.env.cr
        cr.execute(
            "SELECT lower(login) FROM res_users WHERE lower(login) = ANY(%s)",
            ([c.login.lower() for c in creates],),
        )
        taken_logins = {row[0] for row in cr.fetchall()}
        nips = [c.profile["nip"] for c in creates if c.profile.get("nip")]
        cr.execute("SELECT nip FROM res_partner WHERE nip = ANY(%s)", (nips,))
        taken_nips = {row[0] for row in cr.fetchall()}
        vals_list = []
        for create in creates:
            if create.login.lower() in taken_logins:
                problem = {"code": "login_taken", "value": create.login}
            elif create.profile.get("nip") in taken_nips:
                problem = {"code": "nip_taken", "value": create.profile["nip"]}
            else:
                vals_list.append(
                    server._simpeg_user_values(create.profile, create.dn, create.fingerprint, codes)
                )
                continue
            counts["error_count"] += 1
            lines.append(
                {"kind": "error", "login": create.login, "dn": create.dn, "problems": [problem]}
            )
        created = 0
        for chunk in simpeg_sync.chunked(vals_list, BATCH_SIZE):
            try:
                with cr.savepoint():
                    created += len(server._simpeg_create_users(chunk))
            except Exception:  # noqa: BLE001 - find the entries at fault one by one
                for vals in chunk:
                    try:
                        with cr.savepoint():
                            server._simpeg_create_users([vals])
                        created += 1
                    except Exception as exc:  # noqa: BLE001
                        counts["error_count"] += 1
                        lines.append(
                            {
                                "kind": "error",
                                "login": vals["login"],
                                "dn": vals["simpeg_dn"],
                                "message": self.env._("not created: %(error)s", error=exc),
                            }
                        )
            # the created records need not stay in the cache
            self.env.invalidate_all()
        return created

    def _apply_updates(self, server, Users, updates, ids, codes, lines, counts):
        updated = same = 0
        for chunk in simpeg_sync.chunked(updates, BATCH_SIZE):
            chunk = [u for u in chunk if u.login in ids]
            users = Users.browse([ids[u.login] for u in chunk])
            users.fetch(list(PROFILE_TO_FIELD.values()) + ["simpeg_dn"])
            for update, user in zip(chunk, users, strict=True):
                keys = [k for k in update.changes if k in PROFILE_TO_FIELD]
                diff = self._diff(user, server._simpeg_profile_values(update.profile, codes, keys))
                values = {"simpeg_fingerprint": update.fingerprint}
                if update.dn != user.simpeg_dn:
                    values["simpeg_dn"] = update.dn
                if not diff:
                    user.write(values)
                    same += 1
                    continue
                try:
                    with self.env.cr.savepoint():
                        user.write(dict(values, **{f: new for f, (_old, new) in diff.items()}))
                except Exception as exc:  # noqa: BLE001
                    counts["error_count"] += 1
                    lines.append(
                        {
                            "kind": "error",
                            "login": update.login,
                            "dn": update.dn,
                            "user_id": user.id,
                            "message": self.env._("not updated: %(error)s", error=exc),
                        }
                    )
                    continue
                updated += 1
                lines.append(
                    {
                        "kind": "update",
                        "login": update.login,
                        "dn": update.dn,
                        "user_id": user.id,
                        "message": self._describe_diff(diff),
                    }
                )
            self.env.invalidate_all()
        return updated, same

    @staticmethod
    def _diff(user, values):
        """{field: (old, new)} of the values that differ from the record."""
        diff = {}
        for name, new in values.items():
            old = user[name]
            if user._fields[name].type == "many2one":
                old = old.id
            if (old or False) != (new or False):
                diff[name] = (old or False, new or False)
        return diff

    def _describe_diff(self, diff, user=None):
        parts = []
        for name, (old, new) in diff.items():
            field = self.env["res.users"]._fields[name]
            if field.type == "many2one":
                # sudo: names shown in the run log, whatever the reader's rights
                comodel = self.env[field.comodel_name].sudo()
                old = comodel.browse(old).display_name if old else ""
                new = comodel.browse(new).display_name if new else ""
            parts.append(
                f"{field.get_description(self.env)['string']}: {old or '-'} → {new or '-'}"
            )
        return "\n".join(parts)

    # -- dry run, one page ----------------------------------------------------
    def _preview_page(self, server, page, ids, codes, lines, counts):
        """The lines and counts of what one page would do; nothing written."""
        # sudo: reads the accounts of its own directory only (simpeg_ldap_id), writes nothing
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        for update in page.to_update:
            if update.login not in ids:
                continue
            keys = [k for k in update.changes if k in PROFILE_TO_FIELD]
            user = Users.browse(ids[update.login])
            diff = self._diff(user, server._simpeg_profile_values(update.profile, codes, keys))
            if diff:
                counts["updated"] += 1
                lines.append(
                    {
                        "kind": "update",
                        "login": update.login,
                        "dn": update.dn,
                        "user_id": user.id,
                        "message": self._describe_diff(diff),
                    }
                )
            else:
                counts["same"] += 1
        counts["created"] += len(page.to_create)
        lines += [
            {"kind": "create", "login": c.login, "dn": c.dn, "message": c.profile.get("name") or ""}
            for c in page.to_create
        ]
        counts["reactivated"] += len(page.to_reactivate)
        lines += [
            {"kind": "reactivate", "login": login, "user_id": ids.get(login)}
            for login in page.to_reactivate
        ]

    def _problem_lines(self, page, ids):
        """The lines of a page's entries in error or with a warning."""
        lines = [
            {
                "kind": "error",
                "login": e.login or False,
                "dn": e.dn,
                "problems": [p.as_dict() for p in e.problems],
            }
            for e in page.errors
        ]
        lines += [
            {
                "kind": "warning",
                "login": w.login or False,
                "dn": w.dn,
                "user_id": ids.get(w.login),
                "problems": [p.as_dict() for p in w.problems],
            }
            for w in page.warnings
        ]
        return lines

    def _write_lines(self, lines):
        if lines:
            # sudo: the run log is written by the sync, whoever starts it
            self.env["ekonsultasi.simpeg.sync.line"].sudo().create(
                [dict(line, run_id=self.id) for line in lines]
            )


class _UndoPass(Exception):
    """Rolls the savepoint of a pass back (directory failure, restart)."""


class _RunStore(simpeg_sync.SyncStore):
    """The database side of ``simpeg_sync.sync_pass`` for one run: the
    known accounts of a page read by login, the page applied (or previewed)
    at once with its log lines, the logins seen in a temporary table.

    SQL rather than the ORM: memory must not grow with the directory, so the
    logins seen cannot be a Python set, and the ORM has no temporary tables;
    the known state needs three columns of res_users only. Every query is
    limited to the accounts of this directory (``simpeg_ldap_id``)."""

    def __init__(self, run, server, codes):
        self.run = run
        self.server = server
        self.codes = codes
        self.cr = run.env.cr
        self.ids = {}  # login -> id of the current page's known accounts
        self.counts = {"created": 0, "updated": 0, "same": 0, "reactivated": 0, "error_count": 0}

    def open(self):
        # dropped by close(), or undone with the savepoint of the pass
        self.cr.execute(
            SQL(
                """CREATE TEMPORARY TABLE %s (
                       login varchar PRIMARY KEY,
                       dn varchar,
                       changed boolean NOT NULL DEFAULT false,
                       candidate boolean NOT NULL DEFAULT false,
                       duplicate boolean NOT NULL DEFAULT false
                   ) ON COMMIT DROP""",
                SQL.identifier(SEEN_TABLE),
            )
        )

    def close(self):
        self.cr.execute(SQL("DROP TABLE %s", SQL.identifier(SEEN_TABLE)))

    def _flush(self):
        self.run.env["res.users"].flush_model(
            ["login", "active", "simpeg_fingerprint", "simpeg_ldap_id"]
        )

    def count_active(self):
        self._flush()
        self.cr.execute(
            "SELECT count(*) FROM res_users WHERE simpeg_ldap_id = %s AND active",
            (self.server.id,),
        )
        return self.cr.fetchone()[0]

    def known(self, logins):
        self._flush()
        self.cr.execute(
            """SELECT login, id, simpeg_fingerprint, active FROM res_users
                WHERE simpeg_ldap_id = %s AND login = ANY(%s)""",
            (self.server.id, list(logins)),
        )
        known, self.ids = {}, {}
        for login, user_id, fingerprint, active in self.cr.fetchall():
            self.ids[login] = user_id
            known[login] = simpeg_sync.KnownUser(login, fingerprint or None, None, bool(active))
        return known

    def earlier(self, logins):
        self.cr.execute(
            f"SELECT login, dn FROM {SEEN_TABLE} WHERE login = ANY(%s)", (list(logins),)
        )
        return dict(self.cr.fetchall())

    def record(self, page):
        changed = page.changed
        candidates = {a.login for a in page.inactive}
        logins = list(page.logins)
        self.cr.execute(
            f"""INSERT INTO {SEEN_TABLE} (login, dn, changed, candidate)
                SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::boolean[],
                                     %s::boolean[])
                ON CONFLICT (login) DO NOTHING""",
            (
                logins,
                [page.logins[login] for login in logins],
                [login in changed for login in logins],
                [login in candidates for login in logins],
            ),
        )
        if not page.duplicates:
            return set()
        self.cr.execute(
            f"""UPDATE {SEEN_TABLE} SET duplicate = true, candidate = false
                 WHERE login = ANY(%s) RETURNING login, changed""",
            (list(page.duplicates),),
        )
        return {login for login, changed in self.cr.fetchall() if changed}

    def apply(self, page):
        run, lines = self.run, []
        if run.dry_run:
            run._preview_page(self.server, page, self.ids, self.codes, lines, self.counts)
        else:
            run._apply_page(self.server, page, self.ids, self.codes, lines, self.counts)
        ids = self.ids
        missing = [w.login for w in page.warnings if w.login and w.login not in ids]
        if missing:  # created by this page
            ids = dict(ids, **run._user_ids(self.server, missing))
        run._write_lines(lines + run._problem_lines(page, ids))
        # nothing of the page need stay in the cache
        run.env.invalidate_all()

    def _candidates_query(self, include_gone):
        """The archive candidates (login, id, dn, reason): known active
        accounts inactive in the directory and not duplicated, and (full
        pass) the active accounts of the directory not seen."""
        gone = (
            f"""
            SELECT u.login, u.id, NULL AS dn, 'gone' AS reason FROM res_users u
             WHERE u.simpeg_ldap_id = %(server)s AND u.active
               AND NOT EXISTS (SELECT 1 FROM {SEEN_TABLE} s WHERE s.login = u.login)
            UNION ALL
        """
            if include_gone
            else ""
        )
        return f"""{gone}
            SELECT u.login, u.id, s.dn, 'inactive' FROM {SEEN_TABLE} s
              JOIN res_users u ON u.login = s.login AND u.simpeg_ldap_id = %(server)s
             WHERE s.candidate AND NOT s.duplicate AND u.active"""

    def count_candidates(self, include_gone):
        self._flush()
        self.cr.execute(
            f"SELECT count(*) FROM ({self._candidates_query(include_gone)}) c",
            {"server": self.server.id},
        )
        return self.cr.fetchone()[0]

    def archive(self, decision, include_gone):
        run = self.run
        # sudo: the sync archives the accounts of its own directory only (simpeg_ldap_id)
        Users = run.env["res.users"].sudo().with_context(active_test=False, **SIMPEG_USER_CONTEXT)
        kind = "archive" if decision.archive else "withheld"
        query = f"""SELECT * FROM ({self._candidates_query(include_gone)}) c
                     WHERE login > %(after)s ORDER BY login LIMIT %(limit)s"""
        count, after = 0, ""
        while True:  # one batch at a time, by login
            self._flush()
            self.cr.execute(query, {"server": self.server.id, "after": after, "limit": BATCH_SIZE})
            rows = self.cr.fetchall()
            if not rows:
                return count
            if decision.archive and not run.dry_run:
                Users.browse([row[1] for row in rows]).write({"active": False})
            run._write_lines(
                [
                    {
                        "kind": kind,
                        "login": login,
                        "dn": dn or False,
                        "user_id": user_id,
                        "archive_reason": reason,
                    }
                    for login, user_id, dn, reason in rows
                ]
            )
            run.env.invalidate_all()
            count += len(rows)
            after = rows[-1][0]

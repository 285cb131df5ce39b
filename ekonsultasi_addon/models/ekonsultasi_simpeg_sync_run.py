# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One synchronisation pass of a SIMPEG directory with the konsulti accounts.

The decision is ``lib.simpeg_sync.plan_sync`` (pure Python, tested against a
real slapd); this model reads the directory page by page into it, applies
the plan in batches inside one savepoint and keeps the log: counts, the
entries in error, and the archives withheld until the administrator
confirms them. Only accounts marked with the directory (``res.users.
simpeg_ldap_id``) are ever updated or archived.
"""

import logging
import threading

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from ..lib import simpeg_ldap, simpeg_sync
from .res_company_ldap import PROFILE_TO_FIELD, SIMPEG_USER_CONTEXT

_logger = logging.getLogger(__name__)

BATCH_SIZE = 500
ARCHIVE_REASONS = {
    "gone": "no longer in the directory",
    "inactive": "inactive in the directory (kedudukan hukum)",
}


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
    )
    company_id = fields.Many2one(
        comodel_name="res.company", related="ldap_id.company", store=True, index=True
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
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Started by",
        readonly=True,
        default=lambda self: self.env.user,
    )
    date_start = fields.Datetime(string="Start", readonly=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="End", readonly=True)
    seen_count = fields.Integer(string="Entries read", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    reactivated_count = fields.Integer(string="Reactivated", readonly=True)
    archived_count = fields.Integer(string="Archived", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    skipped_count = fields.Integer(
        string="Inactive, not created", readonly=True,
        help="New entries that are inactive in the directory.",
    )
    withheld_count = fields.Integer(string="Archives withheld", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    warning_count = fields.Integer(string="Warnings", readonly=True)
    error_message = fields.Text(string="Failure", readonly=True)
    withheld_reason = fields.Char(string="Why withheld", readonly=True)
    archive_confirmed_by_id = fields.Many2one(
        comodel_name="res.users", string="Archives confirmed by", readonly=True
    )
    archive_confirmed_date = fields.Datetime(string="Archives confirmed on", readonly=True)
    line_ids = fields.One2many(
        comodel_name="ekonsultasi.simpeg.sync.line",
        inverse_name="run_id",
        string="Details",
        readonly=True,
    )

    @api.depends("ldap_id", "mode", "date_start", "dry_run")
    def _compute_display_name(self):
        modes = dict(self._fields["mode"]._description_selection(self.env))
        for run in self:
            name = f"{run.ldap_id.display_name or ''} {modes.get(run.mode, '')} " \
                   f"{fields.Datetime.to_string(run.date_start) or ''}"
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
        servers = self.env["res.company.ldap"].sudo().search(
            [("simpeg_enabled", "=", True), ("ldap_server", "!=", False)]
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
        tracker = {"stamp": None}
        attrs = mapping.attributes() + ["modifyTimestamp"]
        plan = simpeg_sync.plan_sync(
            self._simpeg_entries(config, attrs, modified_since, tracker),
            self._known_users(server),
            full=full,
            mapping=mapping,
            max_archive_share=server.simpeg_max_archive_share / 100.0,
            known_unit_codes=set(codes[0]),
            known_nagari_codes=set(codes[1]),
            dry_run=self.dry_run,
        )
        if not plan.ok:
            _logger.error("SIMPEG synchronisation of %s failed: %s",
                          server.ldap_server, plan.directory_error)
            self._fail(plan.directory_error or self.env._("The directory could not be read."),
                       seen_count=plan.seen)
            return
        lines = []
        if self.dry_run:
            counts = self._preview(server, plan, codes, lines)
        else:
            try:
                with self.env.cr.savepoint():
                    counts = self._apply(server, plan, codes, lines)
            except Exception as exc:  # noqa: BLE001 - logged on the run, nothing kept
                _logger.exception("SIMPEG synchronisation of %s failed", server.ldap_server)
                self._fail(self.env._("Applying the changes failed, nothing was changed: "
                                      "%(error)s", error=exc), seen_count=plan.seen)
                return
            server._simpeg_advance_watermark(tracker["stamp"])
        lines += self._problem_lines(plan)
        # sudo: the run log is written by the sync, whoever starts it
        self.env["ekonsultasi.simpeg.sync.line"].sudo().create(
            [dict(line, run_id=self.id) for line in lines]
        )
        counts.update(
            seen_count=plan.seen,
            skipped_count=plan.skipped_inactive,
            withheld_count=len(plan.withheld_archives),
            warning_count=len(plan.warnings),
            withheld_reason=plan.withheld_reason or False,
            state="to_confirm" if plan.needs_confirmation and not self.dry_run else "done",
            date_end=fields.Datetime.now(),
        )
        counts["error_count"] = counts.get("error_count", 0) + len(plan.errors)
        self.write(counts)

    def _fail(self, message, **values):
        self.write(dict(values, state="failed", error_message=message,
                        date_end=fields.Datetime.now()))

    def _lock_server(self, server):
        """One run per directory at a time (the row stays locked until the
        end of the transaction)."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM res_company_ldap WHERE id = %s FOR UPDATE NOWAIT",
                    (server.id,),
                )
        except psycopg2.errors.LockNotAvailable:
            return False
        return True

    def _simpeg_entries(self, config, attrs, modified_since, tracker):
        """The directory's entries, page by page; ``tracker['stamp']`` gets
        the latest modifyTimestamp seen. Any failure raises
        ``DirectoryError`` (``plan_sync`` then plans nothing)."""
        conn = simpeg_ldap.connect(config)
        latest = tracker["stamp"]
        try:
            for dn, entry in simpeg_ldap.iter_entries(
                conn, config.base, config.filter, attrs, config.page_size,
                modified_since=modified_since, timeout=config.timeout,
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
            except Exception:  # noqa: BLE001 - the server may be gone
                _logger.debug("unbind failed", exc_info=True)

    def _known_users(self, server):
        """login -> KnownUser of the accounts of this directory (archived
        ones too), read without the ORM: only three columns are needed."""
        self.env["res.users"].flush_model(["login", "active", "simpeg_fingerprint",
                                           "simpeg_ldap_id"])
        self.env.cr.execute(
            "SELECT login, simpeg_fingerprint, active FROM res_users WHERE simpeg_ldap_id = %s",
            (server.id,),
        )
        return {
            login: simpeg_sync.KnownUser(login, fingerprint or None, None, bool(active))
            for login, fingerprint, active in self.env.cr.fetchall()
        }

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

    # -- applying ---------------------------------------------------------
    def _apply(self, server, plan, codes, lines):
        # sudo: the sync writes the accounts of its own directory only (simpeg_ldap_id)
        Users = self.env["res.users"].sudo().with_context(active_test=False,
                                                          **SIMPEG_USER_CONTEXT)
        counts = {"error_count": 0}
        counts["created_count"] = self._apply_creates(server, plan.to_create, codes,
                                                      lines, counts)
        ids = self._user_ids(server, [u.login for u in plan.to_update] + plan.to_reactivate
                             + [a.login for a in plan.to_archive])
        updated, same = self._apply_updates(server, Users, plan.to_update, ids, codes,
                                            lines, counts)
        counts.update(updated_count=updated, unchanged_count=plan.unchanged + same)
        reactivate = Users.browse([ids[login] for login in plan.to_reactivate if login in ids])
        reactivate.write({"active": True})
        counts["reactivated_count"] = len(reactivate)
        lines += [
            {"kind": "reactivate", "login": user.login, "user_id": user.id,
             "message": self.env._("active again in the directory")}
            for user in reactivate
        ]
        archive = [a for a in plan.to_archive if a.login in ids]
        Users.browse([ids[a.login] for a in archive]).write({"active": False})
        counts["archived_count"] = len(archive)
        lines += [
            {"kind": "archive", "login": a.login, "dn": a.dn or False,
             "user_id": ids[a.login], "message": ARCHIVE_REASONS.get(a.reason, a.reason)}
            for a in archive
        ]
        return counts

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
                message = self.env._("the login is already used by an account that does "
                                     "not come from this directory: left as it is")
            elif create.profile.get("nip") in taken_nips:
                message = self.env._("the NIP is already recorded on another contact: "
                                     "left as it is")
            else:
                vals_list.append(server._simpeg_user_values(
                    create.profile, create.dn, create.fingerprint, codes))
                continue
            counts["error_count"] += 1
            lines.append({"kind": "error", "login": create.login, "dn": create.dn,
                          "message": message})
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
                        lines.append({"kind": "error", "login": vals["login"],
                                      "dn": vals["simpeg_dn"],
                                      "message": self.env._("not created: %(error)s",
                                                            error=exc)})
            # the created records need not stay in the cache
            self.env.invalidate_all()
        return created

    def _apply_updates(self, server, Users, updates, ids, codes, lines, counts):
        updated = same = 0
        for chunk in simpeg_sync.chunked(updates, BATCH_SIZE):
            chunk = [u for u in chunk if u.login in ids]
            users = Users.browse([ids[u.login] for u in chunk])
            users.fetch(list(PROFILE_TO_FIELD.values()) + ["simpeg_dn"])
            for update, user in zip(chunk, users):
                keys = [k for k in update.changes if k in PROFILE_TO_FIELD]
                diff = self._diff(user, server._simpeg_profile_values(update.profile, codes,
                                                                      keys))
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
                    lines.append({"kind": "error", "login": update.login, "dn": update.dn,
                                  "user_id": user.id,
                                  "message": self.env._("not updated: %(error)s", error=exc)})
                    continue
                updated += 1
                lines.append({"kind": "update", "login": update.login, "dn": update.dn,
                              "user_id": user.id, "message": self._describe_diff(diff)})
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
            parts.append(f"{field.get_description(self.env)['string']}: "
                         f"{old or '-'} → {new or '-'}")
        return "\n".join(parts)

    # -- dry run ----------------------------------------------------------
    def _preview(self, server, plan, codes, lines):
        """The lines and counts of what the plan would do; nothing written."""
        ids = self._user_ids(server, [u.login for u in plan.to_update] + plan.to_reactivate
                             + [a.login for a in plan.to_archive])
        # sudo: reads the accounts of its own directory only (simpeg_ldap_id), writes nothing
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        updated = same = 0
        for update in plan.to_update:
            if update.login not in ids:
                continue
            keys = [k for k in update.changes if k in PROFILE_TO_FIELD]
            user = Users.browse(ids[update.login])
            diff = self._diff(user, server._simpeg_profile_values(update.profile, codes, keys))
            if diff:
                updated += 1
                lines.append({"kind": "update", "login": update.login, "dn": update.dn,
                              "user_id": user.id, "message": self._describe_diff(diff)})
            else:
                same += 1
        lines += [
            {"kind": "create", "login": c.login, "dn": c.dn,
             "message": c.profile.get("name") or ""}
            for c in plan.to_create
        ]
        lines += [
            {"kind": "reactivate", "login": login, "user_id": ids.get(login)}
            for login in plan.to_reactivate
        ]
        lines += [
            {"kind": "archive", "login": a.login, "dn": a.dn or False,
             "user_id": ids.get(a.login), "message": ARCHIVE_REASONS.get(a.reason, a.reason)}
            for a in plan.to_archive
        ]
        return {
            "created_count": len(plan.to_create),
            "updated_count": updated,
            "unchanged_count": plan.unchanged + same,
            "reactivated_count": len(plan.to_reactivate),
            "archived_count": len(plan.to_archive),
            "error_count": 0,
        }

    def _problem_lines(self, plan):
        ids = self._user_ids(self.ldap_id, [w.login for w in plan.warnings if w.login]
                             + [a.login for a in plan.withheld_archives])
        lines = [
            {"kind": "error", "login": e.login or False, "dn": e.dn, "message": str(e)}
            for e in plan.errors
        ]
        lines += [
            {"kind": "warning", "login": w.login or False, "dn": w.dn,
             "user_id": ids.get(w.login), "message": "; ".join(map(str, w.problems))}
            for w in plan.warnings
        ]
        lines += [
            {"kind": "withheld", "login": a.login, "dn": a.dn or False,
             "user_id": ids.get(a.login), "message": ARCHIVE_REASONS.get(a.reason, a.reason)}
            for a in plan.withheld_archives
        ]
        return lines

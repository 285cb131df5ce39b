# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import logging

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.http import request

from ..lib.login import normalize_login
from ..lib.manual import LOGIN_SECTION, manual_url, section_url
from .res_partner import KONSULTI_CONTACT_FIELDS

_logger = logging.getLogger(__name__)

# accounts a directory password never opens: they log in with their local password
PRIVILEGED_GROUPS = (
    "base.group_system",
    "base.group_erp_manager",
    "ekonsultasi_addon.group_ekonsultasi_admin",
)
# failed logins by (kind, key), on the registry as Odoo keeps its own by address
# context key: the account whose password auth_ldap is about to try in the directories
DIRECTORY_USER_KEY = "ekonsultasi_directory_user_id"
KONSULTAN_GROUP = "ekonsultasi_addon.group_ekonsultasi_konsultan"
KONSULTI_GROUP = "ekonsultasi_addon.group_ekonsultasi_konsulti"
ADMIN_GROUP = "ekonsultasi_addon.group_ekonsultasi_admin"


class ResUsers(models.Model):
    """Konsultan and konsulti accounts. Accounts that come from a SIMPEG
    directory are created, updated and archived by the synchronisation; the
    E-Konsultasi administrator (Diskominfo, Pasal 1 angka 12) appoints and
    relieves konsultan, activates and deactivates konsulti and resets their
    access through the actions below, without rights over every group.

    The login door (issue 9):

    * One spelling per login (``lib.login.normalize_login``) from the entry
      of authentication on: the account lookup and auth_ldap's directory
      attempt both use it.
    * The login cooldown counts failures per normalised login, and per
      address over HTTP, around *all* of the login (auth_ldap tries the
      directory after Odoo's own cooldown refused, outside it), with Odoo's
      settings ``base.login_cooldown_after`` / ``base.login_cooldown_duration``.
    * A directory password opens only an account of that directory, or a
      local portal account; never an administrator's account nor a local
      internal one (auth_ldap tries every directory for every account).
    * A directory account gets no password reset: its password is SIMPEG's.
    """

    _inherit = "res.users"

    simpeg_ldap_id = fields.Many2one(
        comodel_name="res.company.ldap",
        string="SIMPEG directory",
        readonly=True,
        index=True,
        copy=False,
        ondelete="set null",
        help="The directory this account comes from. Empty: a local account, "
        "never touched by the synchronisation.",
    )
    simpeg_dn = fields.Char(
        string="Directory entry (DN)",
        readonly=True,
        copy=False,
        help="Distinguished name of the account's entry in the SIMPEG directory, "
        "kept by the synchronisation.",
    )
    simpeg_fingerprint = fields.Char(
        readonly=True,
        copy=False,
        help="Fingerprint of the directory entry at the last synchronisation: an "
        "unchanged entry is skipped next time.",
    )
    ekonsultasi_role = fields.Selection(
        selection=[
            ("konsulti", "Konsulti"),
            ("konsultan", "Konsultan"),
            ("other", "Other"),
        ],
        string="E-Konsultasi role",
        compute="_compute_ekonsultasi_role",
        help="The user's role in the e-konsultasi, from the user's groups: "
        "konsultan, konsulti or other.",
    )

    def _read_format(self, fnames, load="_classic_read"):
        # an account shows its person's contact data as the person does
        # (res.partner._ekonsultasi_hidden_contacts)
        result = super()._read_format(fnames, load=load)
        masked = KONSULTI_CONTACT_FIELDS.intersection(fnames)
        if self.env.su or not masked:
            return result
        # sudo: only to map the accounts to their persons
        partner_of = {user.id: user.partner_id.id for user in self.sudo()}
        partners = self.env["res.partner"].browse(set(partner_of.values()))
        hidden = partners._ekonsultasi_hidden_contacts()
        for values in result:
            if partner_of.get(values.get("id")) in hidden:
                values.update(dict.fromkeys(masked, False))
        return result

    @api.depends("groups_id")
    def _compute_ekonsultasi_role(self):
        konsultan = self.env.ref(KONSULTAN_GROUP)
        konsulti = self.env.ref(KONSULTI_GROUP)
        for user in self:
            groups = user.sudo().groups_id
            user.ekonsultasi_role = (
                "konsultan"
                if konsultan in groups
                else "konsulti"
                if konsulti in groups
                else "other"
            )

    @api.constrains("groups_id")
    def _check_konsultan_eligibility(self):
        group = self.env.ref(
            "ekonsultasi_addon.group_ekonsultasi_konsultan", raise_if_not_found=False
        )
        if not group:
            return
        for user in self:
            if group in user.groups_id and not user.partner_id.is_konsultan_candidate:
                raise ValidationError(
                    self.env._(
                        "%(name)s cannot be made a konsultan: under Pasal 8 ayat (2) "
                        "only a pejabat administrator or a pejabat fungsional ahli "
                        "madya may be given a konsultan account. Record the "
                        "position (kind of position and functional grade) of this "
                        "person first.",
                        name=user.name,
                    )
                )

    def _is_konsultan(self):
        self.ensure_one()
        return self.has_group("ekonsultasi_addon.group_ekonsultasi_konsultan")

    def _is_ekonsultasi_read_only(self):
        """Tim pengelola / Inspektorat members who are not also konsultan or
        helpdesk users: they read everything and write nothing."""
        self.ensure_one()
        return self.has_group(
            "ekonsultasi_addon.group_ekonsultasi_inspektorat"
        ) and not self.has_group("helpdesk_mgmt.group_helpdesk_user_own")

    # ------------------------------------------------------------------
    # The user manual (the Panduan links)
    # ------------------------------------------------------------------
    def _ekonsultasi_manual_role(self):
        """Which part of the user manual is this person's (lib.manual.SECTIONS)."""
        self.ensure_one()
        if self.has_group(ADMIN_GROUP) or self.has_group("base.group_system"):
            return "administrator"
        if self.has_group(KONSULTAN_GROUP):
            return "konsultan"
        if self.has_group("ekonsultasi_addon.group_ekonsultasi_inspektorat") or self.has_group(
            "ekonsultasi_addon.group_ekonsultasi_kepala_pd"
        ):
            return "tim_pengelola"
        if self._is_internal():
            return "konsultan"
        return "konsulti"

    def _ekonsultasi_manual_url(self):
        """The address of this person's part of the user manual."""
        self.ensure_one()
        return manual_url(self._ekonsultasi_manual_base(), self._ekonsultasi_manual_role())

    @api.model
    def _ekonsultasi_manual_login_url(self):
        """The part of the manual on logging in (the login page)."""
        return section_url(self._ekonsultasi_manual_base(), LOGIN_SECTION)

    @api.model
    def _ekonsultasi_manual_base(self):
        # sudo: the address of the manual (a system parameter) is no secret,
        # and konsulti and visitors may not read system parameters
        return self.env["ir.config_parameter"].sudo().get_param("ekonsultasi.manual_url")

    @api.model
    def _ekonsultasi_action_manual(self):
        """The backend's Panduan menu: the manual of the current user's role,
        in a new tab."""
        return {
            "type": "ir.actions.act_url",
            "url": self.env.user._ekonsultasi_manual_url(),
            "target": "new",
        }

    # ------------------------------------------------------------------
    # The administrator's actions on accounts
    # ------------------------------------------------------------------
    @api.model
    def _ekonsultasi_drop_access_rights(self):
        """E-Konsultasi administrators no longer manage every group (Access
        Rights): take that right back from those who got it through the
        group before, unless they are system administrators (migration
        18.0.1.1.0)."""
        admins = self.env.ref(ADMIN_GROUP).users
        erp_manager = self.env.ref("base.group_erp_manager")
        for user in admins.filtered(lambda u: not u.has_group("base.group_system")):
            user.groups_id = [Command.unlink(erp_manager.id)]

    def _ekonsultasi_check_account_admin(self):
        """The E-Konsultasi administrator acts on konsultan and konsulti of
        his companies, never on administrators or system accounts (his own
        included): he manages the rights of konsultan and konsulti, not
        rights over every group."""
        admin = self.env.user
        if not admin._is_superuser() and not admin.has_group(ADMIN_GROUP):
            raise AccessError(
                self.env._("Only the E-Konsultasi administrator manages these accounts.")
            )
        # sudo: groups and companies of the accounts, to check them
        for user in self.sudo():
            if user._is_superuser() or any(user.has_group(g) for g in PRIVILEGED_GROUPS):
                raise AccessError(
                    self.env._(
                        "%(name)s is an administrator account: it is managed in "
                        "Settings by a system administrator.",
                        name=user.name,
                    )
                )
            if not admin._is_superuser() and not (user.company_ids & admin.company_ids):
                raise AccessError(self.env._("%(name)s belongs to another pemda.", name=user.name))

    def action_ekonsultasi_appoint_konsultan(self):
        """Make these accounts konsultan (internal users in the Konsultan
        group); Pasal 8 ayat (2) is checked by the group's constraint."""
        self._ekonsultasi_check_account_admin()
        konsultan = self.env.ref(KONSULTAN_GROUP)
        employee = self.env.ref("base.group_user")
        # sudo: the administrator has no rights over groups; the accounts and
        # the one group he may give were checked just above
        for user in self.sudo():
            user.groups_id = [Command.set((employee | konsultan).ids)]
        return True

    def action_ekonsultasi_relieve_konsultan(self):
        """Relieve konsultan: out of their teams; a directory account becomes
        a konsulti again, a local one keeps no e-konsultasi role."""
        self._ekonsultasi_check_account_admin()
        konsulti = self.env.ref(KONSULTI_GROUP)
        employee = self.env.ref("base.group_user")
        # sudo: as above, the checked accounts only; their open consultations
        # go to another konsultan of the team
        for user in self.sudo():
            teams = self.env["helpdesk.ticket.team"].sudo().search([("user_ids", "in", user.id)])
            teams.write({"user_ids": [Command.unlink(user.id)]})
            user.groups_id = [Command.set(konsulti.ids if user.simpeg_ldap_id else employee.ids)]
            tickets = (
                self.env["helpdesk.ticket"]
                .sudo()
                .search([("user_id", "=", user.id), ("stage_id.closed", "=", False)])
            )
            tickets.user_id = False
            tickets._ekonsultasi_assign_unassigned()
        return True

    def action_ekonsultasi_deactivate(self):
        self._ekonsultasi_check_account_admin()
        # sudo: as above, the checked accounts only
        self.sudo().active = False
        return True

    def action_ekonsultasi_activate(self):
        self._ekonsultasi_check_account_admin()
        # sudo: as above, the checked accounts only
        self.sudo().active = True
        return True

    def action_ekonsultasi_reset_access(self):
        """Send a local account the e-mail to choose a new password (the
        password of a SIMPEG account is the directory's: refused by
        ``_action_reset_password``)."""
        self._ekonsultasi_check_account_admin()
        # sudo: as above, the checked accounts only
        self.sudo().action_reset_password()
        return True

    # ------------------------------------------------------------------
    # The login door (issue 9)
    # ------------------------------------------------------------------
    # -- login ------------------------------------------------------------
    @classmethod
    def _login(cls, db, credential, user_agent_env):
        login = credential.get("login")
        if not isinstance(login, str):
            return super()._login(db, credential, user_agent_env=user_agent_env)
        key = normalize_login(login)
        credential = dict(credential, login=key)
        sources = [("login", key)]
        address = request.httprequest.remote_addr if request else None
        if address:
            sources.append(("address", address))
        with cls.pool.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, cls._ekonsultasi_request_context())
            env[cls._name]._ekonsultasi_check_cooldown(sources, key)
        try:
            auth_info = super()._login(db, credential, user_agent_env=user_agent_env)
        except AccessDenied:
            cls._ekonsultasi_count_failure(sources)
            raise
        cls._ekonsultasi_forget_failures(sources, address)
        return auth_info

    @classmethod
    def _ekonsultasi_request_context(cls):
        """The visitor's language, for the messages of a refused login."""
        env = getattr(request, "env", None) if request else None
        lang = env.lang if env is not None else None
        return {"lang": lang} if lang else {}

    def _ekonsultasi_check_cooldown(self, sources, login):
        """AccessDenied when the login or the address is on cooldown (no
        attempt is made then, none is counted: as Odoo's own cooldown)."""
        counts = self.env["ekonsultasi.login.failure"]._ekonsultasi_counts(sources)
        for source in sources:
            count, previous = counts.get(source, (0, datetime.datetime.min))
            if self._on_login_cooldown(count, previous):
                _logger.warning(
                    "Login attempt of %r refused without trying it: %d failures for the "
                    "%s %r since the last success, the last at %s (base.login_cooldown_*)",
                    login,
                    count,
                    source[0],
                    source[1],
                    previous,
                )
                raise AccessDenied(
                    self.env._("Too many login failures, please wait a bit before trying again.")
                )

    @classmethod
    def _ekonsultasi_count_failure(cls, sources):
        # in a transaction of its own, committed: the login's is rolled back
        with cls.pool.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ekonsultasi.login.failure"]._ekonsultasi_add(sources, datetime.datetime.now())

    @classmethod
    def _ekonsultasi_forget_failures(cls, sources, address):
        with cls.pool.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ekonsultasi.login.failure"]._ekonsultasi_forget(sources)
        # a directory login that created its account succeeded after Odoo's own
        # attempt failed and was counted against the address: forget it, as
        # Odoo does after a success
        odoo_failures = getattr(cls.pool, "_login_failures", None)
        if address and odoo_failures is not None:
            odoo_failures.pop(address, None)

    @api.model
    def _get_login_domain(self, login):
        # every spelling of a login finds its account (auth_ldap compares
        # lower(login) too); ids, not =ilike, so that "%" and "_" stay letters
        self.flush_model(["login"])
        self.env.cr.execute(
            "SELECT id FROM res_users WHERE lower(login) = %s", (normalize_login(login),)
        )
        return [("id", "in", [row[0] for row in self.env.cr.fetchall()])]

    # -- which directories may open an account ---------------------------------
    def _ekonsultasi_directory_refusal(self, ldap_id):
        """Why the password of directory ``ldap_id`` may not open this
        account ("" when it may): the rule of README, *SIMPEG accounts over
        LDAP*."""
        self.ensure_one()
        if any(self.has_group(group) for group in PRIVILEGED_GROUPS):
            return "an administrator's account logs in with its local password only"
        if self.simpeg_ldap_id:
            if self.simpeg_ldap_id.id != ldap_id:
                return "the account comes from another directory"
            return ""
        if not self.share:
            return "a local internal account logs in with its local password only"
        return ""

    def _check_credentials(self, credential, env):
        # auth_ldap tries every directory when the local password fails: it
        # sees only the directories this account may log in through
        user = self.env.user
        try:
            return super(
                ResUsers, self.with_context(**{DIRECTORY_USER_KEY: user.id})
            )._check_credentials(credential, env)
        except AccessDenied:
            if credential.get("type") == "password" and credential.get("password"):
                user._ekonsultasi_log_directories_not_tried()
            raise

    def _ekonsultasi_log_directories_not_tried(self):
        # sudo: the directories are read to log which ones were left out, by id only
        for server in self.env["res.company.ldap"].sudo().search([]):
            reason = self.sudo()._ekonsultasi_directory_refusal(server.id)
            if reason:
                _logger.info(
                    "Login of %r: the password was not tried in directory %s: %s",
                    self.login,
                    server.ldap_server,
                    reason,
                )

    @api.model
    def change_password(self, old_passwd, new_passwd):
        # auth_ldap changes the directory password of an entry with the same
        # login: only in a directory the account may log in through
        return super(
            ResUsers, self.with_context(**{DIRECTORY_USER_KEY: self.env.uid})
        ).change_password(old_passwd, new_passwd)

    # -- password reset ---------------------------------------------------------------
    def _action_reset_password(self, signup_type="reset"):
        directory = self.filtered("simpeg_ldap_id")
        if directory:
            raise UserError(
                self.env._(
                    "The password of %(logins)s is the one of the SIMPEG directory: "
                    "it is changed in SIMPEG, not here.",
                    logins=", ".join(directory.mapped("login")),
                )
            )
        return super()._action_reset_password(signup_type=signup_type)

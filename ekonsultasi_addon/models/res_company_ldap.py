# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SIMPEG directory on top of auth_ldap's ``res.company.ldap``.

auth_ldap keeps the login flow (``res.users._login`` / ``_check_credentials``
call ``_authenticate`` and ``_get_or_create_user`` of each server); for a
server marked *SIMPEG directory* this model

* checks the password with ``lib.simpeg_ldap.authenticate`` (login escaped in
  the filter, single entry, network and operation time-outs, ldaps or
  STARTTLS with the certificate checked),
* creates the account of a first login as a **portal** user in the Konsulti
  group with the SIMPEG profile (never by copying a template user, which
  could be internal),
* gives the administrator an editable attribute mapping and the settings of
  the synchronisation (``ekonsultasi.simpeg.sync.run``).

The login door (issue 9, README): an entry inactive in the directory is
refused (the sync's ``is_active``); a directory password opens only the
accounts the directory may open (``res.users._ekonsultasi_directory_refusal``);
a directory that fails or an account that cannot be created makes a refused
login, never an error page.
"""

import logging

import ldap

from odoo import Command, api, fields, models
from odoo.exceptions import AccessDenied, UserError, ValidationError
from odoo.tools.misc import str2bool

from ..lib import simpeg_ldap, simpeg_mapping, simpeg_sync
from ..lib.login import normalize_login
from .ekonsultasi_simpeg_mapping_line import default_mapping_lines
from .res_users import DIRECTORY_USER_KEY

_logger = logging.getLogger(__name__)

# a directory that cannot answer now (stopped, unreachable, hanging, busy),
# as opposed to one that answers: the konsulti is told, not "wrong password"
DIRECTORY_UNREACHABLE = (
    ldap.SERVER_DOWN,
    ldap.TIMEOUT,
    ldap.CONNECT_ERROR,
    ldap.UNAVAILABLE,
    ldap.BUSY,
)

# fields added to the configuration dictionaries of auth_ldap (_get_ldap_dicts)
SIMPEG_CONF_FIELDS = [
    "simpeg_enabled",
    "ldap_ssl",
    "ldap_ca_file",
    "ldap_tls_require_cert",
    "ldap_timeout",
]

# profile key of lib.simpeg_mapping -> res.users / res.partner field
PROFILE_TO_FIELD = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "mobile": "mobile",
    "nip": "nip",
    "nik": "nik",
    "asn_type": "asn_type",
    "konsulti_origin": "konsulti_origin",
    "jabatan_name": "jabatan_name",
    "jenis_jabatan": "jenis_jabatan",
    "jenjang_fungsional": "jenjang_fungsional",
    "unit_kerja_code": "perangkat_daerah_id",
    "nagari_code": "desa_id",
}

# creating accounts from the directory: no invitation e-mail, no chatter
SIMPEG_USER_CONTEXT = {
    "no_reset_password": True,
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


class ResCompanyLdap(models.Model):
    _inherit = "res.company.ldap"

    # auth_ldap leaves the bind password readable by whoever reads the record
    ldap_password = fields.Char(groups="base.group_system")
    simpeg_enabled = fields.Boolean(
        string="SIMPEG directory",
        help="Konsulti log in with their NIP (or directory identifier) and "
        "directory password; their account is a portal account in the "
        "Konsulti group with the profile read from the directory, and the "
        "accounts are synchronised with the directory.",
    )
    ldap_ssl = fields.Boolean(
        string="Use LDAPS",
        help="Connect with ldap:// over TLS (ldaps://, usually port 636) "
        "instead of ldap:// (with STARTTLS when 'Use TLS' is set).",
    )
    ldap_ca_file = fields.Char(
        string="CA certificate file",
        help="Path on the Odoo server of the CA certificate(s) that signed the "
        "directory's certificate. Empty: the system's CAs.",
    )
    ldap_tls_require_cert = fields.Selection(
        selection=[
            ("demand", "Check the certificate"),
            ("allow", "Check if possible"),
            ("never", "Never check (tests only)"),
        ],
        string="Certificate check",
        default="demand",
        required=True,
        help="How the server's TLS certificate is checked: always (recommended), "
        "if possible, or never (tests only).",
    )
    ldap_timeout = fields.Integer(
        string="Time-out (s)",
        default=10,
        help="Network and operation time-out of the directory, in seconds.",
    )
    simpeg_people_filter = fields.Char(
        string="People filter",
        default=simpeg_ldap.DEFAULT_FILTER,
        help="LDAP filter of every person the synchronisation reads under the base.",
    )
    simpeg_page_size = fields.Integer(
        string="Page size",
        default=simpeg_ldap.DEFAULT_PAGE_SIZE,
        help="Entries read per page (Simple Paged Results).",
    )
    simpeg_mapping_line_ids = fields.One2many(
        comodel_name="ekonsultasi.simpeg.mapping.line",
        inverse_name="ldap_id",
        string="Attribute mapping",
        copy=True,
        default=lambda self: [
            Command.create({"key": key, "attribute": attribute, "sequence": index})
            for index, (key, attribute) in enumerate(default_mapping_lines())
        ],
        help="Which directory attribute fills which field of the user's profile.",
    )
    simpeg_max_archive_share = fields.Float(
        string="Archive at most (%)",
        default=simpeg_sync.DEFAULT_MAX_ARCHIVE_SHARE * 100,
        help="A full synchronisation that would archive more than this share "
        "of the active accounts of this directory archives none: the "
        "administrator confirms them on the run.",
    )
    simpeg_watermark = fields.Char(
        string="Read up to",
        readonly=True,
        copy=False,
        help="Latest modifyTimestamp of the directory seen by a synchronisation; "
        "the next incremental run reads the entries modified after it.",
    )
    simpeg_run_ids = fields.One2many(
        comodel_name="ekonsultasi.simpeg.sync.run",
        inverse_name="ldap_id",
        string="Synchronisation runs",
        help="The synchronisation runs of this directory, latest first.",
    )
    simpeg_user_count = fields.Integer(
        string="Directory accounts",
        compute="_compute_simpeg_user_count",
        help="Number of accounts that come from this directory.",
    )

    def _compute_simpeg_user_count(self):
        counts = dict(
            self.env["res.users"]
            .with_context(active_test=False)
            ._read_group([("simpeg_ldap_id", "in", self.ids)], ["simpeg_ldap_id"], ["__count"])
        )
        for server in self:
            server.simpeg_user_count = counts.get(server, 0)

    @api.constrains(
        "simpeg_enabled",
        "ldap_filter",
        "simpeg_mapping_line_ids",
        "simpeg_max_archive_share",
        "ldap_timeout",
        "simpeg_page_size",
    )
    def _check_simpeg_settings(self):
        for server in self.filtered("simpeg_enabled"):
            if (server.ldap_filter or "").count("%s") != 1:
                raise ValidationError(
                    self.env._(
                        "The LDAP filter of a SIMPEG directory must contain "
                        "%(placeholder)s exactly once (where the login goes).",
                        placeholder="%s",
                    )
                )
            login = server.simpeg_mapping_line_ids.filtered(lambda line: line.key == "login")
            if login and not login.attribute:
                raise ValidationError(self.env._("The login must be read from an attribute."))
            if not 0 <= server.simpeg_max_archive_share <= 100:
                raise ValidationError(self.env._("The archive share is a percentage (0 to 100)."))
            if server.ldap_timeout < 1 or server.simpeg_page_size < 1:
                raise ValidationError(
                    self.env._("The time-out and the page size must be positive.")
                )

    # ------------------------------------------------------------------
    # auth_ldap hooks
    # ------------------------------------------------------------------
    def _get_ldap_dicts(self):
        # as OCA users_ldap_mail: the new settings travel in the same dicts
        confs = super()._get_ldap_dicts()
        # sudo: the settings (bind password included) are needed for a login,
        # before anyone is authenticated
        extra = {
            row["id"]: row
            for row in self.sudo().browse([c["id"] for c in confs]).read(SIMPEG_CONF_FIELDS)
        }
        for conf in confs:
            conf.update({k: v for k, v in extra.get(conf["id"], {}).items() if k != "id"})
        user_id = self.env.context.get(DIRECTORY_USER_KEY)
        if user_id:
            # auth_ldap is about to try this account's password in the
            # directories: only those it may log in through (README)
            # sudo: the account's groups and directory decide, before anyone is logged in
            user = self.env["res.users"].sudo().browse(user_id)
            confs = [c for c in confs if not user._ekonsultasi_directory_refusal(c["id"])]
        return confs

    def _connect(self, conf):
        """auth_ldap's connection, built by the addon's one builder
        (``simpeg_ldap.open_connection``): plus ldaps://, the CA file, the
        certificate check and time-outs (used by auth_ldap's own query and
        password change of non-SIMPEG servers). Referrals are chased unless
        ``auth_ldap.disable_chase_ref`` is set, as auth_ldap does."""
        # sudo: a system parameter auth_ldap itself reads for any login
        chase_ref_disabled = (
            self.env["ir.config_parameter"].sudo().get_param("auth_ldap.disable_chase_ref")
        )
        return simpeg_ldap.open_connection(
            self._ldap_connection_config(conf), chase_referrals=not str2bool(chase_ref_disabled)
        )

    def _authenticate(self, conf, login, password):
        """The entry of ``login`` when ``password`` is right, else False;
        never an exception: a directory that is down or answers wrong makes
        a refused login, not an error page."""
        try:
            if not conf.get("simpeg_enabled"):
                return super()._authenticate(conf, login, password)
            return self._simpeg_authenticate(conf, login, password)
        except AccessDenied:  # refused, with the reason to show
            raise
        except Exception:  # whatever the directory did, the login is refused
            _logger.exception("Directory %s: login of %r refused", conf.get("ldap_server"), login)
            return False

    def _simpeg_authenticate(self, conf, login, password):
        # sudo: a login: nobody is authenticated yet
        server = self.sudo().browse(conf["id"])
        mapping = server._simpeg_mapping()
        try:
            found = simpeg_ldap.authenticate(
                server._simpeg_config(conf), login, password, attrs=mapping.attributes()
            )
        except (simpeg_ldap.DirectoryError, ValueError) as exc:
            _logger.error(
                "SIMPEG directory %s: login of %r refused: %s", conf["ldap_server"], login, exc
            )
            if isinstance(getattr(exc, "cause", None), DIRECTORY_UNREACHABLE):
                # said on the login page; local accounts are not tried here
                # (auth_ldap asks the directory only for logins it does not
                # know, or whose local password failed)
                lang = self.env["res.users"]._ekonsultasi_request_context()
                raise AccessDenied(
                    self.with_context(**lang).env._(
                        "The SIMPEG directory cannot be reached: logging in with a SIMPEG "
                        "account is not possible right now. Please try again later; if it "
                        "lasts, tell the administrator. Local accounts can still log in."
                    )
                ) from None
            return False
        if found and not simpeg_mapping.is_active(found, mapping):
            # the rule of the synchronisation, which skips and archives them
            _logger.warning(
                "SIMPEG login of %r refused: inactive in the directory (kedudukan hukum "
                "not active), entry %s",
                login,
                found[0],
            )
            return False
        return found or False

    def _map_ldap_attributes(self, conf, login, ldap_entry):
        if not conf.get("simpeg_enabled"):
            return super()._map_ldap_attributes(conf, login, ldap_entry)
        # sudo: a login: nobody is authenticated yet
        server = self.sudo().browse(conf["id"])
        dn, attrs = ldap_entry
        codes = server._simpeg_known_codes()
        profile, problems = simpeg_mapping.map_entry(
            attrs,
            server._simpeg_mapping(),
            known_unit_codes=codes[0],
            known_nagari_codes=codes[1],
        )
        blocking = [str(p) for p in problems if p.blocking]
        if blocking or (profile["login"] or "").lower() != login.strip().lower():
            _logger.warning(
                "SIMPEG login %r: entry %s not usable: %s",
                login,
                dn,
                "; ".join(blocking) or "the login attribute differs",
            )
            raise AccessDenied()
        return server._simpeg_user_values(profile, dn, simpeg_sync.fingerprint(profile), codes)

    def _get_or_create_user(self, conf, login, ldap_entry):
        # auth_ldap comes here when no account has exactly the typed login, and
        # finds one by lower(login): that account must be one the directory
        # may open (README), whatever the spelling
        self.env.cr.execute(
            "SELECT id, active FROM res_users WHERE lower(login)=%s", (normalize_login(login),)
        )
        row = self.env.cr.fetchone()
        if row and row[1]:
            # sudo: the account's groups and directory decide, before anyone is logged in
            user = self.env["res.users"].sudo().browse(row[0])
            reason = user._ekonsultasi_directory_refusal(conf["id"])
            if reason:
                _logger.warning(
                    "Directory login of %r refused by directory %s: %s",
                    login,
                    conf["ldap_server"],
                    reason,
                )
                raise AccessDenied()
            return row[0]
        if row or not conf["create_user"]:  # an archived account stays archived
            raise AccessDenied(
                self.env._("No local user found for LDAP login and not configured to create one")
            )
        try:
            with self.env.cr.savepoint():
                if not conf.get("simpeg_enabled"):
                    return super()._get_or_create_user(conf, login, ldap_entry)
                return self._simpeg_create_first_login_user(conf, login, ldap_entry)
        except AccessDenied:
            raise
        except Exception:  # an account that cannot be made is a refused login
            _logger.exception(
                "Directory login of %r refused: the account could not be created", login
            )
            raise AccessDenied() from None

    def _simpeg_create_first_login_user(self, conf, login, ldap_entry):
        values = self._map_ldap_attributes(conf, login, ldap_entry)
        # sudo: the first login of a konsulti: nobody is authenticated yet
        server = self.sudo().browse(conf["id"])
        if values.get("nip") and server._simpeg_nip_taken(values["nip"]):
            # the same check as the synchronisation's
            _logger.warning(
                "SIMPEG login of %r refused: the NIP %s is already recorded on another contact",
                login,
                values["nip"],
            )
            raise AccessDenied()
        # never a copy of the template user: a konsulti is a portal user
        user = server._simpeg_create_users([values])
        _logger.info("SIMPEG: portal account %s created at first login", login)
        return user.id

    # ------------------------------------------------------------------
    # SIMPEG helpers (also used by the synchronisation)
    # ------------------------------------------------------------------
    def _simpeg_conf(self):
        self.ensure_one()
        for conf in self._get_ldap_dicts():
            if conf["id"] == self.id:
                return conf
        raise UserError(
            self.env._("The LDAP server %(name)s has no address.", name=self.display_name)
        )

    @api.model
    def _ldap_connection_config(self, conf, **values):
        """The ``SimpegLdapConfig`` of the configuration dictionary ``conf``
        (``_get_ldap_dicts``): URI, STARTTLS, CA, certificate check, time-out
        and accounts, the one reading of them; ``values`` add the rest."""
        scheme = "ldaps" if conf.get("ldap_ssl") else "ldap"
        return simpeg_ldap.SimpegLdapConfig(
            uri=f"{scheme}://{conf['ldap_server']}:{conf['ldap_server_port']}",
            base=conf.get("ldap_base") or "",
            bind_dn=conf.get("ldap_binddn") or "",
            bind_password=conf.get("ldap_password") or "",
            starttls=bool(conf.get("ldap_tls")) and not conf.get("ldap_ssl"),
            ca_file=conf.get("ldap_ca_file") or "",
            tls_require_cert=conf.get("ldap_tls_require_cert") or "demand",
            timeout=float(conf.get("ldap_timeout") or 10),
            **values,
        )

    def _simpeg_config(self, conf=None):
        """The ``SimpegLdapConfig`` of this server."""
        self.ensure_one()
        conf = conf or self._simpeg_conf()
        return self._ldap_connection_config(
            conf,
            filter=self.simpeg_people_filter or simpeg_ldap.DEFAULT_FILTER,
            login_filter=conf["ldap_filter"],
            page_size=self.simpeg_page_size or simpeg_ldap.DEFAULT_PAGE_SIZE,
        )

    def _simpeg_mapping(self):
        """The ``SimpegMapping`` of the attribute lines (defaults for the
        fields without a line)."""
        self.ensure_one()
        return simpeg_mapping.SimpegMapping.from_dict(
            {line.key: (line.attribute or "").strip() for line in self.simpeg_mapping_line_ids}
        )

    def _simpeg_known_codes(self):
        """({unit kerja code: perangkat daerah id}, {nagari code: desa id}) of
        the server's company: codes outside them are reported, not guessed."""
        self.ensure_one()
        result = []
        for model in ("ekonsultasi.perangkat.daerah", "ekonsultasi.desa"):
            # sudo: every code of the server's company, whatever the running user's company
            records = (
                self.env[model]
                .sudo()
                .search_read(
                    [("company_id", "=", self.company.id), ("code", "!=", False)], ["code"]
                )
            )
            result.append({rec["code"]: rec["id"] for rec in records})
        return tuple(result)

    def _simpeg_nip_taken(self, nip):
        """True when a contact already has ``nip`` (NIPs are unique)."""
        self.env["res.partner"].flush_model(["nip"])
        self.env.cr.execute("SELECT 1 FROM res_partner WHERE nip = %s LIMIT 1", (nip,))
        return bool(self.env.cr.fetchone())

    def _simpeg_profile_values(self, profile, codes, keys=None):
        """res.users values of the profile keys ``keys`` (default: all)."""
        units, nagari = codes
        values = {}
        for key in keys if keys is not None else PROFILE_TO_FIELD:
            field = PROFILE_TO_FIELD.get(key)
            if not field:
                continue
            value = profile.get(key)
            if key == "unit_kerja_code":
                value = units.get(value)
            elif key == "nagari_code":
                value = nagari.get(value)
            values[field] = value or False
        return values

    def _simpeg_user_values(self, profile, dn, fingerprint, codes):
        """Values of a new konsulti account from a directory profile."""
        self.ensure_one()
        konsulti = self.env.ref("ekonsultasi_addon.group_ekonsultasi_konsulti")
        values = self._simpeg_profile_values(profile, codes)
        values.update(
            login=profile["login"],
            name=profile["name"] or profile["login"],
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
            groups_id=[Command.set(konsulti.ids)],
            simpeg_ldap_id=self.id,
            simpeg_dn=dn,
            simpeg_fingerprint=fingerprint,
        )
        return values

    def _simpeg_create_users(self, vals_list):
        """Create konsulti accounts (portal, Konsulti group) in one batch."""
        # sudo: accounts are made by a login or by the sync, not by a user with rights on users
        users = self.env["res.users"].sudo().with_context(**SIMPEG_USER_CONTEXT).create(vals_list)
        internal = users.filtered(lambda user: not user.share)
        if internal:  # a konsulti is never an internal user
            raise ValidationError(
                self.env._(
                    "Directory accounts must be portal users: %(logins)s",
                    logins=", ".join(internal.mapped("login")),
                )
            )
        return users

    def _simpeg_advance_watermark(self, stamp):
        self.ensure_one()
        if stamp and (not self.simpeg_watermark or stamp > self.simpeg_watermark):
            # sudo: bookkeeping of the sync, written whoever runs it
            self.sudo().simpeg_watermark = stamp

    def _simpeg_modified_since(self):
        """Start of the next incremental read: the second of the latest
        modifyTimestamp already read (None: read everything). That second
        itself is read again: modifyTimestamp counts whole seconds, and an
        entry changed later in the same second as the last one read would
        otherwise wait for the nightly full pass; the entries read twice are
        unchanged, and counted as such."""
        self.ensure_one()
        if not self.simpeg_watermark:
            return None
        return simpeg_ldap.parse_generalized_time(self.simpeg_watermark)

    # ------------------------------------------------------------------
    # actions
    # ------------------------------------------------------------------
    def _simpeg_action_run(self, mode, dry_run=False):
        self.ensure_one()
        if not self.simpeg_enabled:
            raise UserError(self.env._("This LDAP server is not a SIMPEG directory."))
        run = self.env["ekonsultasi.simpeg.sync.run"]._run_sync(self, mode, dry_run=dry_run)
        return run._get_form_action()

    def action_simpeg_sync_full(self):
        return self._simpeg_action_run("full")

    def action_simpeg_sync_incremental(self):
        return self._simpeg_action_run("incremental")

    def action_simpeg_dry_run(self):
        return self._simpeg_action_run("full", dry_run=True)

    def action_simpeg_open_users(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Directory accounts"),
            "res_model": "res.users",
            "view_mode": "list,form",
            "domain": [("simpeg_ldap_id", "=", self.id)],
            "context": {"active_test": False},
        }

    def action_simpeg_reset_mapping(self):
        for server in self:
            server.simpeg_mapping_line_ids = [Command.clear()] + [
                Command.create({"key": key, "attribute": attribute, "sequence": index})
                for index, (key, attribute) in enumerate(default_mapping_lines())
            ]

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .res_partner import KONSULTI_CONTACT_FIELDS

KONSULTAN_GROUP = "ekonsultasi_addon.group_ekonsultasi_konsultan"
KONSULTI_GROUP = "ekonsultasi_addon.group_ekonsultasi_konsulti"
ADMIN_GROUP = "ekonsultasi_addon.group_ekonsultasi_admin"


class ResUsers(models.Model):
    """Konsultan and konsulti accounts. Accounts that come from a SIMPEG
    directory are created, updated and archived by the synchronisation; the
    E-Konsultasi administrator (Diskominfo, Pasal 1 angka 12) appoints and
    relieves konsultan, activates and deactivates konsulti and resets their
    access through the actions below, without rights over every group."""

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
    simpeg_dn = fields.Char(string="Directory entry (DN)", readonly=True, copy=False)
    simpeg_fingerprint = fields.Char(readonly=True, copy=False)
    ekonsultasi_role = fields.Selection(
        selection=[
            ("konsulti", "Konsulti"),
            ("konsultan", "Konsultan"),
            ("other", "Other"),
        ],
        string="E-Konsultasi role",
        compute="_compute_ekonsultasi_role",
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
    # The administrator's actions on accounts
    # ------------------------------------------------------------------
    @api.model
    def _ekonsultasi_drop_access_rights(self):
        """E-Konsultasi administrators no longer manage every group (Access
        Rights): take that right back from those who got it through the
        group before, unless they are system administrators."""
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
            if (
                user._is_superuser()
                or user._is_admin()
                or user.has_group(ADMIN_GROUP)
                or user.has_group("base.group_system")
            ):
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
        """Send a local account the e-mail to choose a new password. The
        password of a SIMPEG account is the directory's: it is reset there."""
        self._ekonsultasi_check_account_admin()
        directory = self.filtered("simpeg_ldap_id")
        if directory:
            raise UserError(
                self.env._(
                    "The password of %(names)s is the one of the SIMPEG directory: "
                    "it is reset in SIMPEG, not here.",
                    names=", ".join(directory.mapped("name")),
                )
            )
        # sudo: as above, the checked accounts only
        self.sudo().action_reset_password()
        return True

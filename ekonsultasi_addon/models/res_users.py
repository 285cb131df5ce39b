# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResUsers(models.Model):
    _inherit = "res.users"

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


class ResUsersSimpeg(models.Model):
    """Accounts that come from a SIMPEG directory: only these are created,
    updated and archived by the synchronisation."""

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

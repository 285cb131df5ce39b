# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskTicketTeam(models.Model):
    """A team of konsultan of a perangkat daerah or of one of its bidang."""

    _inherit = "helpdesk.ticket.team"

    use_sla = fields.Boolean(default=True)
    perangkat_daerah_id = fields.Many2one(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Perangkat daerah",
        index=True,
        help="The agency whose konsultan form this team.",
    )

    @api.constrains("user_ids")
    def _check_members_are_konsultan(self):
        group = self.env.ref("ekonsultasi_addon.group_ekonsultasi_konsultan")
        for team in self:
            outsiders = team.user_ids.filtered(lambda u: group not in u.groups_id)
            if outsiders:
                raise ValidationError(
                    self.env._(
                        "Only konsultan can be members of the team %(team)s; "
                        "give these users the Konsultan role first: %(users)s.",
                        team=team.display_name,
                        users=", ".join(outsiders.mapped("name")),
                    )
                )

    def _get_konsultan_members(self):
        """Members who can receive consultations: active konsultan."""
        self.ensure_one()
        # the id through the cached xml id lookup: env.ref would also query
        # whether the group exists, on every consultation routed
        group_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "ekonsultasi_addon.group_ekonsultasi_konsultan", raise_if_not_found=True
        )
        return self.user_ids.filtered(lambda u: u.active and group_id in u.groups_id.ids)

    def unlink(self):
        result = super().unlink()
        # the policies naming the team lost it: which apply where changed
        self.env["helpdesk.sla"]._ekonsultasi_clear_policies()
        return result

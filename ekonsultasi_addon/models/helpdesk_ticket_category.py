# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskTicketCategory(models.Model):
    """Categories form the taxonomy of Pasal 11 ayat (2): a top category per
    perangkat daerah, its children are the bidang/topics the konsulti picks."""

    _inherit = "helpdesk.ticket.category"
    _check_company_auto = True

    perangkat_daerah_id = fields.Many2one(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Perangkat daerah",
        index=True,
        check_company=True,
        compute="_compute_perangkat_daerah_id",
        store=True,
        readonly=False,
        recursive=True,
        help="The agency that answers the consultations of this category. Set "
        "it on the top category; topics below it inherit it.",
    )
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Konsultan team",
        check_company=True,
        help="The team of konsultan that receives the consultations of this "
        "category (Pasal 12 ayat (2)). Empty: the team of the parent category.",
    )
    description = fields.Text(
        translate=True,
        help="Shown to the konsulti in the portal to help him pick the topic.",
    )

    @api.depends("parent_id.perangkat_daerah_id")
    def _compute_perangkat_daerah_id(self):
        for category in self:
            if category.parent_id:
                category.perangkat_daerah_id = category.parent_id.perangkat_daerah_id

    @api.constrains("team_id", "company_id")
    def _check_team_company(self):
        for category in self.filtered("team_id"):
            team_company = category.team_id.company_id
            if team_company and category.company_id and team_company != category.company_id:
                raise ValidationError(
                    self.env._(
                        "The konsultan team %(team)s belongs to another company "
                        "than the category %(category)s.",
                        team=category.team_id.display_name,
                        category=category.display_name,
                    )
                )

    def _get_routing_team(self):
        """The team of this category or of its nearest ancestor that has one.

        Reads the ancestors of all categories in ``self`` at once (through
        ``parent_path``), so routing a batch costs a constant number of queries.
        Returns a dict ``{category id: team record}``.
        """
        ancestor_ids = {
            int(part)
            for category in self
            for part in (category.parent_path or "").split("/")
            if part
        }
        ancestors = self.browse(ancestor_ids)
        team_of = {cat.id: cat.team_id for cat in ancestors}
        result = {}
        for category in self:
            team = self.env["helpdesk.ticket.team"]
            chain = [int(p) for p in (category.parent_path or "").split("/") if p]
            for cat_id in reversed(chain):
                if team_of.get(cat_id):
                    team = team_of[cat_id]
                    break
            result[category.id] = team
        return result

    def unlink(self):
        result = super().unlink()
        # the policies naming the category lost it: which apply where changed
        self.env["helpdesk.sla"]._ekonsultasi_clear_policies()
        return result

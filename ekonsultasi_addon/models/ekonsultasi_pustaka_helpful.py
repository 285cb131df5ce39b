# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class EkonsultasiPustakaHelpful(models.Model):
    """A konsulti said a Pustaka Jawaban entry answered him while he wrote a
    new consultation, and sent nothing: a consultation avoided. Counted
    once per konsulti and entry."""

    _name = "ekonsultasi.pustaka.helpful"
    _description = "Consultation avoided by a Pustaka Jawaban entry"
    _order = "create_date desc, id desc"

    entry_id = fields.Many2one(
        comodel_name="ekonsultasi.pustaka",
        string="Entry",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        help="The entry that answered the konsulti.",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Konsulti",
        required=True,
        readonly=True,
        ondelete="cascade",
        help="The konsulti it answered.",
    )
    category_id = fields.Many2one(
        comodel_name="helpdesk.ticket.category",
        string="Topic",
        related="entry_id.category_id",
        store=True,
        index=True,
        help="The topic of the entry, for the recap of consultations avoided.",
    )
    perangkat_daerah_id = fields.Many2one(
        related="entry_id.perangkat_daerah_id",
        store=True,
        help="The agency of the entry's topic.",
    )
    company_id = fields.Many2one(
        related="entry_id.company_id",
        store=True,
        help="The pemda of the entry.",
    )

    _sql_constraints = [
        (
            "entry_partner_unique",
            "UNIQUE(entry_id, partner_id)",
            "A konsulti counts once per entry.",
        ),
    ]

    @api.model
    def _ekonsultasi_avoided_by_topic(self, date_from, date_to, companies=None):
        """Consultations avoided between the two datetimes (``create_date``
        in [date_from, date_to)), as ``{topic: count}``."""
        domain = [("create_date", ">=", date_from), ("create_date", "<", date_to)]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        groups = self._read_group(domain, ["category_id"], ["__count"])
        return {category: count for category, count in groups}

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import api, fields, models

from ..lib import recap as rc


class EkonsultasiPustakaHelpful(models.Model):
    """A konsulti said a Pustaka Jawaban entry answered him while he wrote a
    new consultation, and sent nothing: a consultation avoided. Counted
    once per konsulti and entry."""

    _name = "ekonsultasi.pustaka.helpful"
    _description = "Consultation avoided by a Pustaka Jawaban entry"
    _order = "date desc, id desc"

    entry_id = fields.Many2one(
        comodel_name="ekonsultasi.pustaka",
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
    date = fields.Datetime(
        string="Answered on",
        required=True,
        readonly=True,
        index=True,
        default=fields.Datetime.now,
        help="When the konsulti said the entry answered him; the recap counts it in this period.",
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
    def _ekonsultasi_avoided_by_topic(self, date_from, date_to, companies=None, domain=()):
        """Consultations avoided between the two datetimes (``date`` in
        [date_from, date_to)), as ``{topic: count}``."""
        domain = [("date", ">=", date_from), ("date", "<", date_to), *domain]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        groups = self._read_group(domain, ["category_id"], ["__count"])
        return {category: count for category, count in groups}

    @api.model
    def _ekonsultasi_recap_rows(self, wizard):
        """The recap's table of consultations avoided in the period and
        filters of the recap ``wizard``: ``[(agency, topic, count)]``, the
        most avoided first."""
        tz = wizard._ekonsultasi_tz()
        start = rc.local_to_utc(wizard.date_from, tz)
        end = rc.local_to_utc(wizard.date_to + dt.timedelta(days=1), tz)
        domain = []
        if wizard.perangkat_daerah_ids:
            domain.append(("perangkat_daerah_id", "in", wizard.perangkat_daerah_ids.ids))
        if wizard.category_ids:
            domain.append(("category_id", "in", wizard.category_ids.ids))
        counts = self._ekonsultasi_avoided_by_topic(start, end, wizard.company_id, domain)
        rows = [
            (topic.perangkat_daerah_id.name or "", topic.display_name or "", count)
            for topic, count in counts.items()
        ]
        return sorted(rows, key=lambda row: (-row[2], row[0], row[1]))

    @api.model
    def _ekonsultasi_recap_labels(self):
        _ = self.env._
        return {
            "title": _("Consultations avoided (Pustaka Jawaban)"),
            "agency": _("Perangkat daerah"),
            "topic": _("Topic"),
            "count": _("Consultations avoided"),
            "none": _("No konsulti said an entry answered him in this period."),
        }

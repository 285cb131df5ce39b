# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import ikm

SCORES = [
    ("1", "Not good"),
    ("2", "Less than good"),
    ("3", "Good"),
    ("4", "Very good"),
]


def _element(string, question):
    """A score of 1 to 4 (PermenPANRB 14/2017), empty when not answered; its
    help is the question the survey asks."""
    return fields.Selection(
        selection=SCORES,
        string=string,
        readonly=True,
        help=question,
    )


class EkonsultasiSkmResponse(models.Model):
    """One konsulti's answer to the Survei Kepuasan Masyarakat (PermenPANRB
    14/2017) about one closed consultation: a score of 1 to 4 per element
    that applies to a free consultation service (``lib/ikm.APPLICABLE``:
    U4, the fee, is not asked) and a free comment. Asked once the
    consultation is closed, through the rating request of OCA
    ``helpdesk_mgmt_rating`` (its ``rating.rating`` carries the token and
    the overall mark); recorded once, by the flow in sudo, never changed.
    The IKM is computed from these records by ``lib/ikm.py``."""

    _name = "ekonsultasi.skm.response"
    _description = "Satisfaction survey answer (SKM)"
    _order = "response_date desc, id desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Consultation",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        help="The closed consultation the konsulti judged.",
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, help="The pemda of the consultation."
    )
    rating_id = fields.Many2one(
        comodel_name="rating.rating",
        readonly=True,
        ondelete="set null",
        help="The rating of OCA helpdesk_mgmt_rating whose link the konsulti followed: "
        "its overall mark is set from this answer.",
    )
    response_date = fields.Datetime(
        string="Answered on",
        required=True,
        readonly=True,
        default=fields.Datetime.now,
        index=True,
        help="When the konsulti sent the survey; the recap counts it in its period.",
    )
    perangkat_daerah_id = fields.Many2one(
        related="ticket_id.perangkat_daerah_id",
        store=True,
        string="Perangkat daerah",
        help="The agency that answered the consultation.",
    )
    category_id = fields.Many2one(
        related="ticket_id.category_id",
        store=True,
        string="Topic",
        help="The topic (category) of the consultation.",
    )
    user_id = fields.Many2one(
        related="ticket_id.user_id",
        store=True,
        string="Konsultan",
        help="The konsultan in charge of the consultation.",
    )
    u1 = _element(
        "U1 Requirements",
        "Was it easy to give what the consultation asks (account, topic, documents)?",
    )
    u2 = _element("U2 Procedure", "Were the steps of the consultation easy to follow?")
    u3 = _element("U3 Time", "Did the answer come quickly enough?")
    u5 = _element("U5 Answer", "Did the answer meet your question?")
    u6 = _element("U6 Competence", "Did the konsultan master the subject?")
    u7 = _element("U7 Conduct", "Was the konsultan courteous and helpful?")
    u8 = _element("U8 Application", "Did the application work well (on a phone too)?")
    u9 = _element(
        "U9 Complaints and suggestions", "Were your objections and re-submissions handled well?"
    )
    comment = fields.Text(readonly=True, help="What the konsulti wrote freely (optional).")
    ikm_value = fields.Float(
        string="IKM",
        compute="_compute_ikm_value",
        store=True,
        aggregator="avg",
        digits=(16, 2),
        help="Of one answer: the mean of its scores x 25. Of a group in the analysis: the "
        "group's IKM (PermenPANRB 14/2017, from the means per element, as the recap), "
        "empty when it has fewer respondents than the minimum of the settings.",
    )

    _sql_constraints = [
        (
            "ticket_unique",
            "UNIQUE(ticket_id)",
            "The satisfaction survey of a consultation is answered once.",
        ),
    ]

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """The analysis (pivot, graph): the IKM of each group is computed by
        ``lib/ikm`` from its answers, not averaged, and left empty for a
        group with too few respondents."""
        rows = super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
        if any(name.split(":")[0] == "ikm_value" for name in fields):
            minimum = self.env.company.ekonsultasi_ikm_min_respondents
            for row in rows:
                answers = self.search(row.get("__domain", domain))
                result = ikm.compute(
                    [answer._ekonsultasi_scores() for answer in answers], min_respondents=minimum
                )
                row["ikm_value"] = result.value if result.value is not None else False
        return rows

    @api.depends(*ikm.APPLICABLE)
    def _compute_ikm_value(self):
        for response in self:
            result = ikm.compute([response._ekonsultasi_scores()], min_respondents=1)
            response.ikm_value = result.value or 0.0

    def _ekonsultasi_scores(self):
        """``{element: 1..4 or None}`` of this answer, as ``lib/ikm`` reads it."""
        self.ensure_one()
        return {e: int(self[e]) if self[e] else None for e in ikm.APPLICABLE}

    @api.constrains(*ikm.APPLICABLE)
    def _check_some_score(self):
        for response in self:
            if not any(response[e] for e in ikm.APPLICABLE):
                raise ValidationError(
                    self.env._("Please give at least one score (1 to 4) in the survey.")
                )

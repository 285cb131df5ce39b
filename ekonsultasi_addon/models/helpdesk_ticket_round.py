# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskTicketRound(models.Model):
    """One round (putaran) of a consultation. Round 1 starts when the konsulti
    sends the problem (Pasal 11); each re-submission (Pasal 13) starts a new
    round, which the konsultan answers again within the limit."""

    _name = "helpdesk.ticket.round"
    _description = "Consultation round"
    _order = "ticket_id, number"
    _rec_name = "number"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Consultation",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    number = fields.Integer(string="Round", required=True, default=1)
    start_date = fields.Datetime(string="Submitted on", required=True, default=fields.Datetime.now)
    reason = fields.Text(
        string="Reason for re-submission",
        help="Why the konsulti found the previous answer insufficient.",
    )
    answer_date = fields.Datetime(
        string="Answered on",
        readonly=True,
        help="Time of the konsultan's first answer visible to the konsulti in this round.",
    )
    answer_message_id = fields.Many2one(
        comodel_name="mail.message", string="Answer", readonly=True, ondelete="set null"
    )
    answer_user_id = fields.Many2one(comodel_name="res.users", string="Answered by", readonly=True)

    _sql_constraints = [
        (
            "ticket_number_uniq",
            "unique(ticket_id, number)",
            "A consultation cannot have two rounds with the same number.",
        ),
    ]

    @api.depends("ticket_id", "number")
    def _compute_display_name(self):
        for rnd in self:
            rnd.display_name = self.env._(
                "%(ticket)s, round %(number)s",
                ticket=rnd.ticket_id.number,
                number=rnd.number,
            )

    @api.constrains("number", "reason")
    def _check_reason(self):
        for rnd in self:
            if rnd.number > 1 and not (rnd.reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "A re-submitted consultation needs the reason why the "
                        "answer did not meet the konsulti's expectations."
                    )
                )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

EKONSULTASI_STATES = [
    ("new", "New"),
    ("resubmitted", "Re-submitted"),
    ("progress", "In progress"),
    ("waiting", "Waiting for the konsulti"),
    ("answered", "Answered"),
    ("done", "Done"),
]


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    ekonsultasi_state = fields.Selection(
        selection=EKONSULTASI_STATES,
        string="Role in the consultation flow",
        index=True,
        help="What this stage means in the flow of Pasal 11 to 13. The flow "
        "moves a consultation to the stage of the matching role: a new "
        "consultation to 'New', the konsultan's answer to 'Answered', a "
        "re-submission to 'Re-submitted', closing by the konsulti to 'Done'.",
    )

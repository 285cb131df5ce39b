# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

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

    # the stages of each role per team are kept in the registry's cache
    # (helpdesk.ticket.team._ekonsultasi_stage_ids_by_role)

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self.env.registry.clear_cache()
        return stages

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

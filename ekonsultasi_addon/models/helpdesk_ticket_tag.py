# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskTicketTag(models.Model):
    """A tag deleted leaves the SLA policies that named it: the policies'
    cache (``helpdesk.sla._ekonsultasi_policy_ids``) is cleared."""

    _inherit = "helpdesk.ticket.tag"

    def unlink(self):
        result = super().unlink()
        # the policies naming the tag lost it: which apply where changed
        self.env["helpdesk.sla"]._ekonsultasi_clear_policies()
        return result

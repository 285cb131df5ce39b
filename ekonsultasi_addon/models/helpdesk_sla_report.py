# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class HelpdeskSlaReport(models.Model):
    """helpdesk_mgmt_sla's SLA report: a row per SLA line, read only by
    those who may read its consultation (and so only of their company)."""

    _name = "helpdesk.sla.report"
    _inherit = ["helpdesk.sla.report", "ekonsultasi.ticket.access.mixin"]

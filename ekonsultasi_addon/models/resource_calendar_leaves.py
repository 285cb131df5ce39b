# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    """Adding, moving or removing a day off recomputes the answer limits of
    the open consultations whose counting period it touches, and only those,
    and the answer times (in working days) of the answered rounds it falls in."""

    _inherit = "resource.calendar.leaves"

    def _ekonsultasi_spans(self):
        return [
            (leave.calendar_id, leave.date_from, leave.date_to)
            for leave in self
            if not leave.resource_id
        ]

    @api.model
    def _ekonsultasi_recompute(self, spans):
        self.env["helpdesk.ticket.sla"]._ekonsultasi_recompute_for_leaves(spans)
        self.env["helpdesk.ticket.round"]._ekonsultasi_recompute_answer_times(spans)

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        self._ekonsultasi_recompute(leaves._ekonsultasi_spans())
        return leaves

    def write(self, vals):
        before = self._ekonsultasi_spans()
        result = super().write(vals)
        if {"date_from", "date_to", "calendar_id", "resource_id", "time_type"} & set(vals):
            self._ekonsultasi_recompute(before + self._ekonsultasi_spans())
        return result

    def unlink(self):
        spans = self._ekonsultasi_spans()
        result = super().unlink()
        self._ekonsultasi_recompute(spans)
        return result

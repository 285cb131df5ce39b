# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ResourceCalendarAttendance(models.Model):
    """Office hours changed: the working calendars built from them are built
    again (``resource.calendar._ekonsultasi_planning_calendar``)."""

    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        self.env["resource.calendar"]._ekonsultasi_clear_work_calendars()
        return attendances

    def write(self, vals):
        result = super().write(vals)
        self.env["resource.calendar"]._ekonsultasi_clear_work_calendars()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["resource.calendar"]._ekonsultasi_clear_work_calendars()
        return result

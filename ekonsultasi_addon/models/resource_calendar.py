# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

import holidays as holidays_lib
import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import workdays

# The range of days a working calendar is built on around the instants of a
# computation (lib.workdays wants 60 days of room after the last one):
# a week before the earliest, for instants on a day off (RANGE_BEFORE_DAYS);
# after the latest, 90 days when every instant is known (measuring between
# them, RANGE_AFTER_DAYS), 400 when a limit is still to be found after them
# (3 hari kerja, the pauses and two escalation days, across long holidays
# such as Idul Fitri and the year's end, RANGE_PLANNING_DAYS).
RANGE_BEFORE_DAYS = 7
RANGE_AFTER_DAYS = 90
RANGE_PLANNING_DAYS = 400


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    holiday_country_code = fields.Char(
        string="Holidays of country",
        default="ID",
        help="Country whose national holidays and joint leave days (cuti "
        "bersama) are imported into this calendar's days off, with the "
        "Python package holidays.",
    )

    def _ekonsultasi_work_calendar(self, first, last):
        """This calendar as a :class:`workdays.WorkCalendar` between two dates.

        Attendances give the office hours (lines of a given week type or
        period are not supported: the first week's lines are used); global
        leaves (without resource) give the days off, as whole local days.
        """
        self.ensure_one()
        week = {}
        for att in self.attendance_ids.filtered(
            lambda a: not a.resource_id and a.day_period != "lunch" and a.week_type in (False, "0")
        ):
            week.setdefault(int(att.dayofweek), []).append((att.hour_from, att.hour_to))
        tz = pytz.timezone(self.tz or "UTC")
        days_off = set()
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("resource_id", "=", False),
                ("calendar_id", "in", [self.id, False]),
                ("date_to", ">=", dt.datetime.combine(first, dt.time.min)),
                ("date_from", "<=", dt.datetime.combine(last, dt.time.max)),
            ]
        )
        for leave in leaves:
            start = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            end = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            days_off.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
        return workdays.WorkCalendar(self.tz or "UTC", week, days_off, first=first, last=last)

    def _ekonsultasi_work_calendar_around(self, moments, planning=False):
        """:meth:`_ekonsultasi_work_calendar` around the naive UTC datetimes
        ``moments``, with the margins above: ``planning`` when limits are to
        be found after them, else only measured between them."""
        after = RANGE_PLANNING_DAYS if planning else RANGE_AFTER_DAYS
        return self._ekonsultasi_work_calendar(
            min(moments).date() - dt.timedelta(days=RANGE_BEFORE_DAYS),
            max(moments).date() + dt.timedelta(days=after),
        )

    # ------------------------------------------------------------------
    # Holidays
    # ------------------------------------------------------------------

    def _ekonsultasi_holidays(self, year):
        """National holidays and cuti bersama of ``year``, named in Bahasa
        Indonesia: ``{date: name}``."""
        self.ensure_one()
        country = (self.holiday_country_code or "ID").upper()
        try:
            found = holidays_lib.country_holidays(
                country, years=[year], categories=("public", "government"), language="id"
            )
        except (NotImplementedError, KeyError) as error:
            raise UserError(
                self.env._("No holiday list is known for the country %(code)s.", code=country)
            ) from error
        return dict(found.items())

    def action_import_holidays(self, year=None):
        """Add the year's national holidays and cuti bersama as days off
        (global leaves). Days already off are left as they are, so a day the
        administrator edited or added by hand is never overwritten."""
        year = year or fields.Date.context_today(self).year
        Leave = self.env["resource.calendar.leaves"]
        vals_list = []
        for calendar in self:
            tz = pytz.timezone(calendar.tz or "UTC")
            existing = Leave.search(
                [
                    ("calendar_id", "=", calendar.id),
                    ("resource_id", "=", False),
                    ("date_from", "<=", dt.datetime(year, 12, 31, 23, 59, 59)),
                    ("date_to", ">=", dt.datetime(year, 1, 1)),
                ]
            )
            taken = {pytz.utc.localize(leave.date_from).astimezone(tz).date() for leave in existing}
            for day, name in sorted(calendar._ekonsultasi_holidays(year).items()):
                if day in taken:
                    continue
                start = tz.localize(dt.datetime.combine(day, dt.time.min))
                end = tz.localize(dt.datetime.combine(day, dt.time(23, 59, 59)))
                vals_list.append(
                    {
                        "name": name,
                        "calendar_id": calendar.id,
                        "company_id": calendar.company_id.id,
                        "date_from": start.astimezone(pytz.utc).replace(tzinfo=None),
                        "date_to": end.astimezone(pytz.utc).replace(tzinfo=None),
                        "time_type": "leave",
                    }
                )
        return Leave.create(vals_list)

    @api.model
    def _cron_import_holidays(self):
        """Yearly: the holidays of this year and of the next one, for every
        calendar that names a country."""
        calendars = self.search([("holiday_country_code", "!=", False)])
        this_year = fields.Date.context_today(self).year
        for year in (this_year, this_year + 1):
            calendars.action_import_holidays(year)

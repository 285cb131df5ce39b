# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt
import math

import holidays as holidays_lib
import numpy as np
import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, ormcache

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
# The range is widened to whole blocks of this many days (counted from
# 1970-01-01), so that the computations of a few weeks share one cached
# table of attendances.
RANGE_BLOCK_DAYS = 28

# Per database: when (the database's clock, UTC) a change of a calendar,
# an attendance or a day off was last committed in this process (see
# ResourceCalendar._ekonsultasi_planning_generation).
_PLANNING_CLEARED = {}
# set in a transaction's postcommit data once it changed a calendar
CLEAR_KEY = "ekonsultasi_clear_work_calendars"

# What an attendance line's intervals depend on (the key of the cache).
ATTENDANCE_KEY_FIELDS = [
    "dayofweek",
    "week_type",
    "hour_from",
    "hour_to",
    "date_from",
    "date_to",
    "day_period",
    "display_type",
    "resource_id",
]


# What a leave's intervals depend on; every leave of the range on this
# calendar or on none is in the key, whatever its type or resource.
LEAVE_KEY_FIELDS = ["date_from", "date_to", "time_type", "resource_id", "company_id"]


def _bounds(attendance_key):
    """The time zone of an attendance key (see
    ``resource.calendar._ekonsultasi_attendance_key``) and the aware bounds of
    its range: local midnight of its first date and of the day after its
    last."""
    _calendar_id, first, last, tz_name, _two_weeks, _lines = attendance_key
    tz = pytz.timezone(tz_name)
    return (
        tz,
        tz.localize(dt.datetime.combine(first, dt.time.min)),
        tz.localize(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)),
    )


def _epoch(value):
    """An aware datetime as whole UTC epoch seconds (rounded down: Odoo
    ends a day at 23:59:59.999999)."""
    return math.floor(value.timestamp())


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
        """This calendar as a :class:`workdays.WorkCalendar` from the local
        date ``first`` to ``last`` (widened to whole blocks of
        ``RANGE_BLOCK_DAYS``), its working time counted as Odoo counts it.

        The working intervals are those of ``_work_intervals_batch`` without
        resource, in the calendar's time zone: ``_attendance_intervals_batch``
        (attendances with their week type and validity dates, lunch excluded)
        minus ``_leave_intervals_batch`` (global leaves of this calendar or of
        none, of type *Time Off*, with their hours).

        Odoo walks every day of the range in Python (about 50 ms for 400
        days), so the result is cached (``ormcache``) under a key that holds
        everything it depends on, read at each call (two small queries):
        the dates, the time zone and 2-week mode, the hours per day, every
        attendance line of the calendar and every leave of the range that
        could count (as the current user sees them). A change to any of them
        is a new key, in any transaction or worker, so nothing needs
        invalidating; the attendance intervals are cached on their own, so a
        new day off costs only its subtraction.
        """
        self.ensure_one()
        block = RANGE_BLOCK_DAYS
        first = first - dt.timedelta(days=workdays.epoch_day(first) % block)
        last = last + dt.timedelta(days=block - 1 - workdays.epoch_day(last) % block)
        attendance_key = self._ekonsultasi_attendance_key(first, last)
        _tz, start, end = _bounds(attendance_key)
        leaves_key = self._ekonsultasi_key_rows(
            "resource.calendar.leaves",
            [
                ("calendar_id", "in", [False, self.id]),
                ("date_from", "<=", end.astimezone(pytz.utc).replace(tzinfo=None)),
                ("date_to", ">=", start.astimezone(pytz.utc).replace(tzinfo=None)),
            ],
            LEAVE_KEY_FIELDS,
        )
        return self._ekonsultasi_work_calendar_cached(
            (attendance_key, leaves_key, self.hours_per_day)
        )

    def _ekonsultasi_attendance_key(self, first, last):
        """Everything ``_attendance_intervals_batch`` of this calendar between
        two local dates depends on, as a hashable value: the calendar, the
        dates, the time zone, the 2-week mode and every attendance line."""
        return (
            self.id,
            first,
            last,
            self.tz or "UTC",
            self.two_weeks_calendar,
            self._ekonsultasi_key_rows(
                "resource.calendar.attendance",
                [("calendar_id", "=", self.id)],
                ATTENDANCE_KEY_FIELDS,
            ),
        )

    def _ekonsultasi_key_rows(self, model, domain, names):
        """The columns ``names`` of the records of ``model`` in ``domain``
        (as the current user sees them, by id), as a tuple of tuples: a key
        of the cache, read in one query."""
        Model = self.env[model]
        Model.flush_model()
        query = Model._search(domain, order="id")
        return tuple(
            self.env.execute_query(
                query.select(*(SQL.identifier(Model._table, name) for name in names))
            )
        )

    @ormcache("key")
    def _ekonsultasi_work_calendar_cached(self, key):
        """:meth:`_ekonsultasi_work_calendar` for ``key`` = (attendance key,
        leaves, hours per day): Odoo's leave intervals subtracted from the
        attendance intervals (:func:`workdays.subtract`, as
        ``_work_intervals_batch`` subtracts them)."""
        attendance_key, _leaves, hours_per_day = key
        tz, start, end = _bounds(attendance_key)
        starts, ends, days = self._ekonsultasi_attendance_table(attendance_key)
        leaves = self._leave_intervals_batch(start, end, tz=tz)[False]
        starts, ends, days = workdays.subtract(
            starts,
            ends,
            days,
            [_epoch(leave_start) for leave_start, _end, _leave in leaves],
            [_epoch(leave_end) for _start, leave_end, _leave in leaves],
        )
        if not len(starts):
            raise UserError(
                self.env._(
                    "The working calendar %(calendar)s has no working time from "
                    "%(first)s to %(last)s.",
                    calendar=self.display_name,
                    first=attendance_key[1],
                    last=attendance_key[2],
                )
            )
        return workdays.WorkCalendar(
            starts,
            ends,
            days,
            hours_per_day * 3600,
            (_epoch(start), _epoch(end)),
            tz_name=attendance_key[3],
        )

    @ormcache("key")
    def _ekonsultasi_attendance_table(self, key):
        """Odoo's attendance intervals of this calendar for ``key`` (see
        :meth:`_ekonsultasi_attendance_key`), as three read-only arrays:
        starts and ends (UTC epoch seconds), local dates (epoch days)."""
        tz, start, end = _bounds(key)
        intervals = list(self._attendance_intervals_batch(start, end, tz=tz)[False])
        arrays = (
            np.array([_epoch(i[0]) for i in intervals], dtype=np.int64),
            np.array([_epoch(i[1]) for i in intervals], dtype=np.int64),
            np.array([workdays.epoch_day(i[0].date()) for i in intervals], dtype=np.int64),
        )
        for array in arrays:
            array.flags.writeable = False
        return arrays

    def _ekonsultasi_work_calendar_around(self, moments, planning=False):
        """:meth:`_ekonsultasi_work_calendar` around the naive UTC datetimes
        ``moments``, with the margins above: ``planning`` when limits are to
        be found after them, else only measured between them."""
        day = min(moments).date()
        if planning and day == max(moments).date():
            generation = self._ekonsultasi_planning_generation()
            if generation is not None:
                return self._ekonsultasi_planning_calendar(day, generation)
        after = RANGE_PLANNING_DAYS if planning else RANGE_AFTER_DAYS
        return self._ekonsultasi_work_calendar(
            min(moments).date() - dt.timedelta(days=RANGE_BEFORE_DAYS),
            max(moments).date() + dt.timedelta(days=after),
        )

    # ------------------------------------------------------------------
    # The calendar of a day's new limits, kept
    # ------------------------------------------------------------------
    # The limit of every consultation sent on a day is planned on the same
    # range of its calendar. _ekonsultasi_work_calendar reads its cache key
    # (every attendance line and day off of the range) at each call: two
    # queries and 2 ms of a consultation's create (bench/profile_create.py,
    # 0.05 of the ratio of bench/bench_create.py). The range of a day is
    # kept instead, in the registry's cache.
    #
    # What a transaction sees is its snapshot: a calendar is kept only from
    # one that may see every committed change. A transaction that changed a
    # calendar, an attendance or a day off itself builds its calendars (its
    # changes may be rolled back). Once such a change is committed, this
    # process notes when (on the database's clock) and forgets its kept
    # calendars; a transaction begun before then does not use them, and the
    # calendars are kept per generation (that moment), so one built while the
    # change was being committed is never read again. Other processes forget
    # theirs at their next request (the registry's signaling).

    def _ekonsultasi_planning_generation(self):
        """The generation of kept calendars this transaction reads and fills,
        or None when it must build its own: not in sudo (as limits are
        computed; days off do not depend on who asks), a change of the
        calendars made in this transaction, or begun before the last such
        change committed in this process."""
        if not self.env.su or self.env.cr.postcommit.data.get(CLEAR_KEY):
            return None
        cleared = _PLANNING_CLEARED.get(self.env.cr.dbname, dt.datetime.min)
        return cleared if self.env.cr.now() > cleared else None

    @ormcache("self.id", "day", "generation")
    def _ekonsultasi_planning_calendar(self, day, generation):
        """:meth:`_ekonsultasi_work_calendar_around` with ``planning`` for
        instants of ``day``, kept in the registry's cache per calendar, day
        and ``generation``. A :class:`WorkCalendar` is never changed once
        built."""
        self.ensure_one()
        return self.sudo()._ekonsultasi_work_calendar(
            day - dt.timedelta(days=RANGE_BEFORE_DAYS),
            day + dt.timedelta(days=RANGE_PLANNING_DAYS),
        )

    @api.model
    def _ekonsultasi_clear_work_calendars(self):
        """A calendar, an attendance or a day off changed in this transaction:
        it builds its own calendars from now on, and once it is committed
        the kept ones are forgotten (see above)."""
        postcommit = self.env.cr.postcommit
        if postcommit.data.get(CLEAR_KEY):
            return
        postcommit.data[CLEAR_KEY] = True
        registry = self.env.registry
        dbname = self.env.cr.dbname

        @postcommit.add
        def forget():
            with registry.cursor() as cr:
                _PLANNING_CLEARED[dbname] = cr.now()
            registry.clear_cache()

    def write(self, vals):
        result = super().write(vals)
        self._ekonsultasi_clear_work_calendars()
        return result

    def unlink(self):
        result = super().unlink()
        self._ekonsultasi_clear_work_calendars()
        return result

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
        if self:
            # one import per calendar at a time, on whichever node it runs
            # (the scheduled action, the button, code): the calendars' rows
            # are written first, so a second import waits for the first to
            # end, then fails with a serialization error (its snapshot is
            # older than the first's commit) and Odoo runs it again (the
            # request, the next run of the job) on a snapshot that shows the
            # days the first one added; it then adds none of them twice
            self.env.cr.execute(
                "UPDATE resource_calendar SET write_date = now() AT TIME ZONE 'UTC' WHERE id IN %s",
                [tuple(self.ids)],
            )
            self.invalidate_recordset(["write_date"])
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
    def _ekonsultasi_counting_calendars(self):
        """The calendars that answer limits are counted on, by the one rule
        of ``helpdesk.ticket._ekonsultasi_pick_calendar`` (the policy's, else
        the team's, else the company's): the calendars of the active SLA
        policies, and those of the active teams a policy without calendar
        applies to (or of every team, without policy), else the company's."""
        # sudo: the cron and the administrator's import need every company's
        # policies and teams, whoever runs them; nothing is returned but
        # calendars
        Ticket = self.env["helpdesk.ticket"].sudo()
        policies = self.env["helpdesk.sla"].sudo().search([])
        teams = self.env["helpdesk.ticket.team"].sudo().search([])
        calendars = self.browse()
        for company in self.env["res.company"].sudo().search([]):
            company_policies = policies.filtered(
                lambda p, c=company: p.company_id in (c, self.env["res.company"])
            )
            company_teams = teams.filtered(lambda t, c=company: t.company_id == c)
            for policy in company_policies or [None]:
                policy_teams = company_teams
                if policy and policy.team_ids:
                    # a policy of archived or other teams counts for none
                    policy_teams = company_teams & policy.team_ids
                    if not policy_teams:
                        continue
                for team in policy_teams or [None]:
                    calendars |= Ticket._ekonsultasi_pick_calendar(policy, team, company)
        return calendars

    @api.model
    def _ekonsultasi_remove_stray_holidays(self):
        """Remove the holidays imported onto calendars that answer limits
        are not counted on (before 18.0.1.2.1 the import filled Odoo's
        standard calendars too, which then showed them as theirs). Only the
        days the import would add are removed: same day, same name, whole
        day; a day off added by hand stays. Returns the removed days off."""
        Leave = self.env["resource.calendar.leaves"]
        stray = self.search([]) - self._ekonsultasi_counting_calendars()
        removed = Leave.browse()
        for calendar in stray:
            tz = pytz.timezone(calendar.tz or "UTC")
            leaves = Leave.search([("calendar_id", "=", calendar.id), ("resource_id", "=", False)])
            by_year = {}
            for leave in leaves:
                start = pytz.utc.localize(leave.date_from).astimezone(tz)
                end = pytz.utc.localize(leave.date_to).astimezone(tz)
                if start.year not in by_year:
                    by_year[start.year] = calendar._ekonsultasi_holidays(start.year)
                whole_day = (
                    start.time() == dt.time.min
                    and end.time() == dt.time(23, 59, 59)
                    and start.date() == end.date()
                )
                if whole_day and by_year[start.year].get(start.date()) == leave.name:
                    removed |= leave
        removed.unlink()
        return removed

    @api.model
    def _cron_import_holidays(self):
        """Yearly: the holidays of this year and of the next one, for every
        calendar that answer limits are counted on and that names a country
        (not onto Odoo's unused standard calendars)."""
        calendars = self._ekonsultasi_counting_calendars().filtered("holiday_country_code")
        this_year = fields.Date.context_today(self).year
        for year in (this_year, this_year + 1):
            calendars.action_import_holidays(year)

"""Working time as Odoo's resource.calendar counts it (issue 10): the numpy
tables of ``lib/workdays.py`` built by
``resource.calendar._ekonsultasi_work_calendar`` give, for many instants, the
numbers of Odoo's own ``_work_intervals_batch``, ``plan_hours`` (with
``compute_leaves=True``) and ``get_work_hours_count``: for a two-week
calendar, attendances valid for a period only, a day off for half a day, a
day off entered in another time zone, and a time zone with daylight saving.
The end-of-day rule is checked against the working days of Odoo's intervals:
a local date with working time, ending at its last interval's end."""

import datetime as dt

import numpy as np
import pytz
from ekonsultasi_common import EkonsultasiCase, wib
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

from odoo.addons.ekonsultasi_addon.lib import workdays

D = dt.datetime
# Perpres 21/2023, as the data file defines Hari kerja ASN
ASN = [
    (day, start, end, period)
    for day in "0123"
    for start, end, period in ((7.5, 12.0, "morning"), (13.0, 16.0, "afternoon"))
] + [("4", 7.5, 11.5, "morning"), ("4", 13.0, 16.5, "afternoon")]


def attendance(day, start, end, period="morning", **values):
    return Command.create(
        {
            "name": f"{day} {start}-{end}",
            "dayofweek": day,
            "hour_from": start,
            "hour_to": end,
            "day_period": period,
            **values,
        }
    )


def in_zone(tz_name, *args):
    """A wall-clock time of zone ``tz_name`` as the naive UTC datetime Odoo
    stores."""
    local = pytz.timezone(tz_name).localize(D(*args))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestWorkCalendarAsOdoo(TransactionCase):
    """Our arithmetic against Odoo's, instant by instant."""

    # a range of dates around March 2026, and instants in it -------------
    FIRST = dt.date(2026, 2, 2)
    LAST = dt.date(2026, 12, 31)

    def make_calendar(self, lines, tz="Asia/Jakarta", **values):
        return self.env["resource.calendar"].create(
            {
                "name": "Kalender uji",
                "company_id": False,
                "tz": tz,
                "attendance_ids": [Command.clear(), *lines],
                "holiday_country_code": False,
                **values,
            }
        )

    def leave(self, calendar, date_from, date_to, name="Libur"):
        return self.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "calendar_id": calendar.id,
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    def instants(self, start, days, seed=1):
        """Naive UTC instants over ``days`` days from ``start``: every
        boundary of Odoo's working intervals and a second either side, a
        grid of 97 minutes and random ones."""
        end = start + dt.timedelta(days=days)
        rng = np.random.default_rng(seed)
        grid = [start + dt.timedelta(minutes=97 * i) for i in range(days * 24 * 60 // 97)]
        random = [start + dt.timedelta(seconds=int(s)) for s in rng.integers(0, days * 86400, 60)]
        edges = []
        for begin, stop in self.odoo_intervals(self.calendar, start, end):
            for edge in (begin, stop):
                edge = edge.replace(microsecond=0)
                edges += [edge - dt.timedelta(seconds=1), edge, edge + dt.timedelta(seconds=1)]
        return sorted(set(grid + random + edges))

    @staticmethod
    def odoo_intervals(calendar, start, end):
        """Odoo's working intervals between two naive UTC datetimes, as
        naive UTC datetimes."""
        tz = pytz.timezone(calendar.tz)
        found = calendar._work_intervals_batch(
            pytz.utc.localize(start), pytz.utc.localize(end), tz=tz
        )[False]
        return [
            (
                a.astimezone(pytz.utc).replace(tzinfo=None),
                b.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for a, b, _meta in found
        ]

    @staticmethod
    def odoo_day_ends(calendar, start, end):
        """The ends of the working days (local dates with working time) of
        Odoo's intervals from ``start`` to ``end`` (naive UTC), sorted."""
        tz = pytz.timezone(calendar.tz)
        found = calendar._work_intervals_batch(
            pytz.utc.localize(start), pytz.utc.localize(end), tz=tz
        )[False]
        day_end = {}
        for begin, stop, _meta in found:
            day_end[begin.date()] = max(day_end.get(begin.date(), stop), stop)
        return sorted(
            e.astimezone(pytz.utc).replace(tzinfo=None, microsecond=0) for e in day_end.values()
        )

    def work(self):
        return self.calendar._ekonsultasi_work_calendar(self.FIRST, self.LAST)

    def assert_counted_as_odoo(self, start, days=21, hours=(0.5, 7.5, 22.5)):
        """On ``days`` days from ``start`` (naive UTC): the intervals, the
        working hours between instants, ``plan_hours`` and the end-of-day
        rule, ours against Odoo's."""
        calendar, work = self.calendar, self.work()
        end = start + dt.timedelta(days=days)
        # 1. the working intervals themselves
        ours = [
            (a, b)
            for a, b in zip(
                workdays.from_epoch(work.starts), workdays.from_epoch(work.ends), strict=True
            )
            if b > start and a < end
        ]
        theirs = [
            (a.replace(microsecond=0), b.replace(microsecond=0))
            for a, b in self.odoo_intervals(calendar, start, end)
        ]
        ours = [(max(a, start), min(b, end)) for a, b in ours]
        self.assertEqual(ours, theirs)
        instants = self.instants(start, days)
        epoch = workdays.to_epoch(instants)
        # 2. working hours between instants
        for a, b, seconds in zip(
            instants[:-7:3],
            instants[7::3],
            work.working_seconds(epoch[:-7:3], epoch[7::3]),
            strict=True,
        ):
            self.assertAlmostEqual(
                seconds / 3600,
                calendar.get_work_hours_count(a, b),
                delta=1 / 3600,
                msg=f"working hours from {a} to {b}",
            )
        # 3. the working-hours rule: helpdesk_mgmt_sla's plan_hours (on a
        # third of the instants: it takes milliseconds each)
        sample = instants[::3]
        for h in hours:
            limits = workdays.from_epoch(
                work.deadline_working_hours(epoch[::3], np.full(len(sample), h))
            )
            for received, limit in zip(sample, limits, strict=True):
                expected = calendar.plan_hours(h, received, compute_leaves=True)
                self.assertLessEqual(
                    abs((limit - expected).total_seconds()),
                    1,
                    f"{h} working hours after {received}: {limit}, Odoo {expected}",
                )
        # 4. the end-of-day rule on Odoo's working days: day 0 is the first
        # that ends after the receipt
        day_ends = self.odoo_day_ends(
            calendar, start - dt.timedelta(days=2), end + dt.timedelta(days=30)
        )
        for n in (0, 1, 3):
            limits = workdays.from_epoch(work.deadline_end_of_day(epoch, np.full(len(epoch), n)))
            for received, limit in zip(instants, limits, strict=True):
                later = [e for e in day_ends if e > received]
                self.assertEqual(limit, later[n], f"{n} hari kerja after {received}")

    # the cases -----------------------------------------------------------
    def test_two_week_calendar(self):
        """Week 0: Monday to Friday 08-12, 13-16; week 1: Monday to Thursday
        07-12, 13-17, Friday off. Odoo's hours per day: 7 x 5 + 9 x 4 hours
        over 9 days."""
        lines = [attendance(d, 8.0, 12.0, week_type="0") for d in "01234"]
        lines += [attendance(d, 13.0, 16.0, "afternoon", week_type="0") for d in "01234"]
        lines += [attendance(d, 7.0, 12.0, week_type="1") for d in "0123"]
        lines += [attendance(d, 13.0, 17.0, "afternoon", week_type="1") for d in "0123"]
        self.calendar = self.make_calendar(lines, two_weeks_calendar=True)
        self.assertAlmostEqual(self.work().seconds_per_day, self.calendar.hours_per_day * 3600)
        self.assertAlmostEqual(self.calendar.hours_per_day, 71 / 9, places=2)
        self.assert_counted_as_odoo(wib(2026, 3, 2))
        # a Friday of week 1 is no working day: received on the Thursday
        # before, after closing, day 0 is the Monday
        monday = D(2026, 3, 2)
        fridays = [monday + dt.timedelta(days=4 + 7 * w) for w in (0, 1)]
        week_types = [self.env["resource.calendar.attendance"].get_week_type(f) for f in fridays]
        off = fridays[week_types.index(1)]
        thursday = wib(2026, 3, 2, 17, 30) + dt.timedelta(days=off.day - 3)
        limit = self.work().deadline_end_of_day(workdays.to_epoch([thursday]), [0])
        # the Monday after, a week 0 day: 08-12, 13-16
        self.assertEqual(
            workdays.from_epoch(limit)[0], wib(2026, 3, 2, 16) + dt.timedelta(days=off.day + 1)
        )

    def test_attendances_valid_for_a_period(self):
        """Ramadan hours (08.00-15.00, Friday to 15.30) valid for a period,
        the usual hours before and after it."""
        ramadan = {"date_from": dt.date(2026, 2, 18), "date_to": dt.date(2026, 3, 19)}
        before = {"date_to": dt.date(2026, 2, 17)}
        after = {"date_from": dt.date(2026, 3, 20)}
        lines = [attendance(d, s, e, p, **before) for d, s, e, p in ASN]
        lines += [attendance(d, s, e, p, **after) for d, s, e, p in ASN]
        lines += [attendance(d, 8.0, 15.0, **ramadan) for d in "0123"]
        lines += [attendance("4", 8.0, 15.5, **ramadan)]
        self.calendar = self.make_calendar(lines)
        self.assert_counted_as_odoo(wib(2026, 2, 9), days=49)

    def test_half_day_leave(self):
        """Wednesday 4 March 2026 afternoon off (12.00-16.30 WIB): its
        morning still counts, as a shorter working day."""
        self.calendar = self.make_calendar([attendance(*line) for line in ASN])
        self.leave(self.calendar, wib(2026, 3, 4, 12, 0), wib(2026, 3, 4, 16, 30))
        self.assert_counted_as_odoo(wib(2026, 2, 23))
        work = self.work()
        received = workdays.to_epoch([wib(2026, 3, 2, 10, 0), wib(2026, 3, 4, 12, 30)])
        # Monday 10.00, day 2 is the shortened Wednesday: its end, 12.00
        # Wednesday 12.30, after that end: day 0 is Thursday, day 1 Friday
        self.assertEqual(
            workdays.from_epoch(work.deadline_end_of_day(received, [2, 1])),
            [wib(2026, 3, 4, 12, 0), wib(2026, 3, 6, 16, 30)],
        )
        # Monday 10.00 + 3 x 7.5 hours: 5 h on Monday, 7.5 on Tuesday, 4.5
        # on Wednesday morning only, 5.5 on Thursday: 4.5 before the break
        # and one after it
        self.assertEqual(
            workdays.from_epoch(work.deadline_working_hours(received[:1], [22.5]))[0],
            wib(2026, 3, 5, 14, 0),
        )

    def test_leave_entered_in_another_time_zone(self):
        """Days off entered in WITA on a WIB calendar: only the working
        hours they cover are off. Thursday 5 March 00.00-23.59 WITA is
        Wednesday 23.00 to Thursday 22.59 WIB: Thursday is off, not
        Wednesday; Tuesday 10 March 00.00-12.00 WITA ends at 11.00 WIB."""
        self.calendar = self.make_calendar([attendance(*line) for line in ASN])
        self.leave(
            self.calendar,
            in_zone("Asia/Makassar", 2026, 3, 5, 0, 0),
            in_zone("Asia/Makassar", 2026, 3, 5, 23, 59, 59),
        )
        self.leave(
            self.calendar,
            in_zone("Asia/Makassar", 2026, 3, 10, 0, 0),
            in_zone("Asia/Makassar", 2026, 3, 10, 12, 0),
        )
        self.assert_counted_as_odoo(wib(2026, 2, 23))
        work = self.work()
        received = workdays.to_epoch([wib(2026, 3, 3, 10, 0), wib(2026, 3, 9, 17, 0)])
        # Tuesday 3: day 1 Wednesday 4 (whole), day 2 Friday 6
        self.assertEqual(
            workdays.from_epoch(work.deadline_end_of_day(received[:1], [1]))[0],
            wib(2026, 3, 4, 16, 0),
        )
        # Monday 9 after closing: Tuesday 10 is day 0 from 11.00
        self.assertEqual(
            workdays.from_epoch(work.deadline_working_hours(received[1:], [1.0]))[0],
            wib(2026, 3, 10, 12, 0),
        )
        self.assertEqual(
            work.working_seconds(
                workdays.to_epoch([wib(2026, 3, 10, 0, 0)]),
                workdays.to_epoch([wib(2026, 3, 11, 0, 0)]),
            )[0],
            4 * 3600,
        )

    def test_time_zone_with_daylight_saving(self):
        """Europe/Amsterdam across both changes of 2026 (29 March, 25
        October), with a day off on the Monday after each."""
        self.calendar = self.make_calendar(
            [attendance(*line) for line in ASN], tz="Europe/Amsterdam"
        )
        for day in (30, 26):
            month = 3 if day == 30 else 10
            self.leave(
                self.calendar,
                in_zone("Europe/Amsterdam", 2026, month, day, 0, 0),
                in_zone("Europe/Amsterdam", 2026, month, day, 23, 59, 59),
            )
        self.assert_counted_as_odoo(D(2026, 3, 23), days=14, hours=(4.0, 22.5))
        self.assert_counted_as_odoo(D(2026, 10, 19), days=14, hours=(4.0, 22.5))

    def test_cache_follows_every_change(self):
        """The tables are cached across transactions under what they depend
        on: a changed attendance, leave, time zone or 2-week mode is counted
        at once, in the same transaction."""
        self.calendar = self.make_calendar([attendance(*line) for line in ASN])
        monday = workdays.to_epoch([wib(2026, 3, 2, 0, 0)])
        tuesday = workdays.to_epoch([wib(2026, 3, 3, 0, 0)])

        def monday_hours():
            return self.work().working_seconds(monday, tuesday)[0] / 3600

        self.assertEqual(monday_hours(), 7.5)
        self.assertIs(self.work(), self.work(), "cached")
        line = self.calendar.attendance_ids.filtered(
            lambda a: a.dayofweek == "0" and a.day_period == "afternoon"
        )
        line.hour_to = 17.0
        self.assertEqual(monday_hours(), 8.5)
        leave = self.leave(self.calendar, wib(2026, 3, 2, 7, 30), wib(2026, 3, 2, 9, 30))
        self.assertEqual(monday_hours(), 6.5)
        leave.time_type = "other"  # not time off: Odoo counts the hours
        self.assertEqual(monday_hours(), 8.5)
        leave.unlink()
        self.calendar.tz = "Asia/Makassar"  # Monday 00.00 WIB is 01.00 WITA
        self.assertEqual(monday_hours(), 8.5)
        self.assertEqual(
            workdays.from_epoch(self.work().deadline_end_of_day(monday, [0]))[0],
            in_zone("Asia/Makassar", 2026, 3, 2, 17, 0),
        )
        line.unlink()
        self.assertEqual(monday_hours(), 4.5)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestHalfDayOffOnConsultations(EkonsultasiCase):
    """A day off for part of a day moves the answer limits of the open
    consultations as Odoo counts it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_working_calendar()
        cls.policy = cls.env.ref("ekonsultasi_addon.helpdesk_sla_answer_3_days")

    def test_half_day_off_after_submission(self):
        with freeze_time(wib(2026, 3, 2, 10, 0)):  # Monday
            ticket = self.consult(self.konsulti.partner_id)
            self.env.flush_all()
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 5, 16, 0))
        # Thursday 5 March from 12.00: day 3 ends at noon
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Rapat koordinasi daerah",
                "calendar_id": self.calendar.id,
                "date_from": wib(2026, 3, 5, 12, 0),
                "date_to": wib(2026, 3, 5, 16, 0),
            }
        )
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 5, 12, 0))


@tagged("post_install", "-at_install", "ekonsultasi")
class TestCalendarOfADayKept(TransactionCase):
    """The calendar new limits of a day are planned on is kept in the
    registry's cache (``resource.calendar._ekonsultasi_planning_calendar``);
    a transaction begun before a change was committed does not see it and
    must not keep what it built. Real transactions, committed."""

    def committed(self, work):
        """``work(env)`` in a transaction of its own, committed."""
        with self.registry.cursor() as cr:
            return work(api.Environment(cr, SUPERUSER_ID, {}))

    def test_a_transaction_older_than_a_change_keeps_nothing(self):
        calendar_id = self.committed(
            lambda env: (
                env["resource.calendar"]
                .create(
                    {
                        "name": "Kalender uji (cache harian)",
                        "tz": "Asia/Jakarta",
                        "attendance_ids": [attendance(day, 8.0, 16.0) for day in "01234"],
                    }
                )
                .id
            )
        )
        sent = in_zone("Asia/Jakarta", 2031, 3, 3, 10, 0)  # a Monday
        thursday = in_zone("Asia/Jakarta", 2031, 3, 6, 10, 0)

        def thursday_works(env):
            calendar = env["resource.calendar"].browse(calendar_id)
            work = calendar._ekonsultasi_work_calendar_around([sent], planning=True)
            start = int(thursday.replace(tzinfo=dt.timezone.utc).timestamp())
            return work.working_seconds([start], [start + 3600])[0] > 0

        def day_off(env):
            return (
                env["resource.calendar.leaves"]
                .create(
                    {
                        "name": "Cuti bersama uji",
                        "calendar_id": calendar_id,
                        "date_from": in_zone("Asia/Jakarta", 2031, 3, 6, 0, 0),
                        "date_to": in_zone("Asia/Jakarta", 2031, 3, 6, 23, 59, 59),
                    }
                )
                .id
            )

        def remove(env):
            calendar = env["resource.calendar"].browse(calendar_id)
            calendar.leave_ids.unlink()
            calendar.unlink()

        def queries_of_thursday_works(env):
            env.cr.now()  # once per transaction
            before = env.cr.sql_log_count
            self.assertTrue(thursday_works(env))
            return env.cr.sql_log_count - before

        self.addCleanup(self.committed, remove)
        self.assertTrue(self.committed(thursday_works))  # kept for the day
        self.assertEqual(self.committed(queries_of_thursday_works), 0)
        # a day off added, then rolled back: what its transaction built is
        # not kept
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            day_off(env)
            self.assertFalse(thursday_works(env))
            cr.rollback()
        self.assertTrue(self.committed(thursday_works))
        with self.registry.cursor() as older:
            older_env = api.Environment(older, SUPERUSER_ID, {})
            older_env.cr.now()  # its snapshot is taken: before the day off
            self.committed(day_off)
            # it does not see the day off, and what it builds is not kept
            self.assertTrue(thursday_works(older_env))
        self.assertFalse(self.committed(thursday_works))

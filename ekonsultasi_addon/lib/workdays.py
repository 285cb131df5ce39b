"""Working-time arithmetic of the answer limit (Pasal 11 ayat (5), 12 ayat (3)).

A :class:`WorkCalendar` is the working time of a pemda: the weekly office
hours in local time (Odoo's ``resource.calendar`` attendances), the days off
(national holidays, cuti bersama, local days off: Odoo's global leaves) and
the time zone. It answers, for many datetimes at once (numpy arrays of UTC
epoch seconds), the two counting rules of an SLA policy:

``end_of_day`` (the default)
    Something received on a working day before the end of its office hours
    has that day as *day 0*; received after the office closed, on a weekend
    or on a holiday, day 0 is the next working day. The limit of N hari kerja
    is the end of the office hours of the N-th working day after day 0.
    Tuesday 10.00 with N = 3: Friday at closing time.

``working_hours``
    N x the calendar's hours per day of working time, counted from the moment
    of receipt (what OCA ``helpdesk_mgmt_sla`` does with ``plan_hours``).

Both rules rest on one function, the *working-time position* of an instant:
the working seconds elapsed from the start of the calendar's range to that
instant. Adding working time, measuring it between two instants (pauses,
remaining time) and the two rules are differences and inverses of it, done
with ``numpy.searchsorted`` over per-day tables, so a batch of deadlines
costs a few array operations, whatever its size.

Days off are whole local days. Time zones without daylight saving (WIB, WITA,
WIT) convert by a constant offset; others go through ``zoneinfo`` per instant.
Nothing here imports Odoo.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

END_OF_DAY = "end_of_day"
WORKING_HOURS = "working_hours"

DAY = 86400
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

# Perpres 21/2023: 37.5 hours a week from 07.30, breaks of 60 minutes
# (90 on Friday). Hours are local, as floats.
HARI_KERJA_ASN = {
    0: [(7.5, 12.0), (13.0, 16.0)],
    1: [(7.5, 12.0), (13.0, 16.0)],
    2: [(7.5, 12.0), (13.0, 16.0)],
    3: [(7.5, 12.0), (13.0, 16.0)],
    4: [(7.5, 11.5), (13.0, 16.5)],
}


def to_epoch(values):
    """Naive UTC datetimes (as Odoo stores them) to int64 epoch seconds."""
    return np.array(
        [np.datetime64(v.replace(tzinfo=None), "s") for v in values], dtype="datetime64[s]"
    ).astype(np.int64)


def from_epoch(seconds):
    """int64 epoch seconds to naive UTC datetimes."""
    return [dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(s)) for s in np.atleast_1d(seconds)]


def _weekday(epoch_days):
    return (epoch_days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


class WorkCalendar:
    """Working time of a pemda between two dates (local), see the module doc.

    :param tz: IANA time zone, e.g. ``Asia/Jakarta`` (WIB), ``Asia/Makassar``
        (WITA), ``Asia/Jayapura`` (WIT)
    :param attendances: ``{weekday: [(hour_from, hour_to), ...]}`` in local
        hours, Monday = 0
    :param holidays: local dates that are not working days
    :param first: first local date the calendar covers
    :param last: last local date the calendar covers
    """

    def __init__(self, tz, attendances, holidays=(), first=None, last=None):
        self.tz_name = tz
        self.tz = ZoneInfo(tz)
        today = dt.date.today()
        first = first or today - dt.timedelta(days=400)
        last = last or today + dt.timedelta(days=400)
        self.first_day = first.toordinal() - _EPOCH_ORDINAL
        self.last_day = last.toordinal() - _EPOCH_ORDINAL
        width = max((len(v) for v in attendances.values()), default=0) or 1
        # per weekday: interval starts/ends in seconds, padded with empty ones
        self._from = np.zeros((7, width), dtype=np.int64)
        self._to = np.zeros((7, width), dtype=np.int64)
        for weekday, intervals in attendances.items():
            for k, (hour_from, hour_to) in enumerate(sorted(intervals)):
                self._from[weekday, k] = round(hour_from * 3600)
                self._to[weekday, k] = round(hour_to * 3600)
        self._length = self._to - self._from
        self._week_seconds = self._length.sum(axis=1)
        self._day_end = self._to.max(axis=1)
        days = np.arange(self.first_day, self.last_day + 1, dtype=np.int64)
        off = {d.toordinal() - _EPOCH_ORDINAL for d in holidays}
        is_work = self._week_seconds[_weekday(days)] > 0
        if off:
            is_work &= ~np.isin(days, np.fromiter(off, dtype=np.int64))
        self.work_days = days[is_work]
        if not len(self.work_days):
            raise ValueError("The calendar has no working day between its dates.")
        seconds = self._week_seconds[_weekday(self.work_days)]
        # working seconds before each working day, and at its end
        self._cum_end = np.cumsum(seconds)
        self._cum_start = self._cum_end - seconds
        work_days_per_week = int((self._week_seconds > 0).sum()) or 1
        self.seconds_per_day = float(self._week_seconds.sum()) / work_days_per_week
        self._offset = self._constant_offset(first, last)

    # ------------------------------------------------------------------
    # Time zones
    # ------------------------------------------------------------------

    def _constant_offset(self, first, last):
        probes = [
            dt.datetime(y, m, 15) for y in range(first.year, last.year + 1) for m in (1, 4, 7, 10)
        ]
        offsets = {self.tz.utcoffset(p) for p in probes}
        return int(offsets.pop().total_seconds()) if len(offsets) == 1 else None

    def _to_local(self, utc):
        if self._offset is not None:
            return utc + self._offset
        return np.array(
            [
                s
                + int(
                    self.tz.utcoffset(
                        dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(s))
                    ).total_seconds()
                )
                for s in utc
            ],
            dtype=np.int64,
        )

    def _to_utc(self, local):
        if self._offset is not None:
            return local - self._offset
        result = []
        for s in local:
            naive = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(s))
            offset = naive.replace(tzinfo=self.tz).utcoffset()
            result.append(s - int(offset.total_seconds()))
        return np.array(result, dtype=np.int64)

    # ------------------------------------------------------------------
    # Working-time position
    # ------------------------------------------------------------------

    def _check_range(self, days):
        if len(days) and (days.min() < self.first_day or days.max() > self.last_day - 60):
            raise ValueError(
                "A date lies outside the working calendar's range "
                f"({self.first_day}..{self.last_day} in epoch days)."
            )

    def _worked_in_day(self, weekday, tod):
        """Working seconds of the day elapsed at time of day ``tod``."""
        start = self._from[weekday]
        return np.clip(tod[:, None] - start, 0, self._length[weekday]).sum(axis=1)

    def position(self, utc):
        """Working seconds from the start of the range to each UTC instant."""
        utc = np.asarray(utc, dtype=np.int64)
        local = self._to_local(utc)
        day = local // DAY
        self._check_range(day)
        idx = np.searchsorted(self.work_days, day)
        is_work_day = self.work_days[np.minimum(idx, len(self.work_days) - 1)] == day
        worked = np.where(is_work_day, self._worked_in_day(_weekday(day), local - day * DAY), 0)
        return self._cum_start[idx] + worked

    def from_position(self, position):
        """The first UTC instant at which the working-time position is
        reached (an end of office hours when it falls on one)."""
        position = np.asarray(position, dtype=np.int64)
        idx = np.searchsorted(self._cum_end, position, side="left")
        if len(idx) and idx.max() >= len(self.work_days):
            raise ValueError("The result lies beyond the working calendar's range.")
        day = self.work_days[idx]
        weekday = _weekday(day)
        left = position - self._cum_start[idx]
        # the interval where the remaining working seconds run out
        before = np.cumsum(self._length[weekday], axis=1) - self._length[weekday]
        inside = (left[:, None] > before) & (left[:, None] <= before + self._length[weekday])
        k = np.where(inside.any(axis=1), inside.argmax(axis=1), 0)
        rows = np.arange(len(position))
        tod = np.where(
            left > 0,
            self._from[weekday, k] + (left - before[rows, k]),
            self._from[weekday, 0],
        )
        return self._to_utc(day * DAY + tod)

    # ------------------------------------------------------------------
    # The counting rules
    # ------------------------------------------------------------------

    def deadline_end_of_day(self, received, days):
        """End of the office hours of the ``days``-th working day after day 0."""
        received = np.asarray(received, dtype=np.int64)
        local = self._to_local(received)
        day = local // DAY
        self._check_range(day)
        idx = np.searchsorted(self.work_days, day)
        is_work_day = self.work_days[np.minimum(idx, len(self.work_days) - 1)] == day
        after_hours = (local - day * DAY) >= self._day_end[_weekday(day)]
        day0 = idx + (is_work_day & after_hours)
        target = day0 + np.asarray(days, dtype=np.int64)
        if len(target) and target.max() >= len(self.work_days):
            raise ValueError("The result lies beyond the working calendar's range.")
        end_day = self.work_days[target]
        return self._to_utc(end_day * DAY + self._day_end[_weekday(end_day)])

    def deadline_working_hours(self, received, hours):
        """``hours`` of working time after receipt."""
        seconds = np.round(np.asarray(hours, dtype=float) * 3600).astype(np.int64)
        return self.from_position(self.position(received) + seconds)

    def deadline(self, received, days, rule=END_OF_DAY):
        """The limit of ``days`` hari kerja under ``rule``."""
        if rule == WORKING_HOURS:
            return self.deadline_working_hours(
                received, np.asarray(days) * self.seconds_per_day / 3600
            )
        return self.deadline_end_of_day(received, days)

    def working_seconds(self, start, end):
        """Working seconds between two instants (negative if end < start)."""
        return self.position(end) - self.position(start)

    def add_working_seconds(self, start, seconds):
        """The instant ``seconds`` of working time after ``start``."""
        return self.from_position(self.position(start) + np.asarray(seconds, dtype=np.int64))

"""Working-time arithmetic of the answer limit (Pasal 11 ayat (5), 12 ayat (3)).

A :class:`WorkCalendar` is the working time of a pemda over a range of days:
its *working intervals*, sorted and disjoint, as UTC epoch seconds, each with
the local date it belongs to. In the addon they are what Odoo's
``resource.calendar`` says they are: ``_attendance_intervals_batch`` (the
attendances with their week type, 2-week calendars, and their validity
dates) minus ``_leave_intervals_batch`` (the global leaves, with their
hours), as ``_work_intervals_batch`` composes them; see
``models/resource_calendar.py``. :meth:`WorkCalendar.from_week` builds one
from a weekly pattern and whole days off, without Odoo (tests, benchmarks).
Both go through :func:`subtract` and the same arithmetic; no time-zone
arithmetic is left in it.

It answers, for many instants at once (numpy arrays of UTC epoch seconds),
the two counting rules of an SLA policy:

``end_of_day`` (the default)
    A *working day* is a local date with at least one working interval; it
    ends at the end of its last one. Something received before the end of a
    working day has that day as *day 0*; received after it ended, on a
    weekend or on a day off, day 0 is the next working day. The limit of N
    hari kerja is the end of the N-th working day after day 0. Tuesday 10.00
    with N = 3: Friday at closing time. A day off for part of a day (a leave
    of a few hours) leaves a shorter working day that still counts as one
    day: it ends when its last remaining interval ends.

``working_hours``
    N x the calendar's hours per day of working time, counted from the moment
    of receipt (what OCA ``helpdesk_mgmt_sla`` does with ``plan_hours``).

Both rules rest on one function, the *working-time position* of an instant:
the working seconds elapsed from the start of the calendar's range to that
instant. Adding working time, measuring it between two instants (pauses,
remaining time) and the two rules are differences and inverses of it, done
with ``numpy.searchsorted`` over the interval tables, so a batch of deadlines
costs a few array operations, whatever its size.

Nothing here imports Odoo.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

#: the time zone of a calendar that names none (WIB, Sumatera Barat)
DEFAULT_TZ = "Asia/Jakarta"
END_OF_DAY = "end_of_day"
WORKING_HOURS = "working_hours"

DAY = 86400
# instants must lie this long before the end of the range (a limit is found
# after them)
ROOM = 60 * DAY
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


def epoch_day(date):
    """A date as days since 1970-01-01."""
    return date.toordinal() - _EPOCH_ORDINAL


def subtract(starts, ends, days, off_starts, off_ends):
    """Working intervals minus time off.

    ``starts``, ``ends``: the working intervals (sorted, disjoint; adjacent
    ones stay apart), ``days``: the local date (epoch day) of each;
    ``off_starts``, ``off_ends``: the time off, in any order, overlapping or
    not. All in UTC epoch seconds. Returns the pieces of each working
    interval that no time off covers, with the day of their interval, as
    three arrays.
    """
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    days = np.asarray(days, dtype=np.int64)
    off_starts = np.asarray(off_starts, dtype=np.int64)
    off_ends = np.asarray(off_ends, dtype=np.int64)
    keep = off_ends > off_starts
    if not len(starts) or not keep.any():
        return starts, ends, days
    # time off as a sorted union of disjoint intervals
    order = np.argsort(off_starts[keep], kind="stable")
    o_start = off_starts[keep][order]
    o_end = np.maximum.accumulate(off_ends[keep][order])
    new = np.r_[True, o_start[1:] > o_end[:-1]]
    first = np.flatnonzero(new)
    o_start, o_end = o_start[first], o_end[np.r_[first[1:] - 1, len(o_end) - 1]]
    # elementary segments between all boundaries: in a working interval and
    # in no time off
    points = np.unique(np.concatenate([starts, ends, o_start, o_end]))
    seg_start, seg_end = points[:-1], points[1:]
    k = np.searchsorted(starts, seg_start, side="right") - 1
    working = (k >= 0) & (seg_start < ends[np.maximum(k, 0)])
    j = np.searchsorted(o_start, seg_start, side="right") - 1
    off = (j >= 0) & (seg_start < o_end[np.maximum(j, 0)])
    kept = working & ~off
    seg_start, seg_end, k = seg_start[kept], seg_end[kept], k[kept]
    if not len(k):
        return seg_start, seg_end, days[k]
    # contiguous segments of one working interval make one piece
    join = np.r_[False, (seg_start[1:] == seg_end[:-1]) & (k[1:] == k[:-1])]
    first = np.flatnonzero(~join)
    last = np.r_[first[1:] - 1, len(k) - 1]
    return seg_start[first], seg_end[last], days[k[first]]


def _readonly(array):
    array.flags.writeable = False
    return array


class WorkCalendar:
    """Working time of a pemda over a range of days, see the module doc.

    :param starts: UTC epoch seconds at which the working intervals start,
        sorted; with ``ends``, disjoint intervals (adjacent ones may touch)
    :param ends: UTC epoch seconds at which they end
    :param days: the local date of each interval, in days since 1970-01-01
        (the date of its start in the calendar's time zone)
    :param seconds_per_day: working seconds of a hari kerja when a rule
        counts days as hours (Odoo's *Average hours per day*); empty, the
        average working time of the working days of the range
    :param bounds: ``(start, end)``, the UTC epoch seconds of the range the
        intervals were taken from; instants outside it are refused
    :param tz_name: the calendar's time zone, for information
    """

    def __init__(self, starts, ends, days, seconds_per_day, bounds, tz_name="UTC"):
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        days = np.asarray(days, dtype=np.int64)
        real = ends > starts
        starts, ends, days = starts[real], ends[real], days[real]
        if not len(starts):
            raise ValueError("The calendar has no working time in its range.")
        if np.any(starts[1:] < ends[:-1]):
            raise ValueError("Working intervals must be sorted and disjoint.")
        self.tz_name = tz_name
        self.start, self.end = int(bounds[0]), int(bounds[1])
        self.starts, self.ends = _readonly(starts), _readonly(ends)
        self._length = ends - starts
        # working seconds before each interval, and at its end
        self._cum_end = np.cumsum(self._length)
        self._cum_start = self._cum_end - self._length
        # working days (local dates with working time) and when each ends
        self.work_days, inverse = np.unique(days, return_inverse=True)
        self.day_ends = np.zeros(len(self.work_days), dtype=np.int64)
        np.maximum.at(self.day_ends, inverse, ends)
        if np.any(np.diff(self.day_ends) <= 0):
            raise ValueError("Working days must end in the order of their dates.")
        # a calendar may be shared (cached): nothing in it changes
        for array in (self._length, self._cum_end, self._cum_start, self.work_days, self.day_ends):
            _readonly(array)
        self.seconds_per_day = float(seconds_per_day or self._cum_end[-1] / len(self.work_days))

    @classmethod
    def from_week(cls, tz, attendances, holidays=(), first=None, last=None):
        """A calendar from a weekly pattern and whole days off, without Odoo.

        :param tz: IANA time zone, e.g. ``Asia/Jakarta`` (WIB),
            ``Asia/Makassar`` (WITA), ``Asia/Jayapura`` (WIT)
        :param attendances: ``{weekday: [(hour_from, hour_to), ...]}`` in
            local hours, Monday = 0
        :param holidays: local dates that are not working days
        :param first: first local date the calendar covers (default: 400
            days ago)
        :param last: last local date it covers (default: in 400 days)

        Hours per day: the week's working hours over its working weekdays,
        as Odoo's ``hours_per_day``.
        """
        zone = ZoneInfo(tz)
        today = dt.date.today()
        first = first or today - dt.timedelta(days=400)
        last = last or today + dt.timedelta(days=400)

        def utc(day, seconds=0):
            local = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
            return int(local.replace(tzinfo=zone).timestamp())

        week = {
            weekday: sorted((round(h_from * 3600), round(h_to * 3600)) for h_from, h_to in hours)
            for weekday, hours in attendances.items()
        }
        starts, ends, days = [], [], []
        for n in range((last - first).days + 1):
            day = first + dt.timedelta(days=n)
            for sec_from, sec_to in week.get(day.weekday(), ()):
                starts.append(utc(day, sec_from))
                ends.append(utc(day, sec_to))
                days.append(epoch_day(day))
        off = sorted(set(holidays))
        starts, ends, days = subtract(
            starts,
            ends,
            days,
            [utc(day) for day in off],
            [utc(day + dt.timedelta(days=1)) for day in off],
        )
        weekly = [sum(t - f for f, t in hours) for hours in week.values()]
        working = [s for s in weekly if s > 0]
        per_day = sum(working) / len(working) if working else None
        bounds = (utc(first), utc(last + dt.timedelta(days=1)))
        return cls(starts, ends, days, per_day, bounds, tz_name=tz)

    # ------------------------------------------------------------------
    # Working-time position
    # ------------------------------------------------------------------

    def _check_range(self, utc):
        if len(utc) and (utc.min() < self.start or utc.max() > self.end - ROOM):
            raise ValueError(
                "An instant lies outside the working calendar's range "
                f"({self.start}..{self.end - ROOM} in epoch seconds)."
            )

    def position(self, utc):
        """Working seconds from the start of the range to each UTC instant."""
        utc = np.asarray(utc, dtype=np.int64)
        self._check_range(utc)
        # the last interval that starts at or before the instant
        k = np.searchsorted(self.starts, utc, side="right") - 1
        at = np.maximum(k, 0)
        inside = np.clip(utc - self.starts[at], 0, self._length[at])
        return np.where(k >= 0, self._cum_start[at] + inside, 0)

    def from_position(self, position):
        """The first UTC instant at which the working-time position is
        reached (an end of office hours when it falls on one)."""
        position = np.asarray(position, dtype=np.int64)
        k = np.searchsorted(self._cum_end, position, side="left")
        if len(k) and k.max() >= len(self.starts):
            raise ValueError("The result lies beyond the working calendar's range.")
        return self.starts[k] + np.maximum(position - self._cum_start[k], 0)

    # ------------------------------------------------------------------
    # The counting rules
    # ------------------------------------------------------------------

    def deadline_end_of_day(self, received, days):
        """End of the ``days``-th working day after day 0."""
        received = np.asarray(received, dtype=np.int64)
        self._check_range(received)
        # day 0: the first working day that ends after the receipt
        day0 = np.searchsorted(self.day_ends, received, side="right")
        target = day0 + np.asarray(days, dtype=np.int64)
        if len(target) and target.max() >= len(self.day_ends):
            raise ValueError("The result lies beyond the working calendar's range.")
        return self.day_ends[target]

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

"""Figures of the recap report "Rekapitulasi Pelaksanaan Sistem E-Konsultasi".

The tim pengelola makes recap reports of the e-konsultasi (Pasal 14 ayat (3)
huruf d) and the Inspektorat / APIP supervises the service with them
(Pasal 15): how many problems were received, whether the konsultan answered
within 3 hari kerja (Pasal 11 ayat (5), 12 ayat (3)), how often the konsulti
submitted them again (Pasal 13), and who asked: perangkat daerah and nagari
(Pasal 2 huruf a, Pasal 17).

The unit of counting is the **round** (putaran, :class:`RoundRecord`): round 1
is the problem as first sent, each re-submission of Pasal 13 is a new round
with its own limit. The caller (the Odoo report) selects the rounds matching
its filters (perangkat daerah, category, kecamatan/nagari, konsultan), passes
them with the period and gets a :class:`Recap`. Nothing here imports Odoo.

Time
----
Datetimes are naive UTC, as Odoo stores them. The period is a range of local
dates ``first`` .. ``last`` (both included) in the pemda's time zone ``tz``:
it runs from ``first`` 00.00 local (``start``) to the day after ``last``
00.00 local (``end``, excluded). The figures are those known at the
**cutoff**: ``end``, or ``now`` when the report is printed before the period
is over. Anything that happens at or after the cutoff has not happened yet.

Definitions (per round ``r``, cutoff ``c``)
-------------------------------------------
received
    ``start <= r.submitted < end``: the rounds of the period. Every figure
    below except *open at end* is about these rounds only.
first rounds / re-submissions
    received rounds with ``round == 1`` / ``round > 1`` (Pasal 13).
answered
    received and ``r.answered < c``. A round answered after the cutoff counts
    as unanswered in this report.
unanswered
    received minus answered.
answered within the limit (``on_time``)
    received rounds whose outcome at ``c`` (:func:`outcome.outcome`, the one
    definition, on what is known at ``c``) is ``on_time``: answered and
    ``r.answered <= r.deadline``.
late
    received rounds whose outcome at ``c`` is ``answered_late``
    (``late_answered``: answered, after the deadline) or ``late``
    (``late_unanswered``: ``r.deadline < c``, not answered by the cutoff,
    unless the consultation was closed (withdrawn) without an answer before
    its deadline). A round without a deadline is never on time nor late.
closed by the konsulti / closed by the system
    consultations closed in the period (``start <= closed < c``), counted
    once each, on their last round (``r.closed_by`` is set on that round
    only), whenever they were received: closed by the konsulti himself
    (``closed_konsulti``), or by the system because he left the answer
    without reply (``closed_auto``, issue 15). Those a konsultan or an
    administrator closed are in neither.
open at end
    ``r.submitted < c``, not answered before ``c`` and not closed before
    ``c``: the backlog at the end of the period, including rounds submitted
    before the period. Not limited to the received rounds.
average / median answer time
    ``answer_days`` (working days, pauses excluded, computed by the caller
    with :mod:`workdays`) over the answered rounds that carry it; ``None``
    when there is none.
rates (fractions, ``None`` when the denominator is 0)
    ``answer_rate = answered / received``;
    ``on_time_rate = on_time / (on_time + late)`` and
    ``late_rate = late / (on_time + late)``: over the rounds whose outcome is
    known at the cutoff, so an unanswered round past its limit lowers the
    rate while one still within its limit does not;
    ``resubmission_rate = resubmissions / received``.

Breakdowns
----------
The same :class:`Figures` per group (:data:`BREAKDOWNS`): perangkat daerah
(answering), category, konsultan, origin kind of the konsulti (perangkat
daerah or desa/nagari), origin (kind, kecamatan, agency or village) and
kecamatan (village origins only). A group holds the rounds it received in
the period and those open at its end; groups are sorted by received
rounds (most first), then open ones, then name; a missing value (no
konsultan yet) is the key ``None`` and comes last among equals.

Trend
-----
One :class:`TrendRow` per calendar month touched by the period (clipped to
it), with the figures of the rounds received that month, as known at the
end of that month (or ``now``), and the backlog at that moment.

Late list
---------
The received rounds counted as late, by deadline, as :class:`LateRow`.

Everything is one pass over the rounds (plus a binary search over the month
ends for the trend backlog) with the ``statistics`` module for the medians.
"""

import bisect
import calendar as _calendar
import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from . import outcome

MONTH = "month"
QUARTER = "quarter"
SEMESTER = "semester"
YEAR = "year"
DATES = "dates"

PERANGKAT_DAERAH = "perangkat_daerah"
DESA = "desa"

ANSWERED_LATE = "answered_late"
UNANSWERED = "unanswered"

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_ROMAN = ("I", "II", "III", "IV")

_UTC = dt.timezone.utc


# --------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------
def period_bounds(kind, year, index=None):
    """First and last date of a period.

    :param kind: ``"month"`` (index 1-12), ``"quarter"`` (1-4),
        ``"semester"`` (1-2) or ``"year"`` (index ignored)
    :returns: ``(first, last)``, both :class:`datetime.date`, both included
    """
    sizes = {MONTH: (1, 12), QUARTER: (3, 4), SEMESTER: (6, 2), YEAR: (12, 1)}
    if kind not in sizes:
        raise ValueError(f"unknown period kind {kind!r}")
    months, count = sizes[kind]
    if kind == YEAR:
        index = 1
    if not isinstance(index, int) or not 1 <= index <= count:
        raise ValueError(f"a {kind} index runs from 1 to {count}, not {index!r}")
    first_month = (index - 1) * months + 1
    last_month = first_month + months - 1
    last_day = _calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def format_date(day):
    """``1 Januari 2026``: an Indonesian date, without the locale."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def month_label(day):
    """``Januari 2026`` for any date of that month."""
    return f"{MONTHS_ID[day.month - 1]} {day.year}"


def period_label(kind, year=None, index=None, first=None, last=None):
    """Indonesian label of a period.

    ``period_label("month", 2026, 1)`` is ``Januari 2026``; quarter
    ``Triwulan I 2026``, semester ``Semester II 2026``, year ``Tahun 2026``;
    ``period_label("dates", first=..., last=...)`` is
    ``1 Januari 2026 s.d. 31 Maret 2026``.
    """
    if kind == DATES:
        if first is None or last is None:
            raise ValueError("a period of dates needs first and last")
        if first > last:
            raise ValueError("the first date of a period comes before its last")
        if first == last:
            return format_date(first)
        return f"{format_date(first)} s.d. {format_date(last)}"
    period_bounds(kind, year, index)  # validates kind and index
    if kind == MONTH:
        return f"{MONTHS_ID[index - 1]} {year}"
    if kind == QUARTER:
        return f"Triwulan {_ROMAN[index - 1]} {year}"
    if kind == SEMESTER:
        return f"Semester {_ROMAN[index - 1]} {year}"
    return f"Tahun {year}"


def local_to_utc(day, tz):
    """Local midnight starting ``day`` in ``tz`` as a naive UTC datetime."""
    aware = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(tz))
    return aware.astimezone(_UTC).replace(tzinfo=None)


def utc_to_local(moment, tz):
    """Naive UTC datetime to naive local time in ``tz`` (``None`` stays)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=_UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


# --------------------------------------------------------------------------
# Input and output records
# --------------------------------------------------------------------------
class RoundRecord(NamedTuple):
    """One round of one consultation, as the report reads it (a named tuple:
    a yearly recap builds 100,000 of them).

    :param consultation_id: database id of the consultation (ticket)
    :param number: its reference, e.g. ``HT00042``
    :param title: its title
    :param round: 1 for the problem as first sent, 2+ after Pasal 13
    :param submitted: when the round started (naive UTC)
    :param deadline: its answer limit (naive UTC), ``None`` without SLA
    :param answered: the konsultan's first answer of the round, or ``None``
    :param closed: when the consultation was closed (Selesai), or ``None``
    :param perangkat_daerah: the answering agency (of the category)
    :param category: the category (topic), as displayed
    :param konsultan: the konsultan assigned, ``None`` when nobody is
    :param origin_kind: ``"perangkat_daerah"`` or ``"desa"`` (the konsulti's)
    :param origin_name: the konsulti's agency or village
    :param origin_kecamatan: the village's kecamatan (``None`` for agencies)
    :param answer_days: working days from submission to answer (pauses
        excluded), computed by the caller, ``None`` if unanswered
    :param closed_by: on the consultation's last round only, who closed it:
        ``"konsulti"``, ``"staff"`` or ``"auto"`` (the system); ``None``
        on the other rounds and while it is open
    """

    consultation_id: int
    number: str
    title: str
    round: int
    submitted: dt.datetime
    deadline: dt.datetime | None
    answered: dt.datetime | None = None
    closed: dt.datetime | None = None
    perangkat_daerah: str | None = None
    category: str | None = None
    konsultan: str | None = None
    origin_kind: str | None = None
    origin_name: str | None = None
    origin_kecamatan: str | None = None
    answer_days: float | None = None
    closed_by: str | None = None


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Figures:
    """The figure set of the report (see the module doc for definitions)."""

    received: int = 0
    first_rounds: int = 0
    resubmissions: int = 0
    answered: int = 0
    on_time: int = 0
    late: int = 0
    late_answered: int = 0
    late_unanswered: int = 0
    open_at_end: int = 0
    closed_konsulti: int = 0
    closed_auto: int = 0
    average_days: float | None = None
    median_days: float | None = None

    @property
    def unanswered(self):
        return self.received - self.answered

    @property
    def answer_rate(self):
        return _ratio(self.answered, self.received)

    @property
    def on_time_rate(self):
        return _ratio(self.on_time, self.on_time + self.late)

    @property
    def late_rate(self):
        return _ratio(self.late, self.on_time + self.late)

    @property
    def resubmission_rate(self):
        return _ratio(self.resubmissions, self.received)


#: names of the figures, in report order (counts, rates, times)
FIGURES = (
    "received",
    "first_rounds",
    "resubmissions",
    "resubmission_rate",
    "answered",
    "answer_rate",
    "unanswered",
    "on_time",
    "on_time_rate",
    "late",
    "late_rate",
    "late_answered",
    "late_unanswered",
    "open_at_end",
    "closed_konsulti",
    "closed_auto",
    "average_days",
    "median_days",
)
#: the figures that are fractions (shown as percentages)
RATES = frozenset(name for name in FIGURES if name.endswith("_rate"))
#: the figures that are working days
DAYS = frozenset({"average_days", "median_days"})


#: the figures that are counts of rounds
COUNTS = (
    "received",
    "first_rounds",
    "resubmissions",
    "answered",
    "on_time",
    "late",
    "late_answered",
    "late_unanswered",
    "open_at_end",
    "closed_konsulti",
    "closed_auto",
)
#: who closed, as ``RoundRecord.closed_by`` says -> the figure that counts it
CLOSED_FIGURES = {"konsulti": "closed_konsulti", "auto": "closed_auto"}
#: the figures of events at a moment, not of the rounds received in a month:
#: left out of the monthly trend's rows
NOT_IN_TREND = frozenset({"open_at_end", *CLOSED_FIGURES.values()})


class _Accumulator:
    __slots__ = ("counts", "days")

    def __init__(self):
        self.counts = dict.fromkeys(COUNTS, 0)
        self.days = []

    def add(self, flags):
        for name in flags.counted:
            self.counts[name] += 1
        if flags.days is not None:
            self.days.append(flags.days)

    def figures(self):
        return Figures(
            **self.counts,
            average_days=statistics.fmean(self.days) if self.days else None,
            median_days=statistics.median(self.days) if self.days else None,
        )


#: a start no closing comes after: flags computed without a period count no closing
_NEVER_START = dt.datetime.max


class _Flags:
    """What one round adds to the figures at one cutoff."""

    __slots__ = ("counted", "days", "late_status")

    def __init__(self, rnd, received, cutoff, start=_NEVER_START):
        counted = []
        self.days = None
        self.late_status = None
        if received:
            counted.append("received")
            counted.append("first_rounds" if rnd.round <= 1 else "resubmissions")
            # what is known at the cutoff, judged by the one rule of outcome.py
            answered = outcome.known(rnd.answered, cutoff)
            result = outcome.outcome(
                rnd.deadline, answered, outcome.known(rnd.closed, cutoff), cutoff
            )
            if answered is not None:
                counted.append("answered")
                self.days = rnd.answer_days
            if result == outcome.ON_TIME:
                counted.append("on_time")
            elif result == outcome.ANSWERED_LATE:
                self.late_status = ANSWERED_LATE
            elif result == outcome.LATE:
                self.late_status = UNANSWERED
            if self.late_status:
                counted.append("late")
                counted.append(
                    "late_answered" if self.late_status == ANSWERED_LATE else "late_unanswered"
                )
        if _open_at(rnd, cutoff):
            counted.append("open_at_end")
        closed_figure = CLOSED_FIGURES.get(rnd.closed_by)
        if closed_figure and rnd.closed is not None and start <= rnd.closed < cutoff:
            counted.append(closed_figure)
        self.counted = counted


def _open_at(rnd, cutoff):
    return rnd.submitted < cutoff <= _stop(rnd)


_NEVER = dt.datetime.max


def _stop(rnd):
    """When the round stops being open: its answer or the closing."""
    return min(rnd.answered or _NEVER, rnd.closed or _NEVER)


@dataclass(frozen=True)
class BreakdownRow:
    """The figures of one group: ``key`` is a tuple (see :data:`BREAKDOWNS`)."""

    key: tuple
    figures: Figures


@dataclass(frozen=True)
class TrendRow:
    """The figures of one month of the period (``first``..``last`` clipped)."""

    month: dt.date
    first: dt.date
    last: dt.date
    figures: Figures


@dataclass(frozen=True)
class LateRow:
    """A late round: ``status`` is ``"answered_late"`` or ``"unanswered"``."""

    record: RoundRecord
    status: str


def _origin_kind_order(key):
    order = {PERANGKAT_DAERAH: 0, DESA: 1}
    return (order.get(key[0], 2), str(key[0] or ""))


#: breakdown name -> (columns of the key, key function of a round; a key
#: function returning ``None`` leaves the round out of that breakdown)
BREAKDOWNS = {
    "perangkat_daerah": (("perangkat_daerah",), lambda r: (r.perangkat_daerah,)),
    "category": (("category",), lambda r: (r.category,)),
    "konsultan": (("konsultan",), lambda r: (r.konsultan,)),
    "origin_kind": (("origin_kind",), lambda r: (r.origin_kind,)),
    "origin": (
        ("origin_kind", "origin_kecamatan", "origin_name"),
        lambda r: (r.origin_kind, r.origin_kecamatan, r.origin_name),
    ),
    "kecamatan": (
        ("origin_kecamatan",),
        lambda r: (r.origin_kecamatan,) if r.origin_kind == DESA else None,
    ),
}


def _key_order(key):
    return tuple((value is None, "" if value is None else str(value).casefold()) for value in key)


def _sort_rows(name, rows):
    if name == "origin_kind":
        return sorted(rows, key=lambda row: _origin_kind_order(row.key))
    return sorted(
        rows,
        key=lambda row: (-row.figures.received, -row.figures.open_at_end, _key_order(row.key)),
    )


@dataclass(frozen=True)
class Recap:
    """A computed recap; datetimes naive UTC, ``first``/``last`` local dates."""

    first: dt.date
    last: dt.date
    tz: str
    start: dt.datetime
    end: dt.datetime
    cutoff: dt.datetime
    label: str
    filters: tuple
    totals: Figures
    breakdowns: dict
    trend: list
    late: list = field(default_factory=list)

    def local(self, moment):
        """A naive UTC datetime of the recap in local time."""
        return utc_to_local(moment, self.tz)


def _months(first, last):
    """(first day of month, clipped first, clipped last) for each month."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        start = dt.date(year, month, 1)
        end = dt.date(year, month, _calendar.monthrange(year, month)[1])
        months.append((start, max(start, first), min(end, last)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def compute_recap(rounds, first, last, *, now=None, tz="UTC", label=None, filters=()):
    """Compute the recap of ``rounds`` for the local dates ``first``..``last``.

    :param rounds: iterable of :class:`RoundRecord`, already filtered by the
        caller; rounds outside the period are welcome (they feed the backlog)
    :param first: first local date of the period (included)
    :param last: last local date of the period (included)
    :param now: naive UTC datetime of printing: the cutoff when the period
        is not over; ``None`` evaluates at the end of the period
    :param tz: IANA time zone of the pemda (period bounds, months)
    :param label: the period's title, by default :func:`period_label` of
        the dates
    :param filters: ``(name, value)`` pairs shown on the report
    :returns: a :class:`Recap`
    """
    if first > last:
        raise ValueError("the first date of a period comes before its last")
    start = local_to_utc(first, tz)
    end = local_to_utc(last + dt.timedelta(days=1), tz)
    cutoff = end if now is None else min(end, now)

    months = _months(first, last)
    month_starts = [local_to_utc(m[1], tz) for m in months]
    month_cutoffs = [min(local_to_utc(m[2] + dt.timedelta(days=1), tz), cutoff) for m in months]

    totals = _Accumulator()
    groups = {name: {} for name in BREAKDOWNS}
    trend = [_Accumulator() for _ in months]
    backlog_delta = [0] * (len(months) + 1)
    late = []

    for rnd in rounds:
        received = start <= rnd.submitted < end and rnd.submitted < cutoff
        if not received and not rnd.submitted < cutoff:
            continue
        # trend backlog: open at the end of months i0 .. i1 - 1
        i0 = bisect.bisect_right(month_cutoffs, rnd.submitted)
        i1 = bisect.bisect_right(month_cutoffs, _stop(rnd))
        if i0 < i1:
            backlog_delta[i0] += 1
            backlog_delta[i1] -= 1
        flags = _Flags(rnd, received, cutoff, start)
        if not flags.counted:
            continue  # a round from before the period, settled before its end
        totals.add(flags)
        for name, (_columns, key_of) in BREAKDOWNS.items():
            key = key_of(rnd)
            if key is not None:
                group = groups[name]
                acc = group.get(key)
                if acc is None:  # no throw-away accumulator per round
                    acc = group[key] = _Accumulator()
                acc.add(flags)
        if flags.late_status:
            late.append(LateRow(rnd, flags.late_status))
        # trend: received in its month, as known at the month's end
        if received:
            i = i0  # a received round's month: the first month ending after it
            month_flags = _Flags(rnd, True, month_cutoffs[i])
            month_flags.counted = [n for n in month_flags.counted if n not in NOT_IN_TREND]
            trend[i].add(month_flags)

    trend_rows = []
    backlog = 0
    for i, (month, month_first, month_last) in enumerate(months):
        backlog += backlog_delta[i]
        acc = trend[i]
        # a month entirely after ``now`` has no backlog to show yet
        acc.counts["open_at_end"] = backlog if month_starts[i] < cutoff else 0
        trend_rows.append(TrendRow(month, month_first, month_last, acc.figures()))

    late.sort(key=lambda row: (row.record.deadline, row.record.number, row.record.round))
    breakdowns = {
        name: _sort_rows(name, [BreakdownRow(key, acc.figures()) for key, acc in rows.items()])
        for name, rows in groups.items()
    }
    return Recap(
        first=first,
        last=last,
        tz=tz,
        start=start,
        end=end,
        cutoff=cutoff,
        label=label or period_label(DATES, first=first, last=last),
        filters=tuple(filters),
        totals=totals.figures(),
        breakdowns=breakdowns,
        trend=trend_rows,
        late=late,
    )

"""Deadlines of the 3-hari-kerja answer limit (ekonsultasi_addon/lib/workdays.py),
pinned for the cases of issue 3, without Odoo."""

import datetime as dt

import numpy as np
import pytest
from ekonsultasi_lib import workdays as wd

# National holidays and cuti bersama as the holidays package gives them
# (country ID, categories public + government), plus one local day off.
HOLIDAYS_2026_27 = {
    dt.date(2026, 1, 1),  # Tahun Baru Masehi
    dt.date(2026, 3, 18),  # Cuti Bersama Nyepi
    dt.date(2026, 3, 19),  # Nyepi
    dt.date(2026, 3, 20),  # Cuti Bersama Idul Fitri
    dt.date(2026, 3, 21),  # Idul Fitri
    dt.date(2026, 3, 22),
    dt.date(2026, 3, 23),  # Cuti Bersama Idul Fitri
    dt.date(2026, 3, 24),  # Cuti Bersama Idul Fitri
    dt.date(2026, 12, 24),  # Cuti Bersama Natal
    dt.date(2026, 12, 25),  # Natal
    dt.date(2027, 1, 1),  # Tahun Baru Masehi
}


def calendar(tz="Asia/Jakarta", holidays=frozenset(HOLIDAYS_2026_27)):
    return wd.WorkCalendar.from_week(
        tz, wd.HARI_KERJA_ASN, holidays, first=dt.date(2025, 12, 1), last=dt.date(2027, 6, 30)
    )


def utc(local, tz_hours=7):
    """A local wall-clock datetime of a zone UTC+tz_hours, as naive UTC."""
    return local - dt.timedelta(hours=tz_hours)


def deadline(cal, received, days=3, rule=wd.END_OF_DAY):
    return wd.from_epoch(cal.deadline(wd.to_epoch([received]), [days], rule))[0]


D = dt.datetime
CASES = [
    # (case, received local WIB, expected deadline local WIB)
    (
        "Tuesday morning, week of Nyepi and Idul Fitri",
        D(2026, 3, 17, 9, 15),
        D(2026, 3, 27, 16, 30),
    ),
    ("ordinary Tuesday morning", D(2026, 3, 3, 10, 0), D(2026, 3, 6, 16, 30)),
    ("Monday before opening: day 0 is that Monday", D(2026, 3, 2, 6, 0), D(2026, 3, 5, 16, 0)),
    ("Friday after office hours: day 0 is Monday", D(2026, 3, 6, 17, 0), D(2026, 3, 12, 16, 0)),
    ("Friday just before closing", D(2026, 3, 6, 16, 29), D(2026, 3, 11, 16, 0)),
    ("Friday at closing time counts as after hours", D(2026, 3, 6, 16, 30), D(2026, 3, 12, 16, 0)),
    ("Saturday: day 0 is Monday", D(2026, 3, 7, 11, 0), D(2026, 3, 12, 16, 0)),
    ("Sunday night", D(2026, 3, 8, 23, 59), D(2026, 3, 12, 16, 0)),
    ("during the lunch break", D(2026, 3, 3, 12, 30), D(2026, 3, 6, 16, 30)),
    ("year boundary over Christmas and New Year", D(2026, 12, 23, 14, 0), D(2026, 12, 30, 16, 0)),
    ("received on New Year's Day", D(2027, 1, 1, 9, 0), D(2027, 1, 7, 16, 0)),
]


@pytest.mark.parametrize(("case", "received", "expected"), CASES, ids=[c[0] for c in CASES])
def test_end_of_day_rule(case, received, expected):
    cal = calendar()
    assert deadline(cal, utc(received)) == utc(expected), case


def test_batch_equals_one_by_one():
    cal = calendar()
    received = [utc(c[1]) for c in CASES]
    batch = wd.from_epoch(cal.deadline_end_of_day(wd.to_epoch(received), np.full(len(CASES), 3)))
    assert batch == [utc(c[2]) for c in CASES]


def test_wita_calendar():
    """A pemda in WITA: the same wall-clock rules, eight hours ahead of UTC."""
    cal = calendar("Asia/Makassar")
    received = utc(D(2026, 3, 3, 10, 0), tz_hours=8)
    assert deadline(cal, received) == utc(D(2026, 3, 6, 16, 30), tz_hours=8)
    # 16.45 WITA on Friday is after hours there (08.45 UTC), day 0 is Monday
    received = utc(D(2026, 3, 6, 16, 45), tz_hours=8)
    assert deadline(cal, received) == utc(D(2026, 3, 12, 16, 0), tz_hours=8)


def test_wit_calendar():
    cal = calendar("Asia/Jayapura")
    received = utc(D(2026, 3, 3, 10, 0), tz_hours=9)
    assert deadline(cal, received) == utc(D(2026, 3, 6, 16, 30), tz_hours=9)


def test_holiday_added_after_submission_moves_the_deadline():
    received = utc(D(2026, 3, 3, 10, 0))
    assert deadline(calendar(), received) == utc(D(2026, 3, 6, 16, 30))
    with_local_day_off = HOLIDAYS_2026_27 | {dt.date(2026, 3, 5)}
    assert deadline(calendar(holidays=with_local_day_off), received) == utc(D(2026, 3, 9, 16, 0))


def test_working_hours_rule():
    """3 x 7.5 hours of working time from receipt (OCA's rule)."""
    cal = calendar()
    # Tuesday 10.00: 5 h left that day (10-12, 13-16), 7.5 on Wednesday,
    # 7.5 on Thursday = 20 h; 2.5 h more on Friday from 07.30: 10.00
    received = utc(D(2026, 3, 3, 10, 0))
    assert deadline(cal, received, rule=wd.WORKING_HOURS) == utc(D(2026, 3, 6, 10, 0))
    # Friday 15.00 (1.5 h left): Monday and Tuesday 7.5 h each, then 6 h on
    # Wednesday: 4.5 h in the morning, 1.5 h after the break: 14.30
    received = utc(D(2026, 3, 6, 15, 0))
    assert deadline(cal, received, rule=wd.WORKING_HOURS) == utc(D(2026, 3, 11, 14, 30))
    # over the Nyepi and Idul Fitri days off
    received = utc(D(2026, 3, 17, 10, 0))
    assert deadline(cal, received, rule=wd.WORKING_HOURS) == utc(D(2026, 3, 27, 10, 0))


def test_pause_and_resume_do_not_count_paused_time():
    cal = calendar()
    received = wd.to_epoch([utc(D(2026, 3, 3, 10, 0))])
    first = cal.deadline_end_of_day(received, [3])  # Friday 6 March 16.30
    paused = wd.to_epoch([utc(D(2026, 3, 4, 10, 0))])  # Wednesday 10.00
    remaining = cal.working_seconds(paused, first)
    assert remaining[0] == (5 + 7.5 + 7.5) * 3600
    resumed = wd.to_epoch([utc(D(2026, 3, 9, 10, 0))])  # Monday 10.00
    new = cal.add_working_seconds(resumed, remaining)
    # Monday 10.00 + 20 h: Monday 5 h, Tuesday 7.5 h, Wednesday 7.5 h: 16.00
    assert wd.from_epoch(new)[0] == utc(D(2026, 3, 11, 16, 0))
    # a second pause of a whole day, resumed at the same time of day: one
    # more working day
    paused_2 = wd.to_epoch([utc(D(2026, 3, 10, 10, 0))])
    left = cal.working_seconds(paused_2, new)
    resumed_2 = wd.to_epoch([utc(D(2026, 3, 11, 10, 0))])
    assert wd.from_epoch(cal.add_working_seconds(resumed_2, left))[0] == utc(D(2026, 3, 12, 16, 0))


def test_position_is_monotonic_and_inverse():
    cal = calendar()
    rng = np.random.default_rng(42)
    start = wd.to_epoch([D(2026, 1, 1)])[0]
    instants = np.sort(start + rng.integers(0, 300 * 86400, 2000))
    pos = cal.position(instants)
    assert np.all(np.diff(pos) >= 0)
    back = cal.from_position(pos)
    # the inverse lands at the same working-time position, never later
    assert np.array_equal(cal.position(back), pos)
    assert np.all(back <= instants)


def test_remaining_working_time_is_negative_when_late():
    cal = calendar()
    limit = wd.to_epoch([utc(D(2026, 3, 6, 16, 30))])
    now = wd.to_epoch([utc(D(2026, 3, 9, 12, 0))])  # Monday noon
    assert cal.working_seconds(now, limit)[0] == -4.5 * 3600


def test_out_of_range_is_refused():
    cal = calendar()
    with pytest.raises(ValueError):
        cal.deadline_end_of_day(wd.to_epoch([D(2030, 1, 1)]), [3])


def test_subtract_matches_a_brute_force():
    """Working intervals minus time off, against a second-by-second count
    on a small scale: random intervals, overlapping and touching time off."""
    rng = np.random.default_rng(3)
    for _round in range(200):
        bounds = np.sort(
            rng.choice(np.arange(0, 400), size=2 * int(rng.integers(1, 8)), replace=False)
        )
        starts, ends = bounds[0::2], bounds[1::2]
        if rng.random() < 0.3 and len(starts) > 1:  # two intervals that touch
            ends[0] = starts[1]
        days = np.arange(len(starts)) // 2
        n_off = int(rng.integers(0, 6))
        off_starts = rng.integers(-20, 420, n_off)
        off_ends = off_starts + rng.integers(0, 80, n_off)
        got_s, got_e, got_d = wd.subtract(starts, ends, days, off_starts, off_ends)
        working = np.zeros(440, dtype=bool)
        off = np.zeros(440, dtype=bool)
        for s, e in zip(starts, ends, strict=True):
            working[s + 20 : e + 20] = True
        for s, e in zip(off_starts, off_ends, strict=True):
            off[s + 20 : e + 20] = True
        result = np.zeros(440, dtype=bool)
        for s, e in zip(got_s, got_e, strict=True):
            assert s < e
            assert not result[s + 20 : e + 20].any(), "pieces overlap"
            result[s + 20 : e + 20] = True
        assert np.array_equal(result, working & ~off)
        # each piece lies in one working interval and keeps its day
        k = np.searchsorted(starts, got_s, side="right") - 1
        assert np.all(got_e <= ends[k]) and np.array_equal(got_d, days[k])
        # pieces of one interval are not split where nothing is off
        assert len(got_s) == len(set(zip(k, got_s, strict=True)))


def test_shortened_working_day_is_one_day():
    """A day off for part of a day (Wednesday afternoon) leaves a working
    day that ends when its morning ends; received after that end, day 0 is
    the next working day."""
    full = calendar()
    wednesday = wd.to_epoch([utc(D(2026, 3, 4, 12, 0)), utc(D(2026, 3, 4, 16, 0))])
    starts, ends, days = wd.subtract(
        full.starts, full.ends, np.repeat(full.work_days, 2), wednesday[:1], wednesday[1:]
    )
    cal = wd.WorkCalendar(
        starts, ends, days, full.seconds_per_day, (full.start, full.end), "Asia/Jakarta"
    )
    received = wd.to_epoch([utc(D(2026, 3, 2, 10, 0)), utc(D(2026, 3, 4, 12, 30))])
    assert wd.from_epoch(cal.deadline_end_of_day(received, [2, 1])) == [
        utc(D(2026, 3, 4, 12, 0)),
        utc(D(2026, 3, 6, 16, 30)),
    ]
    # 3 x 7.5 hours from Monday 10.00: Wednesday gives 4.5 hours only
    assert deadline(cal, utc(D(2026, 3, 2, 10, 0)), rule=wd.WORKING_HOURS) == utc(
        D(2026, 3, 5, 14, 0)
    )


def test_zone_with_daylight_saving():
    """Europe/Amsterdam: office hours stay on the wall clock across the
    change of 29 March 2026 (UTC+1 to UTC+2)."""
    cal = wd.WorkCalendar.from_week(
        "Europe/Amsterdam",
        wd.HARI_KERJA_ASN,
        first=dt.date(2026, 1, 1),
        last=dt.date(2026, 12, 31),
    )
    # Friday 27 March 10.00 CET: day 3 is Wednesday 1 April, 16.00 CEST
    assert deadline(cal, utc(D(2026, 3, 27, 10, 0), 1)) == utc(D(2026, 4, 1, 16, 0), 2)
    # Friday 15.00 CET + 7.5 h: 1.5 h on Friday, 6 h on Monday from 07.30 CEST
    assert deadline(cal, utc(D(2026, 3, 27, 15, 0), 1), days=1, rule=wd.WORKING_HOURS) == utc(
        D(2026, 3, 30, 14, 30), 2
    )


def test_intervals_must_be_sorted_and_disjoint():
    with pytest.raises(ValueError):
        wd.WorkCalendar([0, 50], [100, 150], [0, 0], 3600, (0, 200 * 86400))
    with pytest.raises(ValueError):
        wd.WorkCalendar([], [], [], 3600, (0, 200 * 86400))

"""Recap figures of issue 5 (ekonsultasi_addon/lib/recap.py), without Odoo.

The dataset: the first quarter of 2026 in WIB (UTC+7), so the period runs
from 2025-12-31 17.00 to 2026-03-31 17.00 UTC. Every expectation below is
counted by hand from the table of ``ROUNDS`` (see the comment per round).
"""

import datetime as dt

import pytest
from ekonsultasi_lib import recap as rc

INS, BKAD, BKPSDM = "Inspektorat Daerah", "BKAD", "BKPSDM"
TL, PBJ = "Inspektorat / Tindak lanjut", "Inspektorat / Pengadaan"
KEU, PEG = "BKAD / Keuangan nagari", "BKPSDM / Kepegawaian"
PDIK, KES = "Dinas Pendidikan dan Kebudayaan", "Dinas Kesehatan"
MUARO, SILOKEK, TGADANG = "Nagari Muaro", "Nagari Silokek", "Nagari Tanjung Gadang"
SIJ, KTG = "Sijunjung", "Tanjung Gadang"
PD, DESA = rc.PERANGKAT_DAERAH, rc.DESA


def u(month, day, hour, minute=0, year=2026):
    return dt.datetime(year, month, day, hour, minute)


def rnd(
    ident,
    number,
    cid,
    submitted,
    deadline,
    answered,
    days,
    pd,
    cat,
    kons,
    kind,
    name,
    kec=None,
    closed=None,
):
    return rc.RoundRecord(
        consultation_id=cid,
        number=f"K{cid:03d}",
        title=f"Konsultasi {ident}",
        round=number,
        submitted=submitted,
        deadline=deadline,
        answered=answered,
        closed=closed,
        perangkat_daerah=pd,
        category=cat,
        konsultan=kons,
        origin_kind=kind,
        origin_name=name,
        origin_kecamatan=kec,
        answer_days=days,
    )


ROUNDS = {
    # on time, closed
    "R1": rnd(
        "R1",
        1,
        1,
        u(1, 5, 2),
        u(1, 8, 9),
        u(1, 6, 3),
        1.0,
        INS,
        TL,
        "Andi",
        PD,
        PDIK,
        closed=u(1, 7, 1),
    ),
    # answered late, then re-submitted (R3) and answered on time
    "R2": rnd(
        "R2", 1, 2, u(1, 12, 2), u(1, 15, 9), u(1, 16, 2), 4.0, BKAD, KEU, "Budi", DESA, MUARO, SIJ
    ),
    "R3": rnd(
        "R3",
        2,
        2,
        u(1, 20, 2),
        u(1, 23, 9),
        u(1, 21, 4),
        1.5,
        BKAD,
        KEU,
        "Budi",
        DESA,
        MUARO,
        SIJ,
        closed=u(1, 22, 1),
    ),
    # never answered: late, open at the end
    "R4": rnd("R4", 1, 3, u(2, 2, 3), u(2, 5, 9), None, None, BKPSDM, PEG, "Citra", PD, KES),
    "R5": rnd(
        "R5", 1, 4, u(2, 10, 2), u(2, 13, 9), u(2, 12, 2), 2.0, INS, PBJ, "Andi", DESA, SILOKEK, SIJ
    ),
    # before the period, answered (late) in it: nowhere in the recap
    "R6": rnd(
        "R6", 1, 5, u(12, 29, 2, year=2025), u(1, 2, 9), u(1, 5, 2), 3.0, INS, TL, "Andi", PD, PDIK
    ),
    # before the period, never answered: only in the backlog
    "R7": rnd(
        "R7",
        1,
        6,
        u(12, 20, 2, year=2025),
        u(12, 24, 9, year=2025),
        None,
        None,
        BKAD,
        KEU,
        "Budi",
        DESA,
        TGADANG,
        KTG,
    ),
    # answered after the end of the period, within its limit: open, not late
    "R8": rnd("R8", 1, 7, u(3, 30, 2), u(4, 2, 9), u(4, 1, 2), 2.0, INS, TL, "Andi", PD, PDIK),
    # nobody assigned, withdrawn (closed) before its limit: neither late nor open
    "R9": rnd(
        "R9",
        1,
        8,
        u(3, 2, 2),
        u(3, 5, 9),
        None,
        None,
        BKPSDM,
        PEG,
        None,
        DESA,
        MUARO,
        SIJ,
        closed=u(3, 3, 2),
    ),
    "R10": rnd(
        "R10", 1, 9, u(3, 10, 2), u(3, 13, 9), u(3, 16, 2), 5.0, BKPSDM, PEG, "Citra", PD, KES
    ),
    "R11": rnd(
        "R11",
        1,
        10,
        u(3, 25, 3),
        u(3, 31, 9),
        u(3, 26, 2),
        0.5,
        BKAD,
        KEU,
        "Budi",
        DESA,
        TGADANG,
        KTG,
    ),
    # 31 March 23.30 WIB: in the period, limit not reached, open
    "R12": rnd(
        "R12", 1, 11, u(3, 31, 16, 30), u(4, 3, 9), None, None, INS, TL, "Andi", DESA, SILOKEK, SIJ
    ),
    # 1 April 00.30 WIB: after the period
    "R13": rnd("R13", 1, 12, u(3, 31, 17, 30), u(4, 3, 9), None, None, INS, TL, "Andi", PD, PDIK),
    # 1 January 00.30 WIB: in the period (January), on time
    "R14": rnd(
        "R14",
        1,
        13,
        u(12, 31, 17, 30, year=2025),
        u(1, 7, 9),
        u(1, 2, 2),
        0.25,
        BKPSDM,
        PEG,
        "Citra",
        DESA,
        MUARO,
        SIJ,
    ),
}

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


@pytest.fixture(scope="module")
def recap():
    return rc.compute_recap(list(ROUNDS.values()), *Q1, tz="Asia/Jakarta", label="Triwulan I 2026")


def check(figures, **expected):
    """Compare every figure: counts exactly, rates and days approximately."""
    defaults = dict.fromkeys(rc.FIGURES, 0)
    defaults.update(dict.fromkeys(rc.RATES | rc.DAYS))
    defaults.update(expected)
    defaults["unanswered"] = defaults["received"] - defaults["answered"]
    for name in rc.FIGURES:
        value, want = getattr(figures, name), defaults[name]
        if want is None:
            assert value is None, name
        else:
            assert value == pytest.approx(want), name


def test_period_bounds_in_utc(recap):
    assert recap.start == dt.datetime(2025, 12, 31, 17)
    assert recap.end == recap.cutoff == dt.datetime(2026, 3, 31, 17)
    assert recap.label == "Triwulan I 2026"


def test_totals(recap):
    check(
        recap.totals,
        received=11,  # R1-R5, R8-R12, R14
        first_rounds=10,
        resubmissions=1,  # R3
        resubmission_rate=1 / 11,
        answered=7,  # R1, R2, R3, R5, R10, R11, R14
        answer_rate=7 / 11,
        on_time=5,  # R1, R3, R5, R11, R14
        on_time_rate=5 / 8,
        late=3,  # R2, R10 (answered late), R4 (unanswered)
        late_rate=3 / 8,
        late_answered=2,
        late_unanswered=1,
        open_at_end=4,  # R4, R7, R8, R12
        average_days=14.25 / 7,
        median_days=1.5,
    )


def test_late_list(recap):
    assert [(row.record.title, row.status) for row in recap.late] == [
        ("Konsultasi R2", rc.ANSWERED_LATE),
        ("Konsultasi R4", rc.UNANSWERED),
        ("Konsultasi R10", rc.ANSWERED_LATE),
    ]


def keys(rows):
    return [row.key for row in rows]


def test_by_perangkat_daerah(recap):
    rows = recap.breakdowns["perangkat_daerah"]
    # INS and BKPSDM received 4 each, INS has more open
    assert keys(rows) == [(INS,), (BKPSDM,), (BKAD,)]
    ins, bkpsdm, bkad = (row.figures for row in rows)
    check(
        ins,
        received=4,
        first_rounds=4,
        answered=2,
        answer_rate=0.5,
        on_time=2,
        on_time_rate=1.0,
        late_rate=0.0,
        open_at_end=2,
        average_days=1.5,
        median_days=1.5,
        resubmission_rate=0.0,
    )
    check(
        bkpsdm,
        received=4,
        first_rounds=4,
        answered=2,
        answer_rate=0.5,
        on_time=1,
        late=2,
        late_answered=1,
        late_unanswered=1,
        on_time_rate=1 / 3,
        late_rate=2 / 3,
        open_at_end=1,
        average_days=2.625,
        median_days=2.625,
        resubmission_rate=0.0,
    )
    check(
        bkad,
        received=3,
        first_rounds=2,
        resubmissions=1,
        resubmission_rate=1 / 3,
        answered=3,
        answer_rate=1.0,
        on_time=2,
        late=1,
        late_answered=1,
        on_time_rate=2 / 3,
        late_rate=1 / 3,
        open_at_end=1,
        average_days=2.0,
        median_days=1.5,
    )


def test_by_category(recap):
    rows = {row.key[0]: row.figures for row in recap.breakdowns["category"]}
    # PEG 4 received; TL and KEU 3 each, TL with more open; PBJ 1
    assert keys(recap.breakdowns["category"]) == [(PEG,), (TL,), (KEU,), (PBJ,)]
    assert rows[TL].received == 3 and rows[TL].open_at_end == 2  # R1, R8, R12; R8, R12
    assert rows[KEU].received == 3 and rows[KEU].open_at_end == 1  # R2, R3, R11; R7
    assert rows[PBJ].received == 1 and rows[PBJ].on_time == 1
    assert rows[PEG].received == 4 and rows[PEG].late == 2
    assert sum(f.received for f in rows.values()) == 11


def test_by_konsultan(recap):
    rows = recap.breakdowns["konsultan"]
    # Budi and Citra tie (3 received, 1 open): by name; nobody assigned last
    assert keys(rows) == [("Andi",), ("Budi",), ("Citra",), (None,)]
    check(
        rows[2].figures,
        received=3,
        first_rounds=3,
        answered=2,
        answer_rate=2 / 3,
        on_time=1,
        late=2,
        late_answered=1,
        late_unanswered=1,
        on_time_rate=1 / 3,
        late_rate=2 / 3,
        open_at_end=1,
        average_days=2.625,
        median_days=2.625,
        resubmission_rate=0.0,
    )
    check(rows[3].figures, received=1, first_rounds=1, answer_rate=0.0, resubmission_rate=0.0)


def test_by_origin(recap):
    kinds = recap.breakdowns["origin_kind"]
    assert keys(kinds) == [(PD,), (DESA,)]
    check(
        kinds[0].figures,
        received=4,
        first_rounds=4,
        answered=2,
        answer_rate=0.5,
        on_time=1,
        late=2,
        late_answered=1,
        late_unanswered=1,
        on_time_rate=1 / 3,
        late_rate=2 / 3,
        open_at_end=2,
        average_days=3.0,
        median_days=3.0,
        resubmission_rate=0.0,
    )
    check(
        kinds[1].figures,
        received=7,
        first_rounds=6,
        resubmissions=1,
        resubmission_rate=1 / 7,
        answered=5,
        answer_rate=5 / 7,
        on_time=4,
        late=1,
        late_answered=1,
        on_time_rate=0.8,
        late_rate=0.2,
        open_at_end=2,
        average_days=1.65,
        median_days=1.5,
    )
    origins = recap.breakdowns["origin"]
    assert keys(origins) == [
        (DESA, SIJ, MUARO),
        (DESA, SIJ, SILOKEK),
        (PD, None, KES),
        (PD, None, PDIK),
        (DESA, KTG, TGADANG),
    ]
    assert [row.figures.received for row in origins] == [4, 2, 2, 2, 1]
    assert [row.figures.open_at_end for row in origins] == [0, 1, 1, 1, 1]
    kecamatan = recap.breakdowns["kecamatan"]
    assert keys(kecamatan) == [(SIJ,), (KTG,)]
    check(
        kecamatan[0].figures,
        received=6,
        first_rounds=5,
        resubmissions=1,
        resubmission_rate=1 / 6,
        answered=4,
        answer_rate=4 / 6,
        on_time=3,
        late=1,
        late_answered=1,
        on_time_rate=0.75,
        late_rate=0.25,
        open_at_end=1,
        average_days=7.75 / 4,
        median_days=1.75,
    )
    check(
        kecamatan[1].figures,
        received=1,
        first_rounds=1,
        answered=1,
        answer_rate=1.0,
        on_time=1,
        on_time_rate=1.0,
        late_rate=0.0,
        open_at_end=1,
        average_days=0.5,
        median_days=0.5,
        resubmission_rate=0.0,
    )


def test_breakdowns_add_up(recap):
    for name, rows in recap.breakdowns.items():
        if name == "kecamatan":
            continue
        for figure in ("received", "answered", "on_time", "late", "open_at_end"):
            assert sum(getattr(r.figures, figure) for r in rows) == getattr(recap.totals, figure)


def test_trend(recap):
    assert [(row.month, row.first, row.last) for row in recap.trend] == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    ]
    jan, feb, mar = (row.figures for row in recap.trend)
    # January: R14, R1, R2, R3; backlog R7
    check(
        jan,
        received=4,
        first_rounds=3,
        resubmissions=1,
        resubmission_rate=0.25,
        answered=4,
        answer_rate=1.0,
        on_time=3,
        late=1,
        late_answered=1,
        on_time_rate=0.75,
        late_rate=0.25,
        open_at_end=1,
        average_days=1.6875,
        median_days=1.25,
    )
    # February: R4 (late, unanswered), R5; backlog R7, R4
    check(
        feb,
        received=2,
        first_rounds=2,
        answered=1,
        answer_rate=0.5,
        on_time=1,
        late=1,
        late_unanswered=1,
        on_time_rate=0.5,
        late_rate=0.5,
        open_at_end=2,
        average_days=2.0,
        median_days=2.0,
        resubmission_rate=0.0,
    )
    # March: R8-R12; backlog R4, R7, R8, R12
    check(
        mar,
        received=5,
        first_rounds=5,
        answered=2,
        answer_rate=0.4,
        on_time=1,
        late=1,
        late_answered=1,
        on_time_rate=0.5,
        late_rate=0.5,
        open_at_end=4,
        average_days=2.75,
        median_days=2.75,
        resubmission_rate=0.0,
    )


def test_printed_before_the_end():
    now = dt.datetime(2026, 2, 10, 5)  # 10 February 12.00 WIB
    recap = rc.compute_recap(list(ROUNDS.values()), *Q1, tz="Asia/Jakarta", now=now)
    assert recap.cutoff == now
    # R14, R1-R5; R5 not answered yet; R4 past its limit; open R7, R4, R5
    check(
        recap.totals,
        received=6,
        first_rounds=5,
        resubmissions=1,
        resubmission_rate=1 / 6,
        answered=4,
        answer_rate=4 / 6,
        on_time=3,
        late=2,
        late_answered=1,
        late_unanswered=1,
        on_time_rate=0.6,
        late_rate=0.4,
        open_at_end=3,
        average_days=6.75 / 4,
        median_days=1.25,
    )
    assert [row.figures.received for row in recap.trend] == [4, 2, 0]
    assert [row.figures.open_at_end for row in recap.trend] == [1, 3, 0]


def test_period_of_dates_clips_the_trend():
    first, last = dt.date(2026, 1, 15), dt.date(2026, 2, 3)
    recap = rc.compute_recap(list(ROUNDS.values()), first, last, tz="Asia/Jakarta")
    assert recap.label == "15 Januari 2026 s.d. 3 Februari 2026"
    assert [(row.first, row.last) for row in recap.trend] == [
        (first, dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), last),
    ]
    assert recap.totals.received == 2  # R3, R4 (R2 of 12 January is out)
    assert [row.figures.received for row in recap.trend] == [1, 1]


def test_empty_period():
    recap = rc.compute_recap([], dt.date(2026, 4, 1), dt.date(2026, 6, 30), tz="Asia/Jakarta")
    check(recap.totals)
    assert all(rate is None for rate in (recap.totals.on_time_rate, recap.totals.answer_rate))
    assert recap.breakdowns == {name: [] for name in rc.BREAKDOWNS}
    assert [row.month.month for row in recap.trend] == [4, 5, 6]
    for row in recap.trend:
        check(row.figures)
    assert recap.late == []
    # rounds all outside the period give the same
    recap = rc.compute_recap(
        [ROUNDS["R1"], ROUNDS["R6"]], dt.date(2026, 4, 1), dt.date(2026, 6, 30), tz="Asia/Jakarta"
    )
    check(recap.totals)
    assert recap.breakdowns["konsultan"] == []


def test_backlog_only_round_appears_in_its_groups(recap):
    kecamatan = {row.key: row.figures for row in recap.breakdowns["kecamatan"]}
    assert kecamatan[(KTG,)].open_at_end == 1  # R11 answered, R7 still open


def test_round_without_deadline_is_neither_on_time_nor_late():
    base = ROUNDS["R2"]
    undated = base._replace(deadline=None)
    recap = rc.compute_recap([undated], *Q1, tz="Asia/Jakarta")
    check(
        recap.totals,
        received=1,
        first_rounds=1,
        answered=1,
        answer_rate=1.0,
        resubmission_rate=0.0,
        average_days=4.0,
        median_days=4.0,
    )


@pytest.mark.parametrize(
    ("kind", "year", "index", "bounds", "label"),
    [
        ("month", 2026, 1, ((2026, 1, 1), (2026, 1, 31)), "Januari 2026"),
        ("month", 2024, 2, ((2024, 2, 1), (2024, 2, 29)), "Februari 2024"),
        ("month", 2026, 12, ((2026, 12, 1), (2026, 12, 31)), "Desember 2026"),
        ("quarter", 2026, 1, ((2026, 1, 1), (2026, 3, 31)), "Triwulan I 2026"),
        ("quarter", 2026, 4, ((2026, 10, 1), (2026, 12, 31)), "Triwulan IV 2026"),
        ("semester", 2026, 1, ((2026, 1, 1), (2026, 6, 30)), "Semester I 2026"),
        ("semester", 2026, 2, ((2026, 7, 1), (2026, 12, 31)), "Semester II 2026"),
        ("year", 2026, None, ((2026, 1, 1), (2026, 12, 31)), "Tahun 2026"),
    ],
)
def test_period_bounds_and_labels(kind, year, index, bounds, label):
    assert rc.period_bounds(kind, year, index) == tuple(dt.date(*b) for b in bounds)
    assert rc.period_label(kind, year, index) == label


@pytest.mark.parametrize(
    ("kind", "index"), [("month", 0), ("month", 13), ("quarter", 5), ("semester", 3), ("week", 1)]
)
def test_bad_periods(kind, index):
    with pytest.raises(ValueError):
        rc.period_bounds(kind, 2026, index)


def test_date_labels():
    assert (
        rc.period_label("dates", first=dt.date(2026, 1, 1), last=dt.date(2026, 3, 31))
        == "1 Januari 2026 s.d. 31 Maret 2026"
    )
    assert rc.period_label("dates", first=dt.date(2026, 8, 17), last=dt.date(2026, 8, 17)) == (
        "17 Agustus 2026"
    )
    assert [rc.month_label(dt.date(2026, m, 1)).split()[0] for m in (5, 6, 7, 10, 11)] == [
        "Mei",
        "Juni",
        "Juli",
        "Oktober",
        "November",
    ]
    with pytest.raises(ValueError):
        rc.period_label("dates", first=dt.date(2026, 3, 1), last=dt.date(2026, 2, 1))
    with pytest.raises(ValueError):
        rc.compute_recap([], dt.date(2026, 3, 1), dt.date(2026, 2, 1))


def test_closings_counted_apart():
    """Issue 15: who closed, counted once per consultation (its last round)
    when the closing falls in the period, whenever it was received.

    K101: received in January, answered, closed by the system in February;
    K102: received in January, closed by its konsulti in January;
    K103: round 1 in December 2025 (before the period), answered then;
          round 2 in January, answered, closed by the system in March:
          counted once, on round 2;
    K104: received in December, answered in December, closed by the system on
          2 January 2026 WIB: a closing of the period, not a round received;
    K105: closed by a konsultan: in neither figure;
    K106: closed by the system after the period (1 April WIB): not counted.
    So closed by the konsulti 1, by the system 3 (K101, K103, K104)."""
    base = {"pd": INS, "cat": TL, "kons": "A", "kind": PD, "name": BKAD, "days": 1.0}
    records = [
        rnd(1, 1, 101, u(1, 5, 3), u(1, 8, 9), u(1, 6, 3), closed=u(2, 2, 9), **base),
        rnd(2, 1, 102, u(1, 5, 3), u(1, 8, 9), u(1, 6, 3), closed=u(1, 7, 9), **base),
        rnd(
            3,
            1,
            103,
            u(12, 1, 3, year=2025),
            u(12, 4, 9, year=2025),
            u(12, 2, 3, year=2025),
            closed=u(3, 2, 9),
            **base,
        ),
        rnd(4, 2, 103, u(1, 12, 3), u(1, 15, 9), u(1, 13, 3), closed=u(3, 2, 9), **base),
        rnd(
            5,
            1,
            104,
            u(12, 1, 3, year=2025),
            u(12, 4, 9, year=2025),
            u(12, 2, 3, year=2025),
            closed=u(1, 1, 20),
            **base,
        ),
        rnd(6, 1, 105, u(1, 5, 3), u(1, 8, 9), u(1, 6, 3), closed=u(1, 9, 9), **base),
        rnd(7, 1, 106, u(1, 5, 3), u(1, 8, 9), u(1, 6, 3), closed=u(3, 31, 18), **base),
    ]
    closed_by = {101: "auto", 102: "konsulti", 103: "auto", 104: "auto", 105: "staff", 106: "auto"}
    last = {}
    for record in records:
        last[record.consultation_id] = max(last.get(record.consultation_id, 0), record.round)
    records = [
        r._replace(closed_by=closed_by[r.consultation_id])
        if r.round == last[r.consultation_id]
        else r
        for r in records
    ]
    recap = rc.compute_recap(records, dt.date(2026, 1, 1), dt.date(2026, 3, 31), tz="Asia/Jakarta")
    assert (recap.totals.closed_konsulti, recap.totals.closed_auto) == (1, 3)
    assert recap.totals.received == 5
    (row,) = recap.breakdowns["perangkat_daerah"]
    assert (row.figures.closed_konsulti, row.figures.closed_auto) == (1, 3)
    # closings are events of the period, not of the rounds received in a month
    assert all(m.figures.closed_auto == 0 for m in recap.trend)

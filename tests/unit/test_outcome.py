"""The outcome of a round against its limit, the state of an SLA line and
the choice of a round's line (lib/outcome.py), without Odoo. The SQL copies
are compared with these on generated rounds in tests/odoo/test_one_rule.py."""

import datetime as dt

import pytest
from ekonsultasi_lib import outcome as oc

D = dt.datetime
LIMIT = D(2026, 3, 6, 9, 30)
BEFORE, AFTER = LIMIT - dt.timedelta(hours=1), LIMIT + dt.timedelta(hours=1)
NOW = D(2026, 4, 1)


@pytest.mark.parametrize(
    ("deadline", "answered", "closed", "at", "expected"),
    [
        (LIMIT, BEFORE, None, NOW, oc.ON_TIME),
        (LIMIT, LIMIT, None, NOW, oc.ON_TIME),  # at the limit is within it
        (LIMIT, AFTER, None, NOW, oc.ANSWERED_LATE),
        (LIMIT, AFTER, BEFORE, NOW, oc.ANSWERED_LATE),  # answered, then closed
        (LIMIT, None, None, NOW, oc.LATE),
        (LIMIT, None, None, LIMIT, oc.PENDING),  # the limit itself is not past
        (LIMIT, None, None, BEFORE, oc.PENDING),
        (LIMIT, None, BEFORE, NOW, oc.CLOSED),
        (LIMIT, None, LIMIT, NOW, oc.CLOSED),
        (LIMIT, None, AFTER, NOW, oc.LATE),  # closed after its limit: stays late
        (None, None, None, NOW, oc.NO_LIMIT),
        (None, BEFORE, None, NOW, oc.NO_LIMIT),
        (None, None, BEFORE, NOW, oc.CLOSED),
    ],
)
def test_outcome(deadline, answered, closed, at, expected):
    assert oc.outcome(deadline, answered, closed, at) == expected


def test_known_is_what_happened_before_the_moment():
    assert oc.known(BEFORE, LIMIT) == BEFORE
    assert oc.known(LIMIT, LIMIT) is None
    assert oc.known(None, LIMIT) is None


@pytest.mark.parametrize(
    ("answered", "at", "paused", "warn", "expected"),
    [
        (BEFORE, NOW, False, None, oc.MET),
        (AFTER, NOW, True, None, oc.MET_LATE),
        (None, NOW, True, None, oc.PAUSED),
        (None, NOW, False, None, oc.LINE_LATE),
        (None, BEFORE, False, BEFORE, oc.AT_RISK),
        (None, BEFORE, False, LIMIT, oc.LINE_ON_TIME),
        (None, BEFORE, False, None, oc.LINE_ON_TIME),
    ],
)
def test_line_state(answered, at, paused, warn, expected):
    assert oc.line_state(LIMIT, answered, at, paused=paused, warn=warn) == expected


def test_line_state_without_deadline():
    assert oc.line_state(None, None, NOW) is None


def test_first_line_earliest_deadline_then_without_then_id():
    lines = [(3, None), (5, AFTER), (4, LIMIT), (2, LIMIT), (1, None)]
    ordered = sorted(lines, key=lambda line: oc.first_line_key(line[1], line[0]))
    assert [line_id for line_id, _deadline in ordered] == [2, 4, 5, 1, 3]


def test_sql_copies_name_every_outcome():
    sql = oc.outcome_sql("l.deadline", "r.answer_date", "t.closed_date", "now()")
    assert {value for value in oc.OUTCOMES if f"'{value}'" in sql} == set(oc.OUTCOMES)
    assert "{" not in sql
    assert oc.first_line_order_sql("s") == "s.deadline ASC NULLS LAST, s.id ASC"


def test_line_states_are_helpdesk_mgmt_sla_states_and_two_more():
    """The line's one state is helpdesk_mgmt_sla's ``state``: its views and
    report read the same values (ekonsultasi adds at_risk and met_late)."""
    base = {"accomplished", "in_progress", "expired", "on_hold"}
    ours = {oc.LINE_ON_TIME, oc.LINE_LATE, oc.MET, oc.PAUSED, oc.AT_RISK, oc.MET_LATE}
    assert ours - base == {"at_risk", "met_late"}
    assert set(oc.LINE_RUNNING) | set(oc.LINE_ANSWERED) | {oc.PAUSED} == ours

"""The outcome of a round against its answer limit: the one definition.

A round (putaran) of a consultation has an answer limit, the deadline of its
SLA line (:func:`first_line_key` chooses that line when several policies
apply), and ends with the konsultan's answer, or with the closing of the
consultation (the konsulti withdraws it, Selesai) without an answer.

:func:`outcome` says, at a moment ``at``, what the round is:

``on_time``        answered, at or before the limit
``answered_late``  answered, after the limit
``late``           not answered, the limit passed (``limit < at``), and not
                   closed before its limit: a consultation closed without an
                   answer after its limit stays late
``pending``        not answered, not closed, the limit not yet passed
``closed``         closed without an answer, at or before its limit (or
                   without limit)
``no_limit``       without limit (no SLA line or no deadline), not closed
                   without answer

``answered`` and ``closed`` are the facts *known at* ``at``: a caller that
looks back (the recap at the end of a period) passes only what happened
before that moment (:func:`known`). The recap (:mod:`recap`), the state of an
SLA line (:func:`line_state`) and the analysis view (:data:`OUTCOME_SQL`, the
same rule in SQL, for speed) all follow it; ``tests/odoo/test_one_rule.py``
feeds the Python and the SQL the same generated rounds and compares.

Nothing here imports Odoo. Datetimes are naive UTC.
"""

import datetime as dt

ON_TIME = "on_time"
ANSWERED_LATE = "answered_late"
LATE = "late"
PENDING = "pending"
CLOSED = "closed"
NO_LIMIT = "no_limit"

#: every outcome, in report order
OUTCOMES = (ON_TIME, ANSWERED_LATE, LATE, PENDING, CLOSED, NO_LIMIT)
#: the outcomes counted as late (answered late, or not answered in time)
LATE_OUTCOMES = frozenset({ANSWERED_LATE, LATE})


def known(moment, at):
    """``moment`` if it happened before ``at``, else ``None``."""
    return moment if moment is not None and moment < at else None


def outcome(deadline, answered, closed, at):
    """The outcome of a round (see the module doc) at ``at``.

    :param deadline: the answer limit of the round, ``None`` without one
    :param answered: the konsultan's first answer in the round, or ``None``
    :param closed: when the consultation was closed, or ``None``
    :param at: the moment of reading (now, or a recap's cutoff)
    """
    if deadline is None:
        return CLOSED if answered is None and closed is not None else NO_LIMIT
    if answered is not None:
        return ON_TIME if answered <= deadline else ANSWERED_LATE
    if closed is not None and closed <= deadline:
        return CLOSED
    if deadline < at:
        return LATE
    return PENDING


# The same rule in SQL, for the analysis view (a database view cannot call
# Python). Keep the two side by side: a change to one is a change to both,
# and tests/odoo/test_one_rule.py compares them on generated rounds. The
# placeholders are SQL expressions of the caller (columns, now()), never
# values.
OUTCOME_SQL = """CASE
    WHEN {deadline} IS NULL THEN
        CASE WHEN {answered} IS NULL AND {closed} IS NOT NULL
             THEN 'closed' ELSE 'no_limit' END
    WHEN {answered} IS NOT NULL THEN
        CASE WHEN {answered} <= {deadline} THEN 'on_time' ELSE 'answered_late' END
    WHEN {closed} IS NOT NULL AND {closed} <= {deadline} THEN 'closed'
    WHEN {deadline} < {at} THEN 'late'
    ELSE 'pending'
END"""


def outcome_sql(deadline, answered, closed, at):
    """:data:`OUTCOME_SQL` on the SQL expressions given (trusted code, such
    as ``"l.deadline"``; never user input)."""
    return OUTCOME_SQL.format(deadline=deadline, answered=answered, closed=closed, at=at)


# --------------------------------------------------------------------------
# The state of an SLA line (helpdesk_mgmt_sla's helpdesk.ticket.sla.state)
# --------------------------------------------------------------------------
# The values are helpdesk_mgmt_sla's, so that its views, its report and ours
# read one field; ekonsultasi adds the last two.
LINE_ON_TIME = "in_progress"
LINE_LATE = "expired"
MET = "accomplished"
PAUSED = "on_hold"
AT_RISK = "at_risk"
MET_LATE = "met_late"
#: the states of a line that still runs (no answer yet, not waiting)
LINE_RUNNING = (LINE_ON_TIME, AT_RISK, LINE_LATE)
#: the states of an answered line
LINE_ANSWERED = (MET, MET_LATE)


def line_state(deadline, answered, at, *, paused=False, warn=None):
    """The state of an SLA line at ``at``: its round's :func:`outcome`, told
    the konsultan's way, ``None`` without deadline. Answered: ``accomplished``
    (met) or ``met_late``; otherwise ``on_hold`` while the consultation waits
    for the konsulti, ``expired`` (late) past the limit, ``at_risk`` from the
    reminder date ``warn``, else ``in_progress`` (on time). The line's state
    follows the answer only: the closing of a consultation does not change
    it."""
    if deadline is None:
        return None
    result = outcome(deadline, answered, None, at)
    if result == ON_TIME:
        return MET
    if result == ANSWERED_LATE:
        return MET_LATE
    if paused:
        return PAUSED
    if result == LATE:
        return LINE_LATE
    if warn is not None and at >= warn:
        return AT_RISK
    return LINE_ON_TIME


# --------------------------------------------------------------------------
# The SLA line of a round
# --------------------------------------------------------------------------
_NO_DEADLINE = dt.datetime.max


def first_line_key(deadline, line_id):
    """Sort key of the SLA lines of one round; the first is the round's line:
    the earliest deadline, lines without deadline last, ties by id. In SQL:
    :func:`first_line_order_sql`."""
    return (deadline is None, deadline or _NO_DEADLINE, line_id)


def first_line_order_sql(alias):
    """:func:`first_line_key` as an SQL ``ORDER BY`` on the SLA lines
    ``alias`` (PostgreSQL sorts NULLs last in ascending order already; said
    explicitly)."""
    return f"{alias}.deadline ASC NULLS LAST, {alias}.id ASC"

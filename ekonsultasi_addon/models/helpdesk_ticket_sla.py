# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

import numpy as np

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..lib import outcome, workdays


class HelpdeskTicketSla(models.Model):
    """helpdesk_mgmt_sla's SLA line, one per round of a consultation: the
    limit of that round, stopped by the konsultan's answer in that round and
    paused while the consultation waits for the konsulti.

    A line has one state, helpdesk_mgmt_sla's ``state``, which its views and
    report read as ours do (``lib/outcome.line_state`` says which; two
    values are added: at risk and met late). As in helpdesk_mgmt_sla, the
    state and ``last_state_date`` are set when they change, never derived
    later: at the creation of the line (:meth:`_compute_sla_data`), when the
    consultation goes to or leaves a stage the policy ignores
    (:meth:`_stage_recompute`, the pause), at the konsultan's answer
    (:meth:`_ekonsultasi_answer`), and when time or a day off moves a
    running line across its reminder date or its limit
    (:meth:`_ekonsultasi_update_state`: the scheduled action and the day-off
    recompute). While paused, ``last_state_date`` is when the pause began.

    The time a line waited (``paused_seconds``) is kept, not
    helpdesk_mgmt_sla's ``consumed_time``: the limit of a round is counted
    from its submission on the calendar as it is *now*, so a day off recorded
    after the fact moves it (Pasal 11 ayat (5)); the time consumed, measured
    once on the calendar of that moment, could not be counted again."""

    _name = "helpdesk.ticket.sla"
    _inherit = ["helpdesk.ticket.sla", "ekonsultasi.ticket.access.mixin"]

    # indexed (helpdesk_mgmt_sla does not): refreshing the SLA lines of a
    # consultation deletes them, and deleting a consultation looks its lines
    # up; both scanned the table (4.4 s for 106 lines among 100,000 rounds)
    ticket_id = fields.Many2one(index=True, help="The consultation whose limit this line counts.")
    round_id = fields.Many2one(
        comodel_name="helpdesk.ticket.round",
        index=True,
        ondelete="cascade",
        readonly=True,
        help="The round whose limit this line counts.",
    )
    # helpdesk_mgmt_sla's values, named as the konsultan reads them, and two
    # more; its views and report read them too
    state = fields.Selection(
        selection_add=[
            (outcome.MET, "Met"),
            (outcome.MET_LATE, "Met late"),
            (outcome.LINE_ON_TIME, "On time"),
            (outcome.AT_RISK, "At risk"),
            (outcome.LINE_LATE, "Late"),
            (outcome.PAUSED, "Paused"),
        ],
        ondelete={
            outcome.MET_LATE: f"set {outcome.MET}",
            outcome.AT_RISK: f"set {outcome.LINE_ON_TIME}",
        },
        index=True,
        compute="_compute_sla_data",
        store=True,
        precompute=True,
        help="State of the limit: on time, at risk (reminder due), late, paused "
        "(waiting for the konsulti), met, or met late.",
    )
    # precomputed (with the state and warn_date, escalation_date,
    # answer_date below): a line is inserted with its limit, not updated at
    # the next flush (bench/profile_create.py)
    hours = fields.Float(
        compute="_compute_sla_data",
        store=True,
        precompute=True,
        help="Length of the limit in working hours: the policy's days times the "
        "hours of a working day of the calendar, plus its hours.",
    )
    expected_stage_id = fields.Many2one(
        compute="_compute_sla_data",
        store=True,
        precompute=True,
        help="The stage that stops the limit (the answer), from the policy.",
    )
    last_state_date = fields.Datetime(
        compute="_compute_sla_data",
        store=True,
        precompute=True,
        help="When the state of the line last changed; while paused, when the pause began.",
    )
    deadline = fields.Datetime(
        compute="_compute_deadline",
        store=True,
        precompute=True,
        help="The limit of the round: the end of the N-th working day after its "
        "submission on the calendar as it is now, pauses added.",
    )
    received_date = fields.Datetime(
        string="Counted from", readonly=True, help="When the round was submitted."
    )
    answer_date = fields.Datetime(related="round_id.answer_date", store=True, precompute=True)
    paused_seconds = fields.Float(
        string="Paused working time (s)",
        readonly=True,
        help="Working time spent waiting for the konsulti, not counted (the pause under "
        "way since the line's last state change is added when it ends).",
    )
    warn_date = fields.Datetime(
        string="Reminder due",
        compute="_compute_deadline",
        store=True,
        precompute=True,
        help="When the konsultan is reminded: working days before the limit, as the policy says.",
    )
    escalation_date = fields.Datetime(
        string="Escalation to the Inspektur due",
        compute="_compute_deadline",
        store=True,
        precompute=True,
        help="When the Inspektur is to be notified if the round is still "
        "unanswered: working days after the limit, as the policy says.",
    )
    reminder_sent_date = fields.Datetime(
        readonly=True, copy=False, help="When the konsultan was reminded of the coming limit."
    )
    escalation_1_date = fields.Datetime(
        string="Escalated to the head of agency",
        readonly=True,
        copy=False,
        help="When the head of the perangkat daerah was notified that the limit passed.",
    )
    escalation_2_date = fields.Datetime(
        string="Escalated to the Inspektur",
        readonly=True,
        copy=False,
        help="When the Inspektur was notified that the limit passed.",
    )
    deadline_text = fields.Char(
        string="Answer due on (text)",
        compute="_compute_deadline_text",
        help="The consultation's answer limit on the calendar of this line, in its time "
        "zone, as the reminder and escalation templates write it.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("sla_id")
    def _compute_sla_data(self):  # pylint: disable=missing-return  # computes return nothing
        """helpdesk_mgmt_sla's initial values, for a round: the hours on the
        calendar that counts, and the line starts at the round's submission,
        paused if the consultation waits for the konsulti."""
        ours = self.filtered("round_id")
        super(HelpdeskTicketSla, self - ours)._compute_sla_data()
        now = fields.Datetime.now()
        for line in ours:
            calendar = line._ekonsultasi_calendar()
            line.hours = line.sla_id.hours + calendar.hours_per_day * line.sla_id.days
            line.expected_stage_id = line.sla_id.stage_id
            waiting = line._ekonsultasi_waiting()
            line.state = outcome.PAUSED if waiting else outcome.LINE_ON_TIME
            line.last_state_date = now if waiting else line.received_date

    def _ekonsultasi_waiting(self):
        """Whether the consultation waits for the konsulti: its stage is one
        of the policy's pause stages (archived ones too: reading them does
        not read each stage's active flag, a query on every submission)."""
        self.ensure_one()
        return (
            self.ticket_id.stage_id.id
            in self.sla_id.with_context(active_test=False).ignore_stage_ids.ids
        )

    @api.depends(
        "received_date",
        "paused_seconds",
        "sla_id.days",
        "sla_id.counting_rule",
        "sla_id.calendar_id",
        "sla_id.reminder_days",
        "sla_id.escalation_days",
    )
    def _compute_deadline(self):  # pylint: disable=missing-return  # computes return nothing
        """helpdesk_mgmt_sla plans ``hours - consumed_time`` from the last
        state change with ``plan_hours``, a line at a time; a round's limit is
        the end of the N-th working day (or N days of hours) after its
        submission, plus its pauses, computed in batches on the numpy tables
        of its calendar (bench/bench_sla.py: 20 times faster). As there, an
        answered line keeps its limit."""
        ours = self.filtered("round_id")
        others = self - ours
        super(HelpdeskTicketSla, others)._compute_deadline()
        others.warn_date = False
        others.escalation_date = False
        # the limit first: a new line has none, and its state (computed from
        # the limit) is not computed for nothing
        ours.filtered(
            lambda line: not line.deadline or line.state not in outcome.LINE_ANSWERED
        )._ekonsultasi_compute_deadlines()

    @api.depends("state", "deadline")
    def _compute_color(self):  # pylint: disable=missing-return  # computes return nothing
        ours = self.filtered("round_id")
        super(HelpdeskTicketSla, self - ours)._compute_color()
        colors = {
            outcome.MET: 10,  # green, as helpdesk_mgmt_sla
            outcome.MET_LATE: 2,  # orange
            outcome.LINE_ON_TIME: 4,  # light blue
            outcome.AT_RISK: 3,  # yellow
            outcome.LINE_LATE: 1,  # red
            outcome.PAUSED: 0,
        }
        for line in ours:
            line.color = colors.get(line.state, 0)

    @api.depends("state", "deadline")
    def _compute_expired(self):  # pylint: disable=missing-return  # computes return nothing
        # at risk is a running line too: past its limit it is late even
        # before the scheduled action marks it
        super()._compute_expired()
        now = fields.Datetime.now()
        for line in self.filtered(lambda line: line.state == outcome.AT_RISK):
            line.expired = bool(line.deadline and line.deadline < now)

    def _search_expired(self, operator, value):
        domain = super()._search_expired(operator, value)
        now = fields.Datetime.now()
        late = [("state", "=", outcome.AT_RISK), ("deadline", "<", now)]
        if (operator == "=") == bool(value):
            return expression.OR([domain, late])
        return expression.AND([domain, ["!", "&", *late]])

    # ------------------------------------------------------------------
    # Working-time arithmetic, in batches
    # ------------------------------------------------------------------

    def _ekonsultasi_calendar(self):
        """The calendar this line counts on: the one rule of "which calendar
        counts" (``helpdesk.ticket._ekonsultasi_calendar``, with the policy)."""
        self.ensure_one()
        return self.ticket_id._ekonsultasi_calendar(self.sla_id)

    def _ekonsultasi_first(self):
        """The SLA line of a round among these lines of one round: the
        earliest deadline, lines without deadline last, ties by id
        (``outcome.first_line_key``). The SQL that needs it uses
        :meth:`_ekonsultasi_round_line_sql`, the same order."""
        return self.sorted(lambda line: outcome.first_line_key(line.deadline or None, line.id))[:1]

    @api.model
    def _ekonsultasi_round_line_sql(self, round_id):
        """A subquery (for ``LEFT JOIN LATERAL``) giving ``id``, ``deadline``
        and ``sla_id`` (the policy) of the SLA line of the round ``round_id``
        (an SQL expression, such as ``r.id``): :meth:`_ekonsultasi_first` in
        SQL, for the queries that read thousands of rounds
        (tests/odoo/test_one_rule.py compares them)."""
        return SQL(
            "SELECT s.id, s.deadline, s.sla_id FROM helpdesk_ticket_sla s"
            " WHERE s.round_id = %s ORDER BY %s LIMIT 1",
            SQL(round_id),
            SQL(outcome.first_line_order_sql("s")),
        )

    def _ekonsultasi_compute_deadlines(self):
        for line, (deadline, warn, escalation) in self._ekonsultasi_new_limits().items():
            line.deadline = deadline
            line.warn_date = warn
            line.escalation_date = escalation

    def _ekonsultasi_new_limits(self):
        """``{line: (deadline, reminder date, escalation date)}`` of these round
        lines, computed in batches per working calendar."""
        calendars = {}
        by_calendar = defaultdict(list)
        for line in self:
            key = (line.sla_id, line.ticket_id.team_id, line.ticket_id.company_id)
            if key not in calendars:
                calendars[key] = line._ekonsultasi_calendar()
            by_calendar[calendars[key]].append(line)
        now = fields.Datetime.now()
        result = {}
        for calendar, lines in by_calendar.items():
            if not calendar:
                result.update((line, (False, False, False)) for line in lines)
                continue
            policies = [line.sla_id for line in lines]
            limits = self._ekonsultasi_limits(
                calendar,
                [line.received_date or line.ticket_id.create_date or now for line in lines],
                [line.paused_seconds for line in lines],
                [
                    (p.days, p.hours, p.counting_rule, p.reminder_days, p.escalation_days)
                    for p in policies
                ],
            )
            result.update(zip(lines, zip(*limits, strict=True), strict=True))
        return result

    @api.model
    def _ekonsultasi_limits(self, calendar, received, paused, policies):
        """Deadlines, reminder and escalation dates (three lists of naive UTC
        datetimes) for submissions ``received``, with ``paused`` working
        seconds, under ``policies`` = (days, hours, counting rule, reminder
        days, escalation days) each, on one resource calendar."""
        work = calendar._ekonsultasi_work_calendar_around(received, planning=True)
        epoch = workdays.to_epoch(received)
        days = np.array([p[0] for p in policies], dtype=np.int64)
        extra_hours = np.array([p[1] for p in policies], dtype=float)
        per_hour = np.array([p[2] == workdays.WORKING_HOURS for p in policies])
        base = np.empty(len(epoch), dtype=np.int64)
        if per_hour.any():
            base[per_hour] = work.deadline_working_hours(
                epoch[per_hour],
                days[per_hour] * work.seconds_per_day / 3600 + extra_hours[per_hour],
            )
        if (~per_hour).any():
            base[~per_hour] = work.deadline_end_of_day(epoch[~per_hour], days[~per_hour])
        position = work.position(base) + np.asarray(paused, dtype=np.int64)
        remind = np.array([p[3] for p in policies]) * work.seconds_per_day
        escalate = np.array([p[4] for p in policies]) * work.seconds_per_day
        return (
            workdays.from_epoch(work.from_position(position)),
            workdays.from_epoch(work.from_position(np.maximum(position - remind, 0))),
            workdays.from_epoch(work.from_position(position + escalate)),
        )

    # ------------------------------------------------------------------
    # The state: its changes
    # ------------------------------------------------------------------

    def _ekonsultasi_update_state(self, now=None):
        """Write on these round lines the state their limit, reminder date
        and answer give at ``now`` (``outcome.line_state``), where it
        changed: a running line passes its reminder date or its limit, or a
        limit moved. A paused line stays paused."""
        now = now or fields.Datetime.now()
        by_state = defaultdict(list)
        for line in self.filtered("round_id"):
            state = outcome.line_state(
                line.deadline or None,
                line.answer_date or None,
                now,
                paused=line.state == outcome.PAUSED,
                warn=line.warn_date or None,
            )
            if state and state != line.state:
                by_state[state].append(line.id)
        for state, ids in by_state.items():
            self.browse(ids).write({"state": state})

    def _ekonsultasi_paused_seconds_until(self, moment):
        """The working seconds of the pause under way (since the line's last
        state change) until ``moment``, on the line's calendar."""
        self.ensure_one()
        if self.state != outcome.PAUSED or not self.last_state_date:
            return 0
        work = self._ekonsultasi_calendar()._ekonsultasi_work_calendar_around(
            [self.received_date or self.last_state_date, self.last_state_date, moment]
        )
        spent = work.working_seconds(
            workdays.to_epoch([self.last_state_date]), workdays.to_epoch([moment])
        )[0]
        return max(int(spent), 0)

    def _ekonsultasi_answer(self, moment):
        """The konsultan answered the round at ``moment``: the line is met,
        or met late, and keeps its limit; a pause under way ends with the
        answer."""
        for line in self.filtered(lambda line: line.state not in outcome.LINE_ANSWERED):
            line.write(
                {
                    "state": outcome.line_state(line.deadline or None, moment, moment)
                    or outcome.MET,
                    "last_state_date": moment,
                    "paused_seconds": line.paused_seconds
                    + line._ekonsultasi_paused_seconds_until(moment),
                }
            )

    @api.model
    def _ekonsultasi_recompute_for_leaves(self, spans):
        """Move the limits of the open round lines whose counting period a day
        off touches. ``spans`` is a list of ``(calendar, date_from, date_to)``;
        a calendar left empty stands for every calendar. A period runs from
        the round's submission to its escalation date, so a day off removed
        just after a limit, which the limit may now move onto, counts too.
        Returns the lines whose limits moved.

        A national holiday can move the limits of thousands of open
        consultations at once. The candidates are read in one query and only
        the limits that move are written, in one UPDATE per table, with the
        states (``outcome.line_state``, as :meth:`_ekonsultasi_update_state`)
        and the consultations' stored copies (``sla_line_id`` chosen again,
        ``answer_deadline``, ``sla_state``; what follows ``sla_line_id`` is
        marked modified); nothing tracked changes. Through the ORM (stored
        computes of the lines, related copies, then the states) the same
        recompute of 10,000 consultations took 2.44 s against 1.57 s here
        (bench/bench_sla.py prints both); the ORM alone would miss the
        target of 20 times helpdesk_mgmt_sla's plan_hours (21.5 x here)."""
        if not spans:
            return self.browse()
        self.env.flush_all()
        touches = SQL(" OR ").join(
            SQL("(l.received_date <= %s AND l.escalation_date >= %s)", date_to, date_from)
            for _calendar, date_from, date_to in spans
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT l.id, l.received_date, COALESCE(l.paused_seconds, 0), l.state,
                       l.deadline, l.warn_date, l.escalation_date,
                       COALESCE(s.days, 0), COALESCE(s.hours, 0), s.counting_rule,
                       COALESCE(s.reminder_days, 0), COALESCE(s.escalation_days, 0),
                       %s AS calendar_id
                  FROM helpdesk_ticket_sla l
                  JOIN helpdesk_sla s ON s.id = l.sla_id
                  JOIN helpdesk_ticket t ON t.id = l.ticket_id
                  JOIN res_company c ON c.id = t.company_id
             LEFT JOIN helpdesk_ticket_team tm ON tm.id = t.team_id
                 WHERE l.round_id IS NOT NULL AND l.answer_date IS NULL
                   AND l.deadline IS NOT NULL AND (%s)
                """,
                self.env["helpdesk.ticket"]._ekonsultasi_calendar_sql("s", "tm", "c"),
                touches,
            )
        )
        wanted = {calendar.id for calendar, _f, _t in spans}
        every = not all(wanted)  # a day off without calendar is off everywhere
        by_calendar = defaultdict(list)
        for row in rows:
            if every or row[12] in wanted:
                by_calendar[row[12]].append(row)
        now = fields.Datetime.now()
        changed = []
        for calendar_id, group in by_calendar.items():
            if not calendar_id:
                continue
            limits = self._ekonsultasi_limits(
                self.env["resource.calendar"].browse(calendar_id),
                [row[1] for row in group],
                [row[2] for row in group],
                [row[7:12] for row in group],
            )
            for row, new in zip(group, zip(*limits, strict=True), strict=True):
                if new != tuple(row[4:7]):
                    deadline, warn, _escalation = new
                    state = outcome.line_state(
                        deadline, None, now, paused=row[3] == outcome.PAUSED, warn=warn
                    )
                    changed.append((row[0], *new, state))
        if changed:
            values = SQL(", ").join(
                SQL("(%s, %s::timestamp, %s::timestamp, %s::timestamp, %s)", *row)
                for row in changed
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE helpdesk_ticket_sla l
                       SET deadline = v.deadline, warn_date = v.warn_date,
                           escalation_date = v.escalation_date, state = v.state
                      FROM (VALUES %s) AS v(id, deadline, warn_date, escalation_date, state)
                     WHERE l.id = v.id
                    """,
                    values,
                )
            )
            # the consultations' stored copies of their current line, chosen
            # again by the one rule: moved limits may change which comes first
            ids = tuple(row[0] for row in changed)
            rows = self.env.execute_query(
                SQL(
                    """
                    WITH picked AS (
                        SELECT t.id AS ticket_id, t.sla_line_id AS old_line, f.id AS new_line
                          FROM helpdesk_ticket t
                          JOIN (SELECT DISTINCT round_id FROM helpdesk_ticket_sla
                                 WHERE id IN %s) changed
                            ON t.current_round_id = changed.round_id
                          JOIN LATERAL (%s) f ON TRUE
                    )
                    UPDATE helpdesk_ticket t
                       SET sla_line_id = p.new_line, answer_deadline = fl.deadline,
                           sla_state = fl.state
                      FROM picked p
                      JOIN helpdesk_ticket_sla fl ON fl.id = p.new_line
                     WHERE t.id = p.ticket_id
                 RETURNING t.id, p.old_line IS DISTINCT FROM p.new_line
                    """,
                    ids,
                    self._ekonsultasi_round_line_sql("changed.round_id"),
                )
            )
            self.invalidate_model(["deadline", "warn_date", "escalation_date", "state"])
            Ticket = self.env["helpdesk.ticket"]
            Ticket.invalidate_model(["sla_line_id", "answer_deadline", "sla_state"])
            # another line came first: what follows the line (the escalation
            # level) follows it
            Ticket.browse(row[0] for row in rows if row[1]).modified(["sla_line_id"])
        return self.browse(row[0] for row in changed)

    # ------------------------------------------------------------------
    # Pauses (stages the policy ignores), from helpdesk_mgmt_sla's hook
    # ------------------------------------------------------------------

    def _stage_recompute(self):
        """helpdesk_mgmt_sla's hook on a change of stage: for a round line, a
        stage the policy ignores (waiting for the konsulti) pauses the line,
        leaving it resumes it, adding the working time it waited."""
        if not self.env.su:
            # sudo: the state follows the consultation's stage, which the
            # caller (helpdesk.ticket.write) was allowed to change; a
            # konsultan may not write SLA lines himself
            return self.sudo()._stage_recompute()
        if not self.round_id:
            return super()._stage_recompute()
        ticket = self.ticket_id
        if self.answer_date or self.round_id != ticket.current_round_id:
            return
        waiting = self._ekonsultasi_waiting()
        now = fields.Datetime.now()
        if waiting and self.state != outcome.PAUSED:
            self.write({"state": outcome.PAUSED, "last_state_date": now})
        elif not waiting and self.state == outcome.PAUSED:
            self.write(
                {
                    "paused_seconds": self.paused_seconds
                    + self._ekonsultasi_paused_seconds_until(now),
                    "state": outcome.LINE_ON_TIME,
                    "last_state_date": now,
                }
            )
            self._ekonsultasi_update_state(now)

    # ------------------------------------------------------------------
    # Reminders and escalation (scheduled action)
    # ------------------------------------------------------------------

    def _ekonsultasi_open_domain(self):
        return [
            ("round_id", "!=", False),
            ("answer_date", "=", False),
            ("state", "!=", outcome.PAUSED),
            ("ticket_id.stage_id.closed", "=", False),
        ]

    # the notifications of the scheduled action, in the order they are due:
    # (step, its flag, its mail.template); when a line is due for a step:
    # _ekonsultasi_due_domain, to whom: _ekonsultasi_<step>_recipients
    _EKONSULTASI_STEPS = (
        ("reminder", "reminder_sent_date", "ekonsultasi_addon.mail_template_sla_reminder"),
        (
            "escalation_1",
            "escalation_1_date",
            "ekonsultasi_addon.mail_template_sla_escalation_head",
        ),
        (
            "escalation_2",
            "escalation_2_date",
            "ekonsultasi_addon.mail_template_sla_escalation_inspektur",
        ),
    )

    def _ekonsultasi_due_domain(self, step, now):
        due = {
            "reminder": [
                ("warn_date", "<=", now),
                ("deadline", ">=", now),
                ("reminder_sent_date", "=", False),
            ],
            "escalation_1": [("deadline", "<", now), ("escalation_1_date", "=", False)],
            "escalation_2": [
                ("escalation_date", "<", now),
                ("escalation_1_date", "!=", False),
                ("escalation_2_date", "=", False),
            ],
        }[step]
        return self._ekonsultasi_open_domain() + due

    @api.model
    def _cron_ekonsultasi_sla(self, batch_size=100):
        """Refresh the states that the passing of time changed, then send at
        most ``batch_size`` reminders and escalations, each once. A
        notification is flagged in the same transaction as it is posted; the
        batch is one transaction, which the cron framework commits after the
        call (a run that dies rolls back its batch whole, posts and flags
        together, and the next run sends them). The progress reported to
        ``ir.cron`` makes the framework call again at once while due lines
        remain."""
        now = fields.Datetime.now()
        # the lines whose state time has changed (or a changed limit moved)
        stale = self.search(
            self._ekonsultasi_open_domain()
            + [
                "|",
                "|",
                "|",
                "&",
                ("state", "=", outcome.LINE_ON_TIME),
                ("warn_date", "<=", now),
                "&",
                ("state", "in", (outcome.LINE_ON_TIME, outcome.AT_RISK)),
                ("deadline", "<", now),
                "&",
                ("state", "=", outcome.AT_RISK),
                ("warn_date", ">", now),
                "&",
                ("state", "=", outcome.LINE_LATE),
                ("deadline", ">=", now),
            ]
        )
        stale._ekonsultasi_update_state(now)
        done = 0
        for step, flag, template_xmlid in self._EKONSULTASI_STEPS:
            # searched after the previous step is flagged: a line may become
            # due for the next level in the same batch, as before
            lines = self.search(
                self._ekonsultasi_due_domain(step, now),
                order="deadline, id",
                limit=batch_size - done,
            )
            if lines:
                lines._ekonsultasi_notify(self.env.ref(template_xmlid), step)
                lines.write({flag: now})
                self.env.flush_all()
                done += len(lines)
            if done >= batch_size:
                break
        remaining = sum(
            self.search_count(self._ekonsultasi_due_domain(step, now))
            for step, _flag, _template in self._EKONSULTASI_STEPS
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining and "cron_id" not in self.env.context:
            # not called by a cron worker (which calls again itself): "Run
            # manually" or code; a worker takes the rest at once
            cron = self.env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_sla", False)
            if cron:
                cron._trigger()
        return done, remaining

    def _ekonsultasi_notify(self, template, step):
        """Post on each line's consultation, as an internal note to the
        recipients of ``step``, the subject and body of the mail.template
        ``template`` rendered for the line (in the template's language)."""
        subjects = template._render_field("subject", self.ids, compute_lang=True)
        bodies = template._render_field("body_html", self.ids, compute_lang=True)
        for line in self:
            recipients = getattr(line, f"_ekonsultasi_{step}_recipients")()
            if recipients:
                line.ticket_id.message_post(
                    subject=subjects[line.id],
                    body=bodies[line.id],
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                    partner_ids=recipients.partner_id.ids,
                )

    @api.depends("ticket_id.answer_deadline", "sla_id.calendar_id")
    @api.depends_context("lang")
    def _compute_deadline_text(self):
        for line in self:
            line.deadline_text = line._ekonsultasi_deadline_text()

    def _ekonsultasi_deadline_text(self):
        return (
            self.ticket_id.with_context(tz=self._ekonsultasi_calendar().tz).answer_deadline_display
            or ""
        )

    def _ekonsultasi_reminder_recipients(self):
        ticket = self.ticket_id
        return ticket.user_id or ticket.team_id._get_konsultan_members()

    def _ekonsultasi_escalation_1_recipients(self):
        ticket = self.ticket_id
        head = ticket.team_id.user_id or ticket.perangkat_daerah_id.head_user_id
        return head | ticket.user_id

    def _ekonsultasi_escalation_2_recipients(self):
        return self.ticket_id.company_id.ekonsultasi_inspektur_id

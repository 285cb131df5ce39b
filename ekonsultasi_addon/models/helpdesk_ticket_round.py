# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

import numpy as np

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..lib import recap as rc
from ..lib import workdays


class HelpdeskTicketRound(models.Model):
    """One round (putaran) of a consultation. Round 1 starts when the konsulti
    sends the problem (Pasal 11); each re-submission (Pasal 13) starts a new
    round, which the konsultan answers again within the limit."""

    _name = "helpdesk.ticket.round"
    _description = "Consultation round"
    _inherit = ["ekonsultasi.ticket.access.mixin"]
    _order = "ticket_id, number"
    _rec_name = "number"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Consultation",
        required=True,
        index=True,
        ondelete="cascade",
        help="The consultation this round belongs to.",
    )
    # precomputed (here and answer_work_days): in the INSERT of the round,
    # not in an UPDATE at the next flush (bench/profile_create.py)
    company_id = fields.Many2one(
        related="ticket_id.company_id",
        store=True,
        precompute=True,
        help="The pemda of the consultation.",
    )
    number = fields.Integer(
        string="Round",
        required=True,
        default=1,
        help="1 for the first consultation, 2 and more for its re-submissions (Pasal 13).",
    )
    start_date = fields.Datetime(
        string="Submitted on",
        required=True,
        default=fields.Datetime.now,
        help="When the konsulti submitted this round; its limit is counted from it.",
    )
    reason = fields.Text(
        string="Reason for re-submission",
        help="Why the konsulti found the previous answer insufficient.",
    )
    answer_date = fields.Datetime(
        string="Answered on",
        readonly=True,
        help="Time of the konsultan's first answer visible to the konsulti in this round.",
    )
    answer_message_id = fields.Many2one(
        comodel_name="mail.message",
        string="Answer",
        readonly=True,
        ondelete="set null",
        help="The konsultan's message that answered this round.",
    )
    answer_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Answered by",
        readonly=True,
        help="The konsultan who answered this round.",
    )
    sla_line_ids = fields.One2many(
        comodel_name="helpdesk.ticket.sla",
        inverse_name="round_id",
        string="SLA lines",
        help="The SLA lines that count the limit of this round.",
    )
    answer_work_days = fields.Float(
        string="Answer time (working days)",
        compute="_compute_answer_work_days",
        store=True,
        precompute=True,
        digits=(16, 2),
        aggregator="avg",
        help="Working days from the submission of the round to its answer, on the "
        "calendar of its answer limit, without the time spent waiting for the konsulti.",
    )

    _sql_constraints = [
        (
            "ticket_number_uniq",
            "unique(ticket_id, number)",
            "A consultation cannot have two rounds with the same number.",
        ),
    ]

    @api.depends("ticket_id", "number")
    def _compute_display_name(self):
        for rnd in self:
            rnd.display_name = self.env._(
                "%(ticket)s, round %(number)s",
                ticket=rnd.ticket_id.number,
                number=rnd.number,
            )

    def _ekonsultasi_sla_line(self):
        """The line of the round's answer limit: the earliest if several
        policies apply (``helpdesk.ticket.sla._ekonsultasi_first``, as the
        consultation's ``sla_line_id``)."""
        self.ensure_one()
        return self.sla_line_ids._ekonsultasi_first()

    def _ekonsultasi_work_calendar(self, line=None):
        """The calendar the round's time is counted on: that of its answer
        limit (``line``, found when not given), by the one rule of
        ``helpdesk.ticket._ekonsultasi_calendar`` (without a line: the
        team's, else the company's)."""
        self.ensure_one()
        if line is None:
            line = self._ekonsultasi_sla_line()
        return self.ticket_id._ekonsultasi_calendar(line.sla_id)

    @api.depends("start_date", "answer_date", "sla_line_ids.paused_seconds")
    def _compute_answer_work_days(self):
        answered = self.filtered(lambda r: r.start_date and r.answer_date)
        (self - answered).answer_work_days = 0.0
        by_calendar = defaultdict(list)
        for rnd in answered:
            line = rnd._ekonsultasi_sla_line()
            calendar = rnd._ekonsultasi_work_calendar(line)
            # a pause that was under way at the answer ended with it
            # (helpdesk.ticket.sla._ekonsultasi_answer): counted in
            by_calendar[calendar].append((rnd, line.paused_seconds if line else 0.0))
        for calendar, group in by_calendar.items():
            rounds = [rnd for rnd, _paused in group]
            if not calendar:
                self.browse([r.id for r in rounds]).answer_work_days = 0.0
                continue
            starts = [r.start_date for r in rounds]
            answers = [r.answer_date for r in rounds]
            work = calendar._ekonsultasi_work_calendar_around(starts + answers)
            seconds = work.working_seconds(
                workdays.to_epoch(starts), workdays.to_epoch(answers)
            ) - np.array([paused for _rnd, paused in group], dtype=float)
            days = np.maximum(seconds, 0) / work.seconds_per_day
            for rnd, value in zip(rounds, days.tolist(), strict=True):
                rnd.answer_work_days = value

    @api.model
    def _ekonsultasi_recompute_answer_times(self, spans):
        """Recompute the answer times of the answered rounds that a day off
        added, moved or removed falls in. ``spans`` is a list of ``(calendar,
        date_from, date_to)``; a calendar left empty stands for every
        calendar (as ``helpdesk.ticket.sla._ekonsultasi_recompute_for_leaves``).
        Returns the rounds to recompute."""
        if not spans:
            return self.browse()
        domain = expression.OR(
            [
                [
                    ("answer_date", "!=", False),
                    ("start_date", "<=", date_to),
                    ("answer_date", ">=", date_from),
                ]
                for _calendar, date_from, date_to in spans
            ]
        )
        # sudo: a day off changes the answer time of every consultation it
        # falls in, whoever edits the calendar
        rounds = self.sudo().search(domain)
        wanted = {calendar.id for calendar, _from, _to in spans}
        if all(wanted):  # a day off without calendar is off everywhere
            rounds = rounds.filtered(lambda rnd: rnd._ekonsultasi_work_calendar().id in wanted)
        if rounds:
            self.env.add_to_compute(self._fields["answer_work_days"], rounds)
            rounds.modified(["answer_work_days"])  # and the consultations' copies
        return rounds

    @api.constrains("number", "reason")
    def _check_reason(self):
        for rnd in self:
            if rnd.number > 1 and not (rnd.reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "A re-submitted consultation needs the reason why the "
                        "answer did not meet the konsulti's expectations."
                    )
                )

    # ------------------------------------------------------------------
    # Recap report (issue 5)
    # ------------------------------------------------------------------

    @api.model
    def _ekonsultasi_recap_records(self, company, start, end, filters=None):
        """The rounds of ``company`` that a recap of ``start``..``end`` (naive
        UTC) needs, as :class:`recap.RoundRecord`: those submitted in the
        period and those submitted before it and still open at its start
        (the backlog). Archived consultations are left out, as everywhere.

        ``filters`` maps ``perangkat_daerah``, ``category``, ``kecamatan``,
        ``desa`` and ``konsultan`` to recordsets; a category stands for its
        sub-categories too.

        A yearly recap reads 100,000 rounds: one query reads the ids and
        dates of the rounds (the ORM would load 100,000 records and their
        related names, bench/bench_recap.py measures it), and the names come
        from the small master tables through the ORM, so the number of
        queries does not grow with the number of rounds. The caller checks
        the access rights (only the tim pengelola / Inspektorat runs it)."""
        filters = filters or {}
        where = [
            SQL("t.company_id = %s AND t.active", company.id),
            SQL("r.start_date < %s", end),
            # and the last round of a consultation closed in the period
            # (the recap counts who closed it, issue 15)
            SQL(
                "(r.start_date >= %s OR ((r.answer_date IS NULL OR r.answer_date >= %s)"
                " AND (t.closed_date IS NULL OR t.closed_date >= %s))"
                " OR (t.closed_date >= %s AND r.id = t.current_round_id))",
                start,
                start,
                start,
                start,
            ),
        ]
        columns = {
            "perangkat_daerah": "t.perangkat_daerah_id",
            "kecamatan": "t.origin_kecamatan_id",
            "desa": "t.origin_desa_id",
            # the konsultan who answered the round, else the one assigned
            "konsultan": "COALESCE(r.answer_user_id, t.user_id)",
        }
        for name, column in columns.items():
            if filters.get(name):
                where.append(SQL("%s IN %s", SQL(column), tuple(filters[name].ids)))
        if filters.get("category"):
            categories = self.env["helpdesk.ticket.category"].with_context(active_test=False)
            categories = categories.search([("id", "child_of", filters["category"].ids)])
            where.append(SQL("t.category_id IN %s", tuple(categories.ids)))
        self.env.flush_all()
        # the per-round subquery makes PostgreSQL's cost estimate of a yearly
        # recap high enough to compile the query (JIT), which then costs half
        # of its execution time (bench/bench_recap.py): not for this query
        self.env.cr.execute("SET LOCAL jit = off")
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.id, t.number, t.name, r.number, r.start_date, l.deadline,
                       r.answer_date, t.closed_date, t.perangkat_daerah_id, t.category_id,
                       COALESCE(r.answer_user_id, t.user_id), t.konsulti_origin,
                       t.origin_perangkat_daerah_id,
                       t.origin_desa_id, t.origin_kecamatan_id, r.answer_work_days,
                       CASE WHEN r.id = t.current_round_id THEN t.closing_type END
                  FROM helpdesk_ticket_round r
                  JOIN helpdesk_ticket t ON t.id = r.ticket_id
             LEFT JOIN LATERAL (%s) l ON TRUE
                 WHERE %s
                """,
                # the round's SLA line, as _ekonsultasi_sla_line chooses it
                self.env["helpdesk.ticket.sla"]._ekonsultasi_round_line_sql("r.id"),
                SQL(" AND ").join(where),
            )
        )
        self.env.cr.execute("RESET jit")
        agencies, categories, users, desas, kecamatans = (
            self._ekonsultasi_recap_names(model, {row[i] for row in rows for i in indexes})
            for model, indexes in (
                ("ekonsultasi.perangkat.daerah", (8, 12)),
                ("helpdesk.ticket.category", (9,)),
                ("res.users", (10,)),
                ("ekonsultasi.desa", (13,)),
                ("ekonsultasi.kecamatan", (14,)),
            )
        )
        records = []
        for row in rows:
            kind = row[11]
            origin = agencies.get(row[12]) if kind == rc.PERANGKAT_DAERAH else desas.get(row[13])
            records.append(
                rc.RoundRecord(
                    consultation_id=row[0],
                    number=row[1],
                    title=row[2],
                    round=row[3],
                    submitted=row[4],
                    deadline=row[5],
                    answered=row[6],
                    closed=row[7],
                    perangkat_daerah=agencies.get(row[8]),
                    category=categories.get(row[9]),
                    konsultan=users.get(row[10]),
                    origin_kind=kind or None,
                    origin_name=origin,
                    origin_kecamatan=kecamatans.get(row[14]) if kind == rc.DESA else None,
                    answer_days=row[15] if row[6] else None,
                    closed_by=row[16] or None,
                )
            )
        return records

    @api.model
    def _ekonsultasi_recap_names(self, model, ids):
        """``{id: name}`` of the records ``ids`` of ``model`` in the user's
        language: a few hundred agencies, topics, konsultan or villages, read
        in batches by the ORM's prefetching."""
        records = self.env[model].with_context(active_test=False).browse(ids - {None})
        field = "complete_name" if model == "helpdesk.ticket.category" else "name"
        return {record.id: record[field] for record in records}

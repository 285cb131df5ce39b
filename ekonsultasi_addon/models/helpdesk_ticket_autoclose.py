# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# in a file of its own while two branches change the model (see below)
# pylint: disable=consider-merging-classes-inherited
"""Answered and left (issue 15): the part of ``helpdesk.ticket`` that closes
an answered consultation its konsulti leaves without a word, and lets him
submit it again for a while after. In a file of its own (the model's main
file is ``helpdesk_ticket.py``) while two branches change the model."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, format_datetime

from ..lib import workdays
from .helpdesk_ticket import _zone_label

CLOSING_TYPES = [
    ("konsulti", "By the konsulti"),
    ("staff", "By a konsultan or an administrator"),
    ("auto", "By the system: answered and left"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    closing_type = fields.Selection(
        selection=CLOSING_TYPES,
        string="Closed by",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Who closed the consultation: its konsulti, a konsultan or an "
        "administrator, or the system because the konsulti neither replied, "
        "submitted it again nor closed it within the working days set in the "
        "settings after the answer. Empty while it is open.",
    )
    resubmit_until = fields.Datetime(
        string="May be submitted again until",
        compute="_compute_resubmit_until",
        help="For a consultation the system closed (answered and left): until when "
        "its konsulti may still submit it again, counted in working days from the "
        "closing on the calendar of its answer limit.",
    )
    resubmit_until_display = fields.Char(
        string="May be submitted again until (text)",
        compute="_compute_resubmit_until",
        help="The same limit in words, in the time zone of its calendar, as the "
        "portal and the notice to the konsulti write it.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("closing_type", "closed_date", "company_id.ekonsultasi_autoclose_resubmit_days")
    @api.depends_context("lang")
    def _compute_resubmit_until(self):
        auto = self.filtered(lambda t: t.closing_type == "auto" and t.closed_date)
        (self - auto).resubmit_until = False
        (self - auto).resubmit_until_display = False
        limits = auto._ekonsultasi_limit_after(
            {t: t.closed_date for t in auto},
            {t: t.company_id.ekonsultasi_autoclose_resubmit_days for t in auto},
        )
        for ticket in auto:
            until, calendar = limits.get(ticket, (False, False))
            ticket.resubmit_until = until
            ticket.resubmit_until_display = (
                ticket._ekonsultasi_moment_text(until, calendar) if until else False
            )

    @api.depends("ekonsultasi_state", "closing_type", "closed_date")
    def _compute_can_resubmit(self):  # pylint: disable=missing-return  # computes return nothing
        super()._compute_can_resubmit()
        now = fields.Datetime.now()
        for ticket in self.filtered(lambda t: t.closing_type == "auto"):
            ticket.can_resubmit = bool(ticket.resubmit_until and now <= ticket.resubmit_until)

    # ------------------------------------------------------------------
    # The working-day rule, applied to these limits
    # ------------------------------------------------------------------

    def _ekonsultasi_counting_calendar(self):
        """The calendar that counts this consultation's limit: the one rule
        (``_ekonsultasi_calendar``) with the policy of its current SLA line."""
        self.ensure_one()
        return self._ekonsultasi_calendar(self.sla_line_id.sla_id)

    def _ekonsultasi_limit_after(self, moments, days):
        """``{ticket: (limit, calendar)}``: the end of the ``days[ticket]``-th
        working day after ``moments[ticket]`` (naive UTC), by the rule of the
        answer limits (``lib.workdays.WorkCalendar.deadline``, with the
        counting rule of the consultation's SLA policy), on the calendar that
        counts its limit, in one batch per calendar. 0 days: none."""
        groups = defaultdict(list)
        for ticket in self:
            if days.get(ticket, 0) > 0 and moments.get(ticket):
                calendar = ticket._ekonsultasi_counting_calendar()
                if calendar:
                    rule = ticket.sla_line_id.sla_id.counting_rule or workdays.END_OF_DAY
                    groups[calendar, rule].append(ticket)
        result = {}
        for (calendar, rule), tickets in groups.items():
            starts = [moments[t] for t in tickets]
            work = calendar._ekonsultasi_work_calendar_around(starts, planning=True)
            limits = work.deadline(workdays.to_epoch(starts), [days[t] for t in tickets], rule=rule)
            for ticket, limit in zip(tickets, workdays.from_epoch(limits), strict=True):
                result[ticket] = (limit, calendar)
        return result

    def _ekonsultasi_moment_text(self, moment, calendar):
        """``moment`` (naive UTC) in words in the calendar's time zone, as
        ``answer_deadline_display`` writes a limit."""
        self.ensure_one()
        tz = calendar.tz or workdays.DEFAULT_TZ
        text = format_datetime(
            self.env, moment, tz=tz, dt_format="EEEE, d MMMM y HH.mm", lang_code=self.env.lang
        )
        return f"{text} {_zone_label(tz, moment)}"

    # ------------------------------------------------------------------
    # Who closed it
    # ------------------------------------------------------------------

    def write(self, vals):
        # who closes is recorded whatever the door (portal, chatter, kanban,
        # the scheduled action): after the stage changed
        opened = self.filtered(lambda t: not t.closed) if "stage_id" in vals else self.browse()
        closed = self - opened if "stage_id" in vals else self.browse()
        result = super().write(vals)
        if "stage_id" in vals:
            self._ekonsultasi_record_closing(opened.filtered("closed"), closed)
        return result

    def _ekonsultasi_record_closing(self, newly_closed, were_closed):
        kind = self.env.context.get("ekonsultasi_closing_type")
        user = self.env.user
        by_kind = defaultdict(list)
        for ticket in newly_closed:
            if kind:
                by_kind[kind].append(ticket.id)
            elif ticket.partner_id and ticket.partner_id == user.partner_id:
                by_kind["konsulti"].append(ticket.id)
            else:
                by_kind["staff"].append(ticket.id)
        reopened = were_closed.filtered(lambda t: not t.closed and t.closing_type)
        if reopened:
            by_kind[False].extend(reopened.ids)
        for value, ids in by_kind.items():
            # sudo: a fact the flow records (FLOW_FIELDS), whoever closes
            self.browse(ids).sudo().write({"closing_type": value})

    # ------------------------------------------------------------------
    # Re-submission after the system closed it
    # ------------------------------------------------------------------

    def _ekonsultasi_resubmit_error(self):
        """``None`` when the konsulti may submit this consultation again
        (Pasal 13): it is answered, or the system closed it (answered and
        left) less than the working days of the settings ago. Otherwise the
        reason, to show him."""
        self.ensure_one()
        if self.ekonsultasi_state == "answered" and not self.closed:
            return None
        if self.closing_type == "auto":
            if self.can_resubmit:
                return None
            return self.env._(
                "The consultation %(number)s was closed by the system because it "
                "received no reply after the answer, and the period to submit it "
                "again has passed. Please send a new consultation.",
                number=self.number,
            )
        return self.env._(
            "Only an answered consultation can be submitted again; "
            "%(number)s is in the stage %(stage)s.",
            number=self.number,
            stage=self.stage_id.name,
        )

    # ------------------------------------------------------------------
    # The scheduled action
    # ------------------------------------------------------------------

    def _ekonsultasi_autoclose_due(self, now):
        """``{ticket: due}``: when each of these answered consultations is to
        be closed. The working days of its company count from the answer of
        its current round, or from the konsultan's last public message after
        it; a consultation whose last public message is the konsulti's (he
        replied: the konsultan is to speak) is not due, nor one whose company
        sets 0 days."""
        if not self:
            return {}
        self.env["mail.message"].flush_model(
            ["model", "res_id", "subtype_id", "message_type", "date", "author_id"]
        )
        comment = self.env.ref("mail.mt_comment").id
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (m.res_id) m.res_id, m.date, m.author_id
                  FROM mail_message m
                 WHERE m.model = 'helpdesk.ticket' AND m.res_id IN %s
                   AND m.subtype_id = %s AND m.message_type IN ('comment', 'email')
              ORDER BY m.res_id, m.date DESC, m.id DESC
                """,
                tuple(self.ids),
                comment,
            )
        )
        last = {res_id: (date, author) for res_id, date, author in rows}
        starts = {}
        for ticket in self:
            start = ticket.answer_date
            date, author = last.get(ticket.id, (None, None))
            if date and start and date >= start:
                if ticket.partner_id and author == ticket.partner_id.id:
                    continue  # he replied: not left
                start = max(start, date)
            starts[ticket] = start
        limits = self._ekonsultasi_limit_after(
            starts, {t: t.company_id.ekonsultasi_autoclose_days for t in starts}
        )
        return {ticket: limit for ticket, (limit, _cal) in limits.items()}

    @api.model
    def _cron_ekonsultasi_autoclose(self, batch_size=100):
        """Close the answered consultations left by their konsulti (see
        :meth:`_ekonsultasi_autoclose_due`), at most ``batch_size`` a run,
        each with the notice ``mail_template_autoclose`` to its konsulti, in
        the transaction that closes it: a closed consultation is no longer
        answered, so a run again, or a run that died and rolled back, closes
        and notifies each once. The progress reported to ``ir.cron`` makes
        the framework call again at once while some remain."""
        now = fields.Datetime.now()
        # the candidates: answered, their company closes, and answered at
        # least that many calendar days ago (N working days are at least
        # N days; the rule above decides)
        candidates = self.browse()
        for company in self.env["res.company"].search([("ekonsultasi_autoclose_days", ">", 0)]):
            candidates |= self.search(
                [
                    ("company_id", "=", company.id),
                    ("ekonsultasi_state", "=", "answered"),
                    ("closed", "=", False),
                    (
                        "answer_date",
                        "<=",
                        fields.Datetime.subtract(now, days=company.ekonsultasi_autoclose_days),
                    ),
                ],
                order="answer_date, id",
            )
        due = sorted(
            (
                ticket
                for ticket, limit in candidates._ekonsultasi_autoclose_due(now).items()
                if limit <= now
            ),
            key=lambda t: (t.answer_date, t.id),
        )
        batch = self.browse([t.id for t in due[:batch_size]])
        batch._ekonsultasi_autoclose()
        remaining = len(due) - len(batch)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        if remaining and "cron_id" not in self.env.context:
            cron = self.env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_autoclose", False)
            if cron:
                cron._trigger()
        return len(batch), remaining

    def _ekonsultasi_autoclose(self):
        """Close these consultations as the system and tell each konsulti."""
        template = self.env.ref("ekonsultasi_addon.mail_template_autoclose")
        Ticket = self.with_context(ekonsultasi_closing_type="auto")
        for ticket in Ticket:
            ticket.stage_id = ticket._ekonsultasi_stage("done")
        self.env.flush_all()
        self.invalidate_recordset(["resubmit_until", "resubmit_until_display", "can_resubmit"])
        subjects = template._render_field("subject", self.ids, compute_lang=True)
        bodies = template._render_field("body_html", self.ids, compute_lang=True)
        for ticket in self:
            ticket.message_post(
                subject=subjects[ticket.id],
                body=bodies[ticket.id],
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=ticket.partner_id.ids,
            )

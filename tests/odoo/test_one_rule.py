"""One truth per rule (issue 10): where a rule lives in Python and is repeated
in SQL for speed, both are fed the same generated rounds and must agree.

* the outcome of a round: ``lib/outcome.outcome`` and the analysis view
  (``outcome_sql``);
* the SLA line of a round: ``helpdesk.ticket.sla._ekonsultasi_first`` (the
  consultation's ``sla_line_id``, the round's line) and its SQL
  (``_ekonsultasi_round_line_sql``: the analysis view, the recap's query);
* which calendar counts: ``helpdesk.ticket._ekonsultasi_calendar`` and its
  SQL (``_ekonsultasi_calendar_sql``, the recompute after a day off).

The rounds are generated with a fixed seed through the real flow (submission,
answers, re-submissions, pauses while waiting for the konsulti, closing
without answer) under two SLA policies on two calendars (WIB and WITA), a
team without SLA, days off added afterwards, and then lines without deadline
and equal deadlines forced in, so that every outcome and every branch of the
line choice occurs."""

import datetime as dt
import random

from ekonsultasi_common import EkonsultasiCase, wib
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.ekonsultasi_addon.lib import outcome

D = dt.datetime
SEED = 20261130
CONSULTATIONS = 120


@tagged("post_install", "-at_install", "ekonsultasi")
class TestOneRule(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.setup_working_calendar(years=(2026,))
        cls.wita = cls.calendar.copy({"name": "Hari kerja WITA", "tz": "Asia/Makassar"})
        cls.wita.action_import_holidays(2026)
        # BKAD: a second policy, in working hours, on the team's calendar (WITA)
        cls.team_bkad.resource_calendar_id = cls.wita
        cls.policy_hours = env["helpdesk.sla"].create(
            {
                "name": "Answer within 2 days of working hours",
                "team_ids": [Command.set(cls.team_bkad.ids)],
                "days": 2,
                "hours": 0,
                "counting_rule": "working_hours",
                "stage_id": env.ref("ekonsultasi_addon.helpdesk_ticket_stage_answered").id,
                "ignore_stage_ids": [Command.set(cls.awaiting.ids)],
            }
        )
        # a team without answer limit
        cls.team_free = env["helpdesk.ticket.team"].create(
            {
                "name": "Tim tanpa batas waktu",
                "perangkat_daerah_id": cls.agency_insp.id,
                "use_sla": False,
                "user_ids": [Command.set(cls.konsultan_2.ids)],
            }
        )
        cls.cat_free = env["helpdesk.ticket.category"].create(
            {
                "name": "Tanpa batas",
                "perangkat_daerah_id": cls.agency_insp.id,
                "team_id": cls.team_free.id,
            }
        )
        cls.tickets = cls._generate()

    @classmethod
    def _at(cls, when, action):
        with freeze_time(when):
            action()
            cls.env.flush_all()

    @classmethod
    def _generate(cls):
        rng = random.Random(SEED)
        now = fields.Datetime.now()
        categories = [cls.topic_tlhp, cls.topic_aset, cls.cat_free]
        partners = [cls.konsulti.partner_id, cls.konsulti_nagari.partner_id]
        tickets = cls.Ticket

        def later(base, hours_max):  # some time after base, before now
            step = dt.timedelta(minutes=rng.randint(10, hours_max * 60))
            return min(base + step, now - dt.timedelta(minutes=1))

        for i in range(CONSULTATIONS):
            recent = i % 12 == 0  # a few still within their limit today
            if recent:
                submitted = now - dt.timedelta(hours=rng.randint(1, 20))
            else:  # any hour of any day of 2026 before October, days off too
                submitted = wib(2026, 1, 2, 0, 0) + dt.timedelta(
                    minutes=rng.randint(0, 270 * 24 * 60)
                )
            ticket = cls.consult_at(
                submitted, rng.choice(partners), categories[i % 3], name=f"Acak {i}"
            )
            tickets |= ticket
            moment = submitted
            for _round in range(rng.choice((1, 1, 2, 3))):
                scenario = rng.choice(("answer", "answer", "pause", "close", "open"))

                if scenario == "pause":  # waits for the konsulti, maybe back
                    moment = later(moment, 80)
                    cls._at(moment, lambda t=ticket: setattr(t, "stage_id", cls.awaiting))
                    if rng.random() < 0.7:
                        moment = later(moment, 120)
                        cls._at(moment, lambda t=ticket: setattr(t, "stage_id", cls.progress))
                        scenario = rng.choice(("answer", "close", "open"))
                    else:
                        scenario = "open"
                if scenario == "answer":
                    moment = later(moment, 160)
                    cls.answer_at(ticket, moment)
                elif scenario == "close":
                    moment = later(moment, 160)
                    cls._at(moment, ticket.action_close_consultation)
                if scenario != "answer" or recent or rng.random() < 0.4:
                    break
                moment = later(moment, 72)
                cls._at(
                    moment,
                    lambda t=ticket: t.sudo().action_resubmit("Jawaban belum menjawab."),
                )
        # days off added afterwards move open limits (the SQL recompute)
        for day in (D(2026, 2, 27), D(2026, 5, 20), D(2026, 8, 19)):
            for calendar in (cls.calendar, cls.wita):
                cls.env["resource.calendar.leaves"].create(
                    {
                        "name": "Hari libur daerah",
                        "calendar_id": calendar.id,
                        "date_from": day - dt.timedelta(hours=8),
                        "date_to": day + dt.timedelta(hours=15, minutes=59),
                    }
                )
        cls.env.flush_all()
        return tickets

    # helpers -------------------------------------------------------------------
    def _rounds(self):
        return self.tickets.round_ids

    def _view_rows(self):
        rows = self.env["ekonsultasi.round.analysis"].search(
            [("ticket_id", "in", self.tickets.ids)]
        )
        return {row.id: row for row in rows}

    def _db_now(self):
        # the view reads now() of the transaction: the same moment here
        self.env.cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        return self.env.cr.fetchone()[0]

    def _force_ties_and_missing_deadlines(self):
        """Lines without deadline and lines with equal deadlines, which the
        flow does not make (a calendar is always found): written in SQL."""
        lines = self._rounds().sla_line_ids
        double = lines.round_id.filtered(lambda r: len(r.sla_line_ids) > 1)
        rng = random.Random(SEED)
        for rnd in double:
            first, second = rnd.sla_line_ids.sorted("id")[:2]
            choice = rng.choice(("tie", "first_none", "second_none", "both_none", "keep"))
            if choice == "tie":
                self.env.cr.execute(
                    "UPDATE helpdesk_ticket_sla SET deadline = %s WHERE id IN %s",
                    (first.deadline, (first.id, second.id)),
                )
            elif choice != "keep":
                ids = {
                    "first_none": (first.id,),
                    "second_none": (second.id,),
                    "both_none": (first.id, second.id),
                }[choice]
                self.env.cr.execute(
                    "UPDATE helpdesk_ticket_sla SET deadline = NULL WHERE id IN %s", (ids,)
                )
        self.env.invalidate_all()
        return double

    # tests ----------------------------------------------------------------------
    def test_generated_rounds_cover_every_case(self):
        rounds = self._rounds()
        self.assertGreaterEqual(len(rounds), 140)
        outcomes = {row.outcome for row in self._view_rows().values()}
        self.assertEqual(outcomes, set(outcome.OUTCOMES))
        self.assertTrue(rounds.filtered(lambda r: r.number > 1))
        self.assertTrue(rounds.sla_line_ids.filtered("paused_seconds"))
        self.assertTrue(rounds.sla_line_ids.filtered(lambda line: line.state == "on_hold"))
        self.assertTrue(rounds.filtered(lambda r: len(r.sla_line_ids) == 2))
        self.assertTrue(rounds.filtered(lambda r: not r.sla_line_ids))

    def test_outcome_python_and_sql_agree(self):
        """Every generated round has the same outcome in the analysis view
        (SQL) as ``outcome.outcome`` (Python) on the round's line."""
        self._check_outcomes()

    def test_outcome_agree_with_lines_without_deadline_and_ties(self):
        self.assertTrue(self._force_ties_and_missing_deadlines())
        self._check_outcomes()

    def _check_outcomes(self):
        at = self._db_now()
        rows = self._view_rows()
        rounds = self._rounds()
        self.assertEqual(set(rows), set(rounds.ids))
        for rnd in rounds:
            line = rnd._ekonsultasi_sla_line()
            expected = outcome.outcome(
                line.deadline or None,
                rnd.answer_date or None,
                rnd.ticket_id.closed_date or None,
                at,
            )
            row = rows[rnd.id]
            self.assertEqual(row.outcome, expected, f"outcome of {rnd.display_name}")
            self.assertEqual(row.sla_line_id, line, f"line of {rnd.display_name}")
            self.assertEqual(row.deadline, line.deadline, f"deadline of {rnd.display_name}")

    def test_line_of_a_round_python_and_sql_agree(self):
        """The consultation's line, the round's line, the view's and the
        recap query's deadline are one choice, with the flow's lines (after
        days off moved them) and with forced ties and missing deadlines."""
        for ticket in self.tickets:
            self.assertEqual(
                ticket.sla_line_id,
                ticket.current_round_id._ekonsultasi_sla_line(),
                ticket.display_name,
            )
        self._check_lines()
        self._force_ties_and_missing_deadlines()
        self._check_lines()

    def _check_lines(self):
        rounds = self._rounds()
        for rnd in rounds:
            expected = rnd.sla_line_ids.sorted(
                lambda line: (not line.deadline, line.deadline or D.max, line.id)
            )[:1]
            self.assertEqual(rnd._ekonsultasi_sla_line(), expected, rnd.display_name)
        sql = self.env["helpdesk.ticket.sla"]._ekonsultasi_round_line_sql("r.id")
        self.env.cr.execute(
            f"SELECT r.id, l.id FROM helpdesk_ticket_round r LEFT JOIN LATERAL ({sql.code}) l"
            " ON TRUE WHERE r.id IN %s",
            (*sql.params, tuple(rounds.ids)),
        )
        by_sql = dict(self.env.cr.fetchall())
        for rnd in rounds:
            self.assertEqual(by_sql[rnd.id] or False, rnd._ekonsultasi_sla_line().id or False)
        records = self.env["helpdesk.ticket.round"]._ekonsultasi_recap_records(
            self.company, D(2025, 1, 1), D(2027, 1, 1)
        )
        deadlines = {(r.consultation_id, r.round): r.deadline for r in records}
        for rnd in rounds:
            self.assertEqual(
                deadlines[rnd.ticket_id.id, rnd.number],
                rnd._ekonsultasi_sla_line().deadline or None,
                rnd.display_name,
            )

    def test_calendar_python_and_sql_agree(self):
        """Which calendar counts: the policy's, else the team's, else the
        company's, in Python and in the SQL of the day-off recompute."""
        lines = self._rounds().sla_line_ids
        Ticket = self.env["helpdesk.ticket"]
        sql = Ticket._ekonsultasi_calendar_sql("s", "tm", "c")
        self.env.cr.execute(
            f"""SELECT l.id, {sql.code}
                  FROM helpdesk_ticket_sla l
                  JOIN helpdesk_sla s ON s.id = l.sla_id
                  JOIN helpdesk_ticket t ON t.id = l.ticket_id
                  JOIN res_company c ON c.id = t.company_id
             LEFT JOIN helpdesk_ticket_team tm ON tm.id = t.team_id
                 WHERE l.id IN %s""",
            (*sql.params, tuple(lines.ids)),
        )
        by_sql = dict(self.env.cr.fetchall())
        seen = set()
        for line in lines:
            calendar = line._ekonsultasi_calendar()
            self.assertEqual(by_sql[line.id], calendar.id)
            seen.add(calendar)
        self.assertEqual(seen, {self.calendar, self.wita})
        # without a line: the team's (the company's was used before), else
        # the company's
        free = self.tickets.filtered(lambda t: t.team_id == self.team_free)[:1]
        self.team_free.resource_calendar_id = self.wita
        self.assertEqual(free.current_round_id._ekonsultasi_work_calendar(), self.wita)
        self.team_free.resource_calendar_id = False
        self.assertEqual(
            free.current_round_id._ekonsultasi_work_calendar(), self.company.resource_calendar_id
        )
        self.assertEqual(
            Ticket._ekonsultasi_pick_calendar(self.policy_hours, self.team_bkad, self.company),
            self.wita,
        )
        self.team_bkad.resource_calendar_id = False
        self.assertEqual(
            Ticket._ekonsultasi_pick_calendar(self.policy_hours, self.team_bkad, self.company),
            self.company.resource_calendar_id,
        )

    def test_working_days_left_long_after_the_limit(self):
        """The working calendar is built around every instant it measures:
        a consultation unanswered months after its limit has its working
        days left (negative), where the old fixed margin of 120 days after
        the limit raised once it was 60 days late."""
        long_ago = fields.Datetime.now() - dt.timedelta(days=90)
        late = self.tickets.filtered(
            lambda t: t.sla_line_id and not t.answer_date and t.answer_deadline < long_ago
        )
        self.assertTrue(late)
        for ticket in late:
            self.assertLess(ticket.remaining_work_days, -40, ticket.display_name)

    def test_day_off_that_reorders_the_lines_moves_the_consultation_to_the_first(self):
        """A day off on one calendar moves one policy's limit past the other's:
        the consultation's line is chosen again, by the same rule."""
        policy_days = self.env.ref("ekonsultasi_addon.helpdesk_sla_answer_3_days")
        with freeze_time(wib(2026, 10, 6, 10, 0)):  # a Tuesday
            ticket = self.consult(self.konsulti.partner_id, self.topic_aset)
            self.env.flush_all()
        # 15 working hours on the WITA calendar: Thursday 11.00 WITA, before
        # the end of the third working day in WIB (Friday 16.30 WIB)
        self.assertEqual(ticket.sla_line_id.sla_id, self.policy_hours)
        self.assertEqual(ticket.answer_deadline, D(2026, 10, 8, 3, 0))
        with freeze_time(wib(2026, 10, 6, 12, 0)):
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Hari libur daerah",
                    "calendar_id": self.wita.id,
                    "date_from": D(2026, 10, 7) - dt.timedelta(hours=8),
                    "date_to": D(2026, 10, 12, 23, 59) - dt.timedelta(hours=8),
                }
            )
            self.env.flush_all()
        self.assertEqual(ticket.sla_line_id.sla_id, policy_days)
        self.assertEqual(ticket.sla_line_id, ticket.current_round_id._ekonsultasi_sla_line())
        self.assertEqual(ticket.answer_deadline, wib(2026, 10, 9, 16, 30))
        self.assertEqual(ticket.sla_state, "in_progress")

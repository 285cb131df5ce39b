"""The 3-hari-kerja answer limit (Pasal 11 ayat (5), 12 ayat (3)) on the
pemda's calendar: deadlines, rounds, pauses, holidays, reminders and
escalation, through helpdesk_mgmt_sla's policies and lines."""

import datetime as dt
from unittest.mock import patch

from ekonsultasi_common import EkonsultasiCase, wib
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

D = dt.datetime


@tagged("post_install", "-at_install", "ekonsultasi")
class TestAnswerLimit(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_working_calendar()
        cls.policy = cls.env.ref("ekonsultasi_addon.helpdesk_sla_answer_3_days")
        cls.team_insp.user_id = cls.administrator  # team leader: head of agency
        cls.company.ekonsultasi_inspektur_id = cls.inspektur

    # stored states depend on "now": flush while the clock is frozen
    def consult_at(self, when, **values):
        with freeze_time(when):
            ticket = self.consult(self.konsulti.partner_id, **values)
            self.env.flush_all()
        return ticket

    def answer_at(self, ticket, when):
        with freeze_time(when):
            message = self.answer(ticket, ticket.user_id)
            self.env.flush_all()
        return message

    def set_stage_at(self, ticket, stage, when):
        with freeze_time(when):
            ticket.stage_id = stage
            self.env.flush_all()

    # deadlines -------------------------------------------------------------
    def test_holidays_imported_with_indonesian_names(self):
        leaves = self.calendar.global_leave_ids.filtered(
            lambda leave: leave.date_from.year == 2026 and leave.date_from.month == 3
        )
        names = leaves.mapped("name")
        self.assertIn("Hari Suci Nyepi", names)
        self.assertIn("Cuti Bersama Hari Raya Idul Fitri", names)
        # importing again adds nothing
        self.assertFalse(self.calendar.action_import_holidays(2026))

    def test_week_of_nyepi_and_idul_fitri(self):
        """Tuesday 17 March 2026: 18-24 March are days off (cuti bersama,
        Nyepi, Idul Fitri, weekend), day 3 is Friday 27 March."""
        ticket = self.consult_at(wib(2026, 3, 17, 9, 15))
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 27, 16, 30))
        self.assertEqual(ticket.sla_line_id.sla_id, self.policy)
        self.assertEqual(ticket.sla_line_id.round_id, ticket.current_round_id)
        with freeze_time(wib(2026, 3, 17, 10, 0)):
            ticket.invalidate_recordset(["remaining_work_days"])
            # 5 h left today and three days of 7.5 h: 27.5 h
            self.assertEqual(ticket.remaining_work_days, 3.7)
        self.assertEqual(
            ticket.with_context(lang="en_US", tz="Asia/Jakarta").answer_deadline_display,
            "Friday, 27 March 2026 16.30 WIB",
        )

    def test_friday_after_hours_and_weekend(self):
        friday = self.consult_at(wib(2026, 3, 6, 17, 0))
        self.assertEqual(friday.answer_deadline, wib(2026, 3, 12, 16, 0))
        saturday = self.consult_at(wib(2026, 3, 7, 11, 0))
        self.assertEqual(saturday.answer_deadline, wib(2026, 3, 12, 16, 0))

    def test_year_boundary(self):
        ticket = self.consult_at(wib(2026, 12, 23, 14, 0))
        # 24 and 25 December and 1 January are days off
        self.assertEqual(ticket.answer_deadline, wib(2026, 12, 30, 16, 0))

    def test_wita_calendar(self):
        wita = self.calendar.copy({"name": "Hari kerja ASN (WITA)", "tz": "Asia/Makassar"})
        self.team_bkad.resource_calendar_id = wita
        self.policy.calendar_id = False  # the team's calendar counts
        with freeze_time(D(2026, 3, 3, 2, 0)):  # 10.00 WITA
            ticket = self.consult(self.konsulti.partner_id, self.topic_aset)
        self.assertEqual(ticket.answer_deadline, D(2026, 3, 6, 8, 30))  # 16.30 WITA
        self.assertEqual(
            ticket.with_context(lang="en_US", tz="Asia/Makassar").answer_deadline_display,
            "Friday, 6 March 2026 16.30 WITA",
        )

    def test_working_hours_rule(self):
        self.policy.counting_rule = "working_hours"
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 6, 10, 0))

    def test_policies_of_new_consultations_follow_their_changes(self):
        """The policies a consultation's team, tags and category match are
        searched once (helpdesk.sla._ekonsultasi_policy_ids): a policy
        added, limited, archived, or a category it named deleted, count for
        the next consultation."""

        def policies():
            return self.consult_at(wib(2026, 3, 3, 10, 0)).ticket_sla_ids.sla_id

        self.assertEqual(policies(), self.policy)
        topic = self.env["helpdesk.ticket.category"].create(
            {"name": "Topik khusus", "parent_id": self.cat_insp.id}
        )
        urgent = self.policy.copy({"name": "Mendesak", "days": 1, "category_ids": topic.ids})
        self.assertEqual(policies(), self.policy)  # another topic
        urgent.category_ids = self.topic_tlhp
        self.assertEqual(policies(), self.policy | urgent)
        urgent.domain = "[('name', '=', 'Lain')]"  # its own filter, as helpdesk_mgmt_sla
        self.assertEqual(policies(), self.policy)
        urgent.domain = "[]"
        urgent.active = False
        self.assertEqual(policies(), self.policy)
        urgent.write({"active": True, "category_ids": topic.ids})
        self.assertEqual(policies(), self.policy)
        topic.unlink()  # the policy names no category any more: it applies everywhere
        self.assertEqual(policies(), self.policy | urgent)

    # outcome ---------------------------------------------------------------
    def test_states_on_time_at_risk_late_met(self):
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))  # due Fri 6 March 16.30
        line = ticket.sla_line_id
        self.assertEqual(line.warn_date, wib(2026, 3, 5, 16, 0))  # one working day before
        self.assertEqual(ticket.sla_state, "in_progress")
        with freeze_time(wib(2026, 3, 6, 9, 0)):
            line.env["helpdesk.ticket.sla"]._cron_ekonsultasi_sla()
        self.assertEqual(ticket.sla_state, "at_risk")
        with freeze_time(wib(2026, 3, 9, 8, 0)):
            line.env["helpdesk.ticket.sla"]._cron_ekonsultasi_sla()
        self.assertEqual(ticket.sla_state, "expired")
        self.answer_at(ticket, wib(2026, 3, 9, 9, 0))
        self.assertEqual(ticket.sla_state, "met_late")
        on_time = self.consult_at(wib(2026, 3, 3, 10, 0))
        self.answer_at(on_time, wib(2026, 3, 6, 16, 0))
        self.assertEqual(on_time.sla_state, "accomplished")
        # grouping and filtering work on the stored state
        groups = self.Ticket._read_group(
            [("id", "in", (ticket | on_time).ids)], ["sla_state"], ["__count"]
        )
        self.assertEqual(dict(groups), {"accomplished": 1, "met_late": 1})

    def test_each_round_has_its_own_limit(self):
        """Pasal 13: the re-submission is counted from its own submission; the
        first round keeps its outcome."""
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))
        self.answer_at(ticket, wib(2026, 3, 4, 9, 0))
        with freeze_time(wib(2026, 3, 9, 14, 0)):
            ticket.sudo().action_resubmit("Mohon dasar hukumnya.")
            self.env.flush_all()
        self.assertEqual(len(ticket.ticket_sla_ids), 2)
        first, second = ticket.ticket_sla_ids.sorted(lambda line: line.round_id.number)
        self.assertEqual(first.state, "accomplished")
        self.assertEqual(second.round_id.number, 2)
        self.assertEqual(ticket.sla_line_id, second)
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 12, 16, 0))
        self.assertEqual(ticket.sla_state, "in_progress")
        self.answer_at(ticket, wib(2026, 3, 13, 9, 0))
        self.assertEqual(second.state, "met_late")
        self.assertEqual(first.state, "accomplished")

    def test_pause_while_waiting_for_konsulti(self):
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))  # due Fri 6 March 16.30
        self.set_stage_at(ticket, self.awaiting, wib(2026, 3, 4, 10, 0))  # waiting
        self.assertEqual(ticket.sla_state, "on_hold")
        # helpdesk_mgmt_sla's record of the pause: when the state changed
        self.assertEqual(ticket.sla_line_id.last_state_date, wib(2026, 3, 4, 10, 0))
        self.set_stage_at(ticket, self.progress, wib(2026, 3, 9, 10, 0))  # Monday
        # 20 h were left when paused: Monday 5 h, Tuesday and Wednesday 7.5 h
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 11, 16, 0))
        self.assertEqual(ticket.sla_state, "in_progress")
        self.set_stage_at(ticket, self.awaiting, wib(2026, 3, 10, 10, 0))  # one more day
        self.set_stage_at(ticket, self.progress, wib(2026, 3, 11, 10, 0))
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 12, 16, 0))

    def test_konsultan_pauses_and_resumes_without_rights_on_the_lines(self):
        """The konsultan moves his consultation to the waiting stage and back
        (the form's stage bar, a write of the consultation as him): the line
        pauses and resumes, though he may not write SLA lines himself."""
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))  # due Fri 6 March 16.30
        konsultan = ticket.user_id or ticket.team_id.user_ids[:1]
        mine = ticket.with_user(konsultan)
        with freeze_time(wib(2026, 3, 4, 10, 0)):
            mine.stage_id = self.awaiting
            self.env.flush_all()
        self.assertEqual(ticket.sla_state, "on_hold")
        with freeze_time(wib(2026, 3, 9, 10, 0)):
            mine.stage_id = self.progress
            self.env.flush_all()
        self.assertEqual(ticket.sla_state, "in_progress")
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 11, 16, 0))
        with self.assertRaises(AccessError):
            ticket.sla_line_id.with_user(konsultan).write({"state": "accomplished"})

    def test_one_state_that_helpdesk_mgmt_sla_reads_too(self):
        """A line has one state, helpdesk_mgmt_sla's: its "expired" flag, the
        consultation's SLA figures and its SLA report read what ours shows.
        Before, the report showed a line answered late as "Accomplished" and
        a late one as ongoing in helpdesk_mgmt_sla's own state."""
        Line = self.env["helpdesk.ticket.sla"]
        self.assertNotIn("sla_state", Line._fields)
        self.assertNotIn("pause_start", Line._fields)
        late = self.consult_at(wib(2026, 3, 3, 10, 0))  # due Fri 6 March 16.30
        met = self.consult_at(wib(2026, 3, 3, 10, 0))
        self.answer_at(met, wib(2026, 3, 4, 9, 0))
        self.assertEqual(met.sla_line_id.state, "accomplished")
        self.assertEqual(met.sla_line_id.last_state_date, wib(2026, 3, 4, 9, 0))
        with freeze_time(wib(2026, 3, 6, 9, 0)):
            Line._cron_ekonsultasi_sla()
            self.env.flush_all()
        line = late.sla_line_id
        self.assertEqual(line.state, "at_risk")
        # past its limit (today is long after March), even before the
        # scheduled action marks it: expired for helpdesk_mgmt_sla
        self.assertTrue(line.expired)
        self.assertTrue(late.sla_expired)
        self.assertIn(line, Line.search([("expired", "=", True)]))
        self.assertNotIn(line, Line.search([("expired", "=", False)]))
        self.assertEqual(late.sla_deadline, wib(2026, 3, 6, 16, 30))
        with freeze_time(wib(2026, 3, 9, 8, 0)):
            Line._cron_ekonsultasi_sla()
            self.env.flush_all()
        self.assertEqual(line.state, "expired")
        self.answer_at(late, wib(2026, 3, 9, 9, 0))
        self.assertEqual(line.state, "met_late")
        self.assertEqual(late.answer_deadline, wib(2026, 3, 6, 16, 30), "keeps its limit")
        report = self.env["helpdesk.sla.report"].search([("ticket_id", "in", (late | met).ids)])
        self.assertEqual(
            {row.ticket_id: row.state for row in report}, {late: "expired", met: "accomplished"}
        )
        self.assertEqual(
            dict(Line._fields["state"]._description_selection(self.env))["expired"], "Late"
        )

    # holidays --------------------------------------------------------------
    def _day_off(self, day, name="Hari libur daerah"):
        return self.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "calendar_id": self.calendar.id,
                "date_from": wib(day.year, day.month, day.day, 0, 0),
                "date_to": wib(day.year, day.month, day.day, 23, 59, 59),
            }
        )

    def test_holiday_added_moved_removed_after_submission(self):
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))  # due Fri 6 March 16.30
        later = self.consult_at(wib(2026, 4, 13, 10, 0))  # due Thu 16 April 16.00
        self.assertEqual(later.answer_deadline, wib(2026, 4, 16, 16, 0))
        Line = type(self.env["helpdesk.ticket.sla"])
        original = Line._ekonsultasi_recompute_for_leaves
        moved = []

        def recompute(model, spans):
            moved.append(original(model, spans))
            return moved[-1]

        with patch.object(
            Line, "_ekonsultasi_recompute_for_leaves", autospec=True, side_effect=recompute
        ):
            leave = self._day_off(dt.date(2026, 3, 5))  # a local day off on Thursday
        self.assertEqual(moved[0], ticket.sla_line_id, "only the consultations it touches")
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 9, 16, 0))
        self.assertEqual(later.answer_deadline, wib(2026, 4, 16, 16, 0))
        leave.write({"date_from": wib(2026, 3, 4, 0, 0), "date_to": wib(2026, 3, 4, 23, 59, 59)})
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 9, 16, 0))
        leave.unlink()
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 6, 16, 30))

    def test_consultations_of_a_day_count_what_changed_that_day(self):
        """The working calendar limits are planned on is cached
        (resource.calendar._ekonsultasi_work_calendar): a day off, office
        hours or a time zone changed between two consultations of a day count
        for the second."""
        sent = wib(2026, 3, 3, 10, 0)  # Tuesday: due Friday 6 March 16.30
        self.assertEqual(self.consult_at(sent).answer_deadline, wib(2026, 3, 6, 16, 30))
        leave = self._day_off(dt.date(2026, 3, 5))  # Thursday off
        self.assertEqual(self.consult_at(sent).answer_deadline, wib(2026, 3, 9, 16, 0))
        leave.unlink()
        self.assertEqual(self.consult_at(sent).answer_deadline, wib(2026, 3, 6, 16, 30))
        friday_afternoon = self.calendar.attendance_ids.filtered(
            lambda att: att.dayofweek == "4" and att.hour_to == 16.5
        )
        friday_afternoon.hour_to = 16.0
        self.assertEqual(self.consult_at(sent).answer_deadline, wib(2026, 3, 6, 16, 0))
        self.calendar.tz = "Asia/Makassar"  # one hour ahead of WIB
        self.assertEqual(self.consult_at(sent).answer_deadline, wib(2026, 3, 6, 15, 0))

    def test_answered_consultation_keeps_its_limit(self):
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))
        self.answer_at(ticket, wib(2026, 3, 4, 9, 0))
        self._day_off(dt.date(2026, 3, 5))
        self.assertEqual(ticket.answer_deadline, wib(2026, 3, 6, 16, 30))
        self.assertEqual(ticket.sla_state, "accomplished")

    def test_answer_time_in_working_days_follows_days_off(self):
        """The stored answer time (the recap's and the pivot's measure) leaves
        out days off, also one added after the answer."""
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))  # Tuesday
        self.answer_at(ticket, wib(2026, 3, 6, 10, 0))  # Friday
        rnd = ticket.current_round_id
        before = rnd.answer_work_days
        self.assertGreater(before, 2.5)
        self.assertEqual(ticket.answer_work_days, before)
        thursday = sum(
            att.hour_to - att.hour_from
            for att in self.calendar.attendance_ids
            if att.dayofweek == "3" and att.day_period != "lunch"
        )
        week = sum(
            att.hour_to - att.hour_from
            for att in self.calendar.attendance_ids
            if att.day_period != "lunch"
        )
        per_day = week / len(set(self.calendar.attendance_ids.mapped("dayofweek")))
        leave = self._day_off(dt.date(2026, 3, 5))  # Thursday off, after the answer
        self.assertAlmostEqual(before - rnd.answer_work_days, thursday / per_day, places=6)
        self.assertEqual(ticket.answer_work_days, rnd.answer_work_days)
        leave.unlink()
        self.assertAlmostEqual(rnd.answer_work_days, before, places=6)

    def test_sla_report_lists_each_round(self):
        """helpdesk_mgmt_sla's own SLA report still reads the round lines."""
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))
        self.answer_at(ticket, wib(2026, 3, 4, 9, 0))
        with freeze_time(wib(2026, 3, 9, 14, 0)):
            ticket.sudo().action_resubmit("Belum jelas.")
            self.env.flush_all()
        rows = self.env["helpdesk.sla.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(rows), 2)
        self.assertEqual(sorted(rows.mapped("state")), ["accomplished", "expired"])

    # reminders and escalation ---------------------------------------------
    def _notes(self, ticket, text):
        return ticket.message_ids.filtered(lambda m: text in (m.body or ""))

    def _run_cron(self, when, times=2):
        with freeze_time(when):
            for _i in range(times):
                self.env["helpdesk.ticket.sla"]._cron_ekonsultasi_sla()

    def test_reminder_then_two_escalation_levels_each_sent_once(self):
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))  # due Fri 6 March 16.30
        konsultan = ticket.user_id
        self._run_cron(wib(2026, 3, 4, 9, 0))
        self.assertFalse(self._notes(ticket, "Reminder"))
        self._run_cron(wib(2026, 3, 5, 16, 30))
        reminder = self._notes(ticket, "Reminder")
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.partner_ids, konsultan.partner_id)
        self.assertEqual(reminder.subtype_id, self.env.ref("mail.mt_note"))
        self._run_cron(wib(2026, 3, 9, 8, 0))
        escalation = self._notes(ticket, "Escalation to the head")
        self.assertEqual(len(escalation), 1)
        self.assertIn(self.administrator.partner_id, escalation.partner_ids)
        self.assertEqual(ticket.escalation_level, "1")
        self.assertFalse(self._notes(ticket, "Escalation to the Inspektur"))
        # two working days after the limit: Tuesday 10 March 16.00
        self.assertEqual(ticket.sla_line_id.escalation_date, wib(2026, 3, 10, 16, 0))
        self._run_cron(wib(2026, 3, 11, 8, 0))
        to_inspektur = self._notes(ticket, "Escalation to the Inspektur")
        self.assertEqual(len(to_inspektur), 1)
        self.assertEqual(to_inspektur.partner_ids, self.inspektur.partner_id)
        self.assertEqual(ticket.escalation_level, "2")
        self._run_cron(wib(2026, 3, 12, 8, 0), times=3)
        self.assertEqual(len(self._notes(ticket, "Reminder")), 1)
        self.assertEqual(len(self._notes(ticket, "Escalation to the head")), 1)
        self.assertEqual(len(self._notes(ticket, "Escalation to the Inspektur")), 1)
        # the konsulti sees none of it
        self.assertTrue(all(m.subtype_id.internal for m in self._notes(ticket, "Escalation")))

    def test_answered_in_time_gets_no_escalation(self):
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))
        self.answer_at(ticket, wib(2026, 3, 6, 9, 0))
        self._run_cron(wib(2026, 3, 12, 8, 0))
        self.assertFalse(self._notes(ticket, "Escalation"))

    def _run_cron_job(self):
        """Run the scheduled action as a cron worker does (``ir.cron._run_job``:
        up to 10 calls, each committed after it returns and rolled back if it
        raises), on savepoints of the test's transaction (Odoo's test mode:
        a commit releases a savepoint, a rollback returns to it)."""
        cron = self.env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_sla")
        job = {
            "id": cron.id,
            "cron_name": cron.name,
            "user_id": cron.user_id.id,
            "lastcall": cron.lastcall,
            "ir_actions_server_id": cron.ir_actions_server_id.id,
            "timed_out_counter": 0,
            "active": True,
        }
        self.env.flush_all()
        self.registry.enter_test_mode(self.cr)
        try:
            status = type(self.env["ir.cron"])._run_job(job)
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id desc")
        return status, progress

    def test_cron_handles_250_lines_in_batches(self):
        """250 escalations due at once: one run of the job handles them in
        three calls of at most 100, reporting the progress that makes the
        cron framework call again."""
        with freeze_time(wib(2026, 3, 3, 10, 0)):
            tickets = self.consult_many(self.konsulti.partner_id, 250)
            self.env.flush_all()
        with freeze_time(wib(2026, 3, 9, 8, 0)):
            status, progress = self._run_cron_job()
        self.assertEqual(status, "fully done")
        self.assertEqual(
            [(p.done, p.remaining) for p in progress.sorted("id")],
            [(100, 150), (100, 50), (50, 0)],
        )
        for ticket in tickets:
            self.assertEqual(len(self._notes(ticket, "Escalation to the head")), 1)
            self.assertTrue(ticket.sla_line_id.escalation_1_date)

    def test_cron_killed_in_a_batch_sends_each_notification_once(self):
        """A run dies in the middle of its second batch: that batch is rolled
        back whole (posts and flags), the first stays committed; the next run
        sends the rest, and every consultation gets its escalation once."""
        with freeze_time(wib(2026, 3, 3, 10, 0)):
            tickets = self.consult_many(self.konsulti.partner_id, 250)
            self.env.flush_all()
        Ticket = type(self.Ticket)
        original = Ticket.message_post
        calls = []

        def failing(ticket, **kwargs):
            calls.append(ticket)
            if len(calls) == 150:
                raise RuntimeError("the worker was killed")
            return original(ticket, **kwargs)

        with (
            patch.object(Ticket, "message_post", autospec=True, side_effect=failing),
            freeze_time(wib(2026, 3, 9, 8, 0)),
            self.assertLogs("odoo.addons.base.models.ir_cron", level="ERROR"),
        ):
            status, _progress = self._run_cron_job()
        self.assertEqual(status, "failed")
        self.assertEqual(len(calls), 150)
        sent = tickets.filtered(lambda t: self._notes(t, "Escalation to the head"))
        self.assertEqual(len(sent), 100, "the first batch is committed, the second rolled back")
        self.assertEqual(sent, tickets.filtered(lambda t: t.sla_line_id.escalation_1_date))
        # run again: the 150 left, each once
        with freeze_time(wib(2026, 3, 9, 8, 15)):
            status, progress = self._run_cron_job()
        self.assertEqual(status, "fully done")
        self.assertEqual([p.done for p in progress.sorted("id")][-2:], [100, 50])
        for ticket in tickets:
            self.assertEqual(len(self._notes(ticket, "Escalation to the head")), 1)
            self.assertTrue(ticket.sla_line_id.escalation_1_date)
        with freeze_time(wib(2026, 3, 9, 8, 30)):
            self.assertEqual(self.env["helpdesk.ticket.sla"]._cron_ekonsultasi_sla(), (0, 0))

    def test_cron_run_by_hand_leaves_the_rest_to_a_worker(self):
        """Called outside a cron worker (Run manually), the action handles its
        batch and triggers the job for the rest."""
        self.consult_at(wib(2026, 3, 3, 10, 0))
        self.consult_at(wib(2026, 3, 3, 11, 0))
        cron = self.env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_sla")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        with freeze_time(wib(2026, 3, 9, 8, 0)):
            Sla = self.env["helpdesk.ticket.sla"]
            self.assertEqual(Sla._cron_ekonsultasi_sla(batch_size=1), (1, 1))
            self.assertTrue(Trigger.search([("cron_id", "=", cron.id)]) - before)
            self.assertEqual(Sla._cron_ekonsultasi_sla(batch_size=1), (1, 0))

    def test_notes_are_the_mail_templates(self):
        """The notes are rendered from the mail templates, which an
        administrator may edit, in the pemda's language."""
        reminder = self.env.ref("ekonsultasi_addon.mail_template_sla_reminder")
        self.assertEqual(reminder.model, "helpdesk.ticket.sla")
        reminder.body_html = (
            '<p>Ingat: <t t-out="object.ticket_id.number"/> paling lambat '
            '<t t-out="object.deadline_text"/>.</p>'
        )
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))
        self._run_cron(wib(2026, 3, 5, 16, 30))
        note = self._notes(ticket, "Ingat:")
        self.assertEqual(len(note), 1)
        self.assertIn(ticket.number, note.body)
        self.assertIn("Friday, 6 March 2026 16.30 WIB", note.body)
        self.assertEqual(note.subject, f"Reminder: consultation {ticket.number}")

    def test_notes_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["ekonsultasi_addon"], ["id_ID"], overwrite=True
        )
        self.company.partner_id.lang = "id_ID"
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))  # due Fri 6 March 16.30
        self._run_cron(wib(2026, 3, 5, 16, 30))
        self._run_cron(wib(2026, 3, 9, 8, 0))
        self._run_cron(wib(2026, 3, 11, 8, 0))
        notes = ticket.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_note"))
        bodies = " ".join(notes.mapped("body"))
        self.assertIn("Jumat, 6 Maret 2026 16.30 WIB", bodies)
        self.assertEqual(len(notes.filtered(lambda m: ticket.number in m.body)), 3)
        self.assertNotIn("Reminder", bodies)
        self.assertNotIn("Escalation", bodies)
        self.assertNotIn("Reminder", " ".join(notes.mapped("subject")))

    def test_paused_consultation_is_not_escalated(self):
        ticket = self.consult_at(wib(2026, 3, 3, 10, 0))
        self.set_stage_at(ticket, self.awaiting, wib(2026, 3, 4, 10, 0))
        self._run_cron(wib(2026, 3, 12, 8, 0))
        self.assertFalse(self._notes(ticket, "Escalation"))
        self.assertEqual(ticket.sla_state, "on_hold")


@tagged("post_install", "-at_install", "ekonsultasi")
class TestAnswerLimitPortal(EkonsultasiCase):
    def test_portal_template_shows_the_limit(self):
        ticket = self.consult(self.konsulti.partner_id)
        self.assertTrue(ticket.answer_deadline)
        self.assertTrue(
            ticket.with_context(lang="en_US", tz="Asia/Jakarta").answer_deadline_display.endswith(
                " WIB"
            )
        )

# pylint: disable=translation-required  # test bodies, never shown to anyone; pylint-odoo exempts
"""Answered and left (issue 15): an answered consultation that its konsulti
neither closes, submits again nor replies to within N working days (a
company setting, 10 by default) is closed by the scheduled action, with a
notice to him; he may still submit it again for a further period (10 working
days by default); the recap counts these closings apart from his own.

The dates are in September 2026, a month without national holiday: a
consultation answered on Tuesday 1 September 2026 at 10.00 WIB (day 0) is
left after the 10th working day after it, Tuesday 15 September, whose
office hours end at 16.00 WIB (Perpres 21/2023, the calendar Hari kerja
ASN)."""

import datetime as dt

from ekonsultasi_common import EkonsultasiCase, wib
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.ekonsultasi_addon.lib import recap as rc


@tagged("post_install", "-at_install", "ekonsultasi")
class TestAnsweredAndLeft(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_working_calendar()
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.template = cls.env.ref("ekonsultasi_addon.mail_template_autoclose")

    def answered_ticket(self, answered=None):
        answered = answered or wib(2026, 9, 1, 10, 0)
        ticket = self.consult_at(answered - dt.timedelta(hours=1), self.konsulti.partner_id)
        self.answer_at(ticket, answered)
        self.assertEqual(ticket.ekonsultasi_state, "answered")
        return ticket

    def run_cron(self, when, **kwargs):
        with freeze_time(when):
            result = self.Ticket._cron_ekonsultasi_autoclose(**kwargs)
            self.env.flush_all()
        return result

    def notices(self, ticket):
        return ticket.message_ids.filtered(
            lambda m: m.subject and ticket.number in m.subject and "closed" in m.subject
        )

    # ------------------------------------------------------------------

    def test_defaults(self):
        self.assertEqual(self.company.ekonsultasi_autoclose_days, 10)
        self.assertEqual(self.company.ekonsultasi_autoclose_resubmit_days, 10)
        cron = self.env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_autoclose")
        self.assertTrue(cron.active)

    def test_closed_after_ten_working_days_with_notice(self):
        ticket = self.answered_ticket()
        # Tuesday 15 September 15.59 WIB: still in the 10th working day
        self.assertEqual(self.run_cron(wib(2026, 9, 15, 15, 59)), (0, 0))
        self.assertEqual(ticket.ekonsultasi_state, "answered")
        self.assertEqual(self.run_cron(wib(2026, 9, 15, 16, 1)), (1, 0))
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.ekonsultasi_state, "done")
        self.assertEqual(ticket.closing_type, "auto")
        notice = self.notices(ticket)
        self.assertEqual(len(notice), 1)
        self.assertIn(self.konsulti.partner_id, notice.partner_ids)
        self.assertEqual(notice.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn("10", notice.body)
        # the further period: 10 working days after the closing (Tuesday
        # 15 September 16.01, after office hours: day 0 is Wednesday 16)
        self.assertEqual(ticket.resubmit_until, wib(2026, 9, 30, 16, 0))
        self.assertIn(ticket.resubmit_until_display.split(" ")[-1], notice.body)

    def test_holiday_inside_the_period_pushes_the_close(self):
        """A day off on Thursday 10 September (a local holiday of the pemda)
        makes Wednesday 16 September the 10th working day: the consultation
        is still open on Tuesday evening, closed on Wednesday evening."""
        ticket = self.answered_ticket()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Hari jadi kabupaten",
                "calendar_id": self.calendar.id,
                "date_from": wib(2026, 9, 10, 0, 0),
                "date_to": wib(2026, 9, 10, 23, 59, 59),
            }
        )
        self.assertEqual(self.run_cron(wib(2026, 9, 15, 16, 1)), (0, 0))
        self.assertFalse(ticket.closed)
        self.assertEqual(self.run_cron(wib(2026, 9, 16, 15, 59)), (0, 0))
        self.assertFalse(ticket.closed)
        self.assertEqual(self.run_cron(wib(2026, 9, 16, 16, 1)), (1, 0))
        self.assertEqual(ticket.closing_type, "auto")

    def test_national_holidays_counted(self):
        """Answered on Monday 10 August 2026: Monday 17 August (Independence
        Day) and Tuesday 25 August (Maulid Nabi) are not working days, so the
        10th working day after it is Wednesday 26 August, not Monday 24."""
        ticket = self.answered_ticket(wib(2026, 8, 10, 10, 0))
        self.run_cron(wib(2026, 8, 24, 16, 1))
        self.assertFalse(ticket.closed)
        self.run_cron(wib(2026, 8, 26, 15, 59))
        self.assertFalse(ticket.closed)
        self.run_cron(wib(2026, 8, 26, 16, 1))
        self.assertTrue(ticket.closed)

    def test_reply_stops_it_and_konsultan_restarts_it(self):
        ticket = self.answered_ticket()
        with freeze_time(wib(2026, 9, 3, 9, 0)):
            ticket.with_user(self.konsulti).message_post(
                body="Terima kasih, tetapi bagaimana dengan temuan tahun lalu?",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.env.flush_all()
        # he replied: the konsultan is to speak, nothing is closed however long
        self.assertEqual(self.run_cron(wib(2026, 10, 30, 17, 0)), (0, 0))
        self.assertFalse(ticket.closed)
        # the konsultan answers his reply on Monday 2 November: 10 working
        # days from then, Monday 16 November at 16.00
        self.answer_at(ticket, wib(2026, 11, 2, 10, 0))
        self.run_cron(wib(2026, 11, 16, 15, 59))
        self.assertFalse(ticket.closed)
        self.run_cron(wib(2026, 11, 16, 16, 1))
        self.assertEqual(ticket.closing_type, "auto")

    def test_resubmission_stops_it(self):
        ticket = self.answered_ticket()
        with freeze_time(wib(2026, 9, 4, 9, 0)):
            ticket.with_user(self.konsulti).sudo().action_resubmit(
                "Belum menjawab pertanyaan saya."
            )
            self.env.flush_all()
        self.assertEqual(ticket.ekonsultasi_state, "resubmitted")
        self.assertEqual(self.run_cron(wib(2026, 10, 30, 17, 0)), (0, 0))
        self.assertFalse(ticket.closed)
        self.assertFalse(ticket.closing_type)

    def test_closed_by_himself_is_not_closed_again(self):
        ticket = self.answered_ticket()
        with freeze_time(wib(2026, 9, 2, 9, 0)):
            ticket.with_user(self.konsulti).sudo().action_close_consultation()
        self.assertEqual(ticket.closing_type, "konsulti")
        self.assertEqual(self.run_cron(wib(2026, 10, 30, 17, 0)), (0, 0))
        self.assertEqual(ticket.closing_type, "konsulti")
        self.assertFalse(self.notices(ticket))

    def test_idempotent_and_batched(self):
        tickets = self.Ticket.browse()
        for _i in range(3):
            tickets |= self.answered_ticket()
        self.assertEqual(self.run_cron(wib(2026, 9, 15, 17, 0), batch_size=2), (2, 1))
        self.assertEqual(self.run_cron(wib(2026, 9, 15, 17, 5), batch_size=2), (1, 0))
        self.assertEqual(self.run_cron(wib(2026, 9, 15, 17, 10), batch_size=2), (0, 0))
        self.assertEqual(set(tickets.mapped("closing_type")), {"auto"})
        for ticket in tickets:
            self.assertEqual(len(self.notices(ticket)), 1)

    def test_setting_zero_never_closes(self):
        self.company.ekonsultasi_autoclose_days = 0
        ticket = self.answered_ticket()
        self.assertEqual(self.run_cron(wib(2026, 12, 30, 17, 0)), (0, 0))
        self.assertFalse(ticket.closed)

    def test_resubmit_after_autoclose_within_the_period(self):
        ticket = self.answered_ticket()
        self.run_cron(wib(2026, 9, 15, 16, 1))
        with freeze_time(wib(2026, 9, 30, 15, 0)):
            ticket.invalidate_recordset(["can_resubmit"])
            self.assertTrue(ticket.can_resubmit)
            ticket.with_user(self.konsulti).sudo().action_resubmit("Saya baru kembali dari dinas.")
            self.env.flush_all()
        self.assertFalse(ticket.closed)
        self.assertFalse(ticket.closing_type)
        self.assertEqual(ticket.ekonsultasi_state, "resubmitted")
        self.assertEqual(ticket.round_number, 2)
        self.assertTrue(ticket.answer_deadline)

    def test_resubmit_after_the_period_refused_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["ekonsultasi_addon"], ["id_ID"], overwrite=True
        )
        ticket = self.answered_ticket()
        self.run_cron(wib(2026, 9, 15, 16, 1))
        with freeze_time(wib(2026, 9, 30, 16, 1)):
            ticket.invalidate_recordset(["can_resubmit"])
            self.assertFalse(ticket.can_resubmit)
            konsulti = ticket.with_user(self.konsulti).with_context(lang="id_ID").sudo()
            with self.assertRaisesRegex(UserError, "ditutup oleh sistem"):
                konsulti.action_resubmit("Terlambat.")
        self.assertTrue(ticket.closed)
        self.assertEqual(ticket.round_number, 1)

    def test_notice_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["ekonsultasi_addon"], ["id_ID"], overwrite=True
        )
        self.konsulti.partner_id.lang = "id_ID"
        ticket = self.answered_ticket()
        self.run_cron(wib(2026, 9, 15, 16, 1))
        notice = self.notices(ticket) or ticket.message_ids.filtered(
            lambda m: m.subject and "ditutup" in m.subject
        )
        self.assertEqual(len(notice), 1)
        self.assertIn("ditutup", notice.subject)
        self.assertIn("hari kerja", notice.body)
        self.assertIn("Rabu, 30 September 2026 16.00 WIB", notice.body)

    def test_recap_counts_the_closings_apart(self):
        mine = self.answered_ticket()
        left = self.answered_ticket()
        staff = self.answered_ticket()
        with freeze_time(wib(2026, 9, 2, 9, 0)):
            mine.with_user(self.konsulti).sudo().action_close_consultation()
            staff.with_user(self.konsultan_1).action_close_consultation()
            self.env.flush_all()
        self.run_cron(wib(2026, 9, 15, 16, 1))
        self.assertEqual(
            (mine | left | staff).mapped("closing_type"), ["konsulti", "auto", "staff"]
        )
        Wizard = self.env["ekonsultasi.recap.wizard"].with_user(self.inspektur)

        def quarter(number):
            return Wizard.create({"period_type": rc.QUARTER, "year": 2026, "quarter": number})

        wizard = quarter("3")
        with freeze_time(wib(2026, 10, 5, 9, 0)):
            recap = wizard._ekonsultasi_recap()
            self.assertEqual(recap.totals.closed_konsulti, 1)
            self.assertEqual(recap.totals.closed_auto, 1)
            self.assertEqual(recap.totals.received, 3)
            by_agency = {row.key: row.figures for row in recap.breakdowns["perangkat_daerah"]}
            self.assertEqual(by_agency[("Inspektorat Daerah",)].closed_auto, 1)
            self.assertEqual(wizard.closed_auto, 1)
            self.assertEqual(wizard.closed_konsulti, 1)
            # the next quarter received nothing, closed nothing
            october = quarter("4")
            self.assertEqual(october._ekonsultasi_recap().totals.closed_auto, 0)
        # a consultation received in Q3, closed by the system in Q4: counted
        # in Q4's closings (and not received there)
        late = self.answered_ticket(wib(2026, 9, 28, 10, 0))
        self.run_cron(wib(2026, 10, 12, 16, 1))
        self.assertEqual(late.closing_type, "auto")
        with freeze_time(wib(2026, 12, 31, 9, 0)):
            q4 = quarter("4")._ekonsultasi_recap()
        self.assertEqual((q4.totals.received, q4.totals.closed_auto), (0, 1))

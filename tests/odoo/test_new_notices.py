# pylint: disable=translation-required  # test bodies, never shown to anyone; pylint-odoo exempts
"""The notices of a consultation sent from the portal (issue 13): the
konsulti's receipt and the konsultan's notice are made by the scheduled
action *E-Konsultasi: notices of new consultations*, which the portal
triggers, and not in the konsulti's request. Each is made once, a
consultation whose notices cannot be made does not stop the others, and a
batch larger than a run is finished by the runs that follow."""

from datetime import timedelta

import psycopg2
from ekonsultasi_common import EkonsultasiCase

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

CRON = "ekonsultasi_addon.ir_cron_ekonsultasi_new_notices"
NOTICES = "odoo.addons.ekonsultasi_addon.models.helpdesk_ticket_new_notice"


@tagged("post_install", "-at_install", "ekonsultasi")
class TestNewNotices(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.konsulti.email = "siti@example.com"
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.receipt = cls.env.ref("ekonsultasi_addon.mail_template_consultation_received")

    def _sent(self, count=1, name="Pertanyaan"):
        """Consultations stored as the portal stores them: the konsultan's
        notice left to the scheduled action, with the receipt."""
        return (
            self.Ticket.with_user(self.konsulti)
            .sudo()
            .with_context(mail_auto_subscribe_no_notify=True)
            .create(
                [
                    {
                        "name": f"{name} {i}",
                        "description": "<p>Mohon penjelasan.</p>",
                        "partner_id": self.konsulti.partner_id.id,
                        "category_id": self.topic_tlhp.id,
                        "ekonsultasi_notice_pending": True,
                    }
                    for i in range(count)
                ]
            )
        )

    def _receipts(self, tickets):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("recipient_ids", "in", self.konsulti.partner_id.ids),
            ]
        )

    def _konsultan_notices(self, tickets):
        return self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "=", "user_notification"),
            ]
        )

    def test_nothing_is_made_in_the_request_then_each_notice_once(self):
        tickets = self._sent(3)
        self.assertTrue(all(tickets.mapped("user_id")), "routed to a konsultan")
        self.assertFalse(self._receipts(tickets))
        self.assertFalse(self._konsultan_notices(tickets))
        self.assertEqual(self.Ticket._cron_ekonsultasi_new_notices(), 3)
        self.assertFalse(any(tickets.mapped("ekonsultasi_notice_pending")))
        receipts = self._receipts(tickets)
        self.assertEqual(sorted(receipts.mapped("res_id")), sorted(tickets.ids))
        for ticket in tickets:
            receipt = receipts.filtered(lambda m, t=ticket: m.res_id == t.id)
            self.assertIn(ticket.number, receipt.subject)
        notices = self._konsultan_notices(tickets)
        self.assertEqual(sorted(notices.mapped("res_id")), sorted(tickets.ids))
        for notice in notices:
            ticket = tickets.browse(notice.res_id)
            self.assertEqual(notice.partner_ids, ticket.user_id.partner_id)
            self.assertEqual(notice.author_id, self.konsulti.partner_id)
        # queued, and the mail queue asked to send them now, not at its hourly run
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)]))
        # again: nothing more
        self.assertEqual(self.Ticket._cron_ekonsultasi_new_notices(), 0)
        self.assertEqual(self._receipts(tickets), receipts)
        self.assertEqual(self._konsultan_notices(tickets), notices)

    def test_consultations_made_elsewhere_keep_odoo_s_notice_at_once(self):
        """Only the portal defers: a consultation created in the backend is
        notified to its konsultan as Odoo does, in the same transaction."""
        ticket = self.consult(self.konsulti.partner_id)
        self.assertFalse(ticket.ekonsultasi_notice_pending)
        self.assertEqual(len(self._konsultan_notices(ticket)), 1)
        self.Ticket._cron_ekonsultasi_new_notices()
        self.assertEqual(len(self._konsultan_notices(ticket)), 1)
        self.assertFalse(self._receipts(ticket))

    def test_one_that_fails_does_not_stop_the_others(self):
        tickets = self._sent(3)
        broken = tickets[1]
        # an administrator's edit that breaks the receipt of one consultation
        self.receipt.body_html = (
            f'<p>Nomor <t t-out="object.number"/>'
            f"<t t-out=\"1 / 0 if object.id == {broken.id} else ''\"/></p>"
        )
        with mute_logger(NOTICES, "odoo.addons.mail.models.mail_render_mixin"):
            self.assertEqual(self.Ticket._cron_ekonsultasi_new_notices(), 3)
        self.assertEqual(
            sorted(self._receipts(tickets).mapped("res_id")), sorted((tickets - broken).ids)
        )
        self.assertEqual(
            sorted(self._konsultan_notices(tickets).mapped("res_id")),
            sorted((tickets - broken).ids),
        )
        # not tried again at every run, and the staff see why in its chatter
        self.assertFalse(broken.ekonsultasi_notice_pending)
        note = broken.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_note")
                and "could not be made" in (m.body or "")
            )
        )
        self.assertEqual(len(note), 1)

    def test_a_batch_larger_than_a_run(self):
        tickets = self._sent(5)
        self.assertEqual(self.Ticket._cron_ekonsultasi_new_notices(batch_size=2), 2)
        self.assertEqual(len(tickets.filtered("ekonsultasi_notice_pending")), 3)
        self.assertEqual(self.Ticket._cron_ekonsultasi_new_notices(batch_size=2), 2)
        self.assertEqual(self.Ticket._cron_ekonsultasi_new_notices(batch_size=2), 1)
        self.assertFalse(tickets.filtered("ekonsultasi_notice_pending"))
        self.assertEqual(len(self._receipts(tickets)), 5)
        self.assertEqual(self.Ticket._cron_ekonsultasi_new_notices(batch_size=2), 0)

    def test_the_flag_is_the_flow_s(self):
        """Set by hand (a konsultan through RPC), the flag would have the
        receipt and the notice sent again: it is a fact the flow records."""
        (ticket,) = self._sent(1)
        self.Ticket._cron_ekonsultasi_new_notices()
        with self.assertRaises(AccessError):
            ticket.with_user(ticket.user_id).write({"ekonsultasi_notice_pending": True})
        self.assertEqual(self.Ticket._cron_ekonsultasi_new_notices(), 0)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestNewNoticesUnderConcurrency(TransactionCase):
    """The run and a request on the same consultation at the same time (a
    konsultan answering a consultation whose notices are not made yet), in
    real transactions, committed. Under load the run wrote its flags at the
    end of a batch and failed on them with a serialization error, the whole
    batch lost, and its commit would have waited for such a request."""

    def committed(self, work):
        """``work(env)`` in a transaction of its own, committed."""
        with self.registry.cursor() as cr:
            return work(api.Environment(cr, SUPERUSER_ID, {}))

    def setUp(self):
        super().setUp()

        def sent(env):
            tickets = (
                env["helpdesk.ticket"]
                .with_context(mail_create_nolog=True, mail_auto_subscribe_no_notify=True)
                .create(
                    [
                        {
                            "name": f"Pertanyaan serentak {i}",
                            "description": "<p>Mohon penjelasan.</p>",
                            "partner_id": env.ref("base.partner_admin").id,
                            "ekonsultasi_notice_pending": True,
                        }
                        for i in range(2)
                    ]
                )
            )
            return tickets.ids

        self.ids = self.committed(sent)
        self.addCleanup(
            self.committed, lambda env: env["helpdesk.ticket"].browse(self.ids).unlink()
        )

    def pending(self):
        return self.committed(
            lambda env: (
                env["helpdesk.ticket"].browse(self.ids).filtered("ekonsultasi_notice_pending").ids
            )
        )

    def answering(self, cr, ticket_id):
        """What a konsultan's answer does to the consultation's row."""
        cr.execute("UPDATE helpdesk_ticket SET write_date = now() WHERE id = %s", [ticket_id])

    def run_notices(self, cr):
        # a run that would wait for a row lock fails after 5 s, not never
        cr.execute("SET LOCAL lock_timeout = '5s'")
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["helpdesk.ticket"]._cron_ekonsultasi_new_notices()

    def test_a_consultation_a_request_holds_is_left_for_later(self):
        first, _second = self.ids
        with self.registry.cursor() as request:
            self.answering(request, first)  # not committed yet: the row is held
            with self.registry.cursor() as run:
                self.assertEqual(self.run_notices(run), 1)  # the other one, no wait
            request.commit()
        self.assertEqual(self.pending(), [first])
        # asked again a few seconds later, and then made
        later = self.committed(
            lambda env: (
                env["ir.cron.trigger"]
                .search(
                    [
                        ("cron_id", "=", env.ref(CRON).id),
                        ("call_at", ">", fields.Datetime.now() + timedelta(seconds=2)),
                    ]
                )
                .ids
            )
        )
        self.assertEqual(len(later), 1)
        self.addCleanup(self.committed, lambda env: env["ir.cron.trigger"].browse(later).unlink())
        with self.registry.cursor() as run:
            self.assertEqual(self.run_notices(run), 1)
        self.assertEqual(self.pending(), [])

    def test_a_consultation_changed_since_the_run_began_is_left_for_later(self):
        _first, second = self.ids
        with self.registry.cursor() as run:
            run.execute("SELECT 1 FROM helpdesk_ticket LIMIT 1")  # its snapshot
            with self.registry.cursor() as request:
                self.answering(request, second)
            # the run does not fail on it: it makes the first, leaves the second
            self.assertEqual(self.run_notices(run), 1)
        self.assertEqual(self.pending(), [second])
        with self.registry.cursor() as run:
            self.assertEqual(self.run_notices(run), 1)
        self.assertEqual(self.pending(), [])

    def test_a_request_on_a_consultation_in_the_run_waits_for_it(self):
        """Once the run holds the row, a konsultan's answer waits for the
        run's commit (its notices made, not lost), then goes through."""
        first, _second = self.ids
        with self.registry.cursor() as run:
            self.assertEqual(self.run_notices(run), 2)
            with self.registry.cursor() as request:
                request.execute("SET LOCAL lock_timeout = '200ms'")
                with (
                    self.assertRaises(psycopg2.errors.LockNotAvailable),
                    mute_logger("odoo.sql_db"),
                ):
                    self.answering(request, first)
                request.rollback()
        with self.registry.cursor() as request:
            self.answering(request, first)
        self.assertEqual(self.pending(), [])

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# pylint: disable=consider-merging-classes-inherited
"""The notices of a consultation sent from the portal: the konsulti's
receipt (Pasal 11(5)) and the notice to the konsultan it was given to.

They are made by a scheduled action that the portal triggers as it stores the
consultation, not in the konsulti's request: rendering two mails took more
than half of the submission's time (issue 13, measured under load). The flag
``ekonsultasi_notice_pending`` is stored with the consultation, in its
transaction, so a notice is neither lost (a server stopped before the run
leaves it pending) nor made twice (the run clears it in the transaction that
makes the notices). The page the konsulti lands on shows the receipt at once.

The run takes each consultation's row before it makes its notices (``FOR NO
KEY UPDATE SKIP LOCKED``): a konsultan answering it meanwhile waits for the
batch's commit, instead of the run failing on its commit with a serialization
error, as it did under load when it only wrote the flag at the end. A row
another request holds, or changed since the run's snapshot, is left for a run
a few seconds later.
"""

import datetime
import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    ekonsultasi_notice_pending = fields.Boolean(
        string="Notices pending",
        readonly=True,
        copy=False,
        index=True,
        help="Sent from the portal, and its receipt to the konsulti and notice to "
        "the konsultan are not made yet: the scheduled action 'E-Konsultasi: "
        "notices of new consultations' makes them within a minute.",
    )

    def _ekonsultasi_notices_soon(self):
        """Have the notices of these new consultations made by the scheduled
        action (the cron worker) in a minute or so. The trigger is due a
        second from now: Odoo wakes the cron workers with a NOTIFY on another
        connection after the commit of a trigger due at once, which cost the
        konsulti's request more than its stored consultation's rounds; a cron
        worker finds a later one when it next looks (every minute).

        The trigger is made as ``ir.cron._trigger`` makes one due later (the
        only case here): that method first reads the whole scheduled action
        to skip triggers due now of an archived one, a query on every
        submission for nothing."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "ekonsultasi_addon.ir_cron_ekonsultasi_new_notices", raise_if_not_found=False
        )
        if cron_id:
            # sudo: the portal user who sends a consultation may not write
            # ir.cron.trigger; this only asks for the run, which acts as the system
            self.env["ir.cron.trigger"].sudo().create(
                {
                    "cron_id": cron_id,
                    "call_at": fields.Datetime.now() + datetime.timedelta(seconds=1),
                }
            )

    @api.model
    def _cron_ekonsultasi_new_notices(self, batch_size=20):
        """Make the notices of the consultations waiting for them, at most
        ``batch_size`` a run, oldest first; the progress reported to
        ``ir.cron`` makes the framework call again at once while some remain,
        each batch in a transaction of its own. The batches are small: a
        consultation's notices take some 60 ms, and its row stays locked until
        the commit, so a batch of 200 made a konsultan answering one of them
        (or its konsulti submitting it again) wait up to 13 s (issue 13,
        measured under load).
        The mails go to the mail queue, which is triggered to send them now
        (not at its next hourly run).

        Returns the number of consultations whose notices this run made."""
        pending = self.search(
            [("ekonsultasi_notice_pending", "=", True)], order="id", limit=batch_size + 1
        )
        batch, remaining = pending[:batch_size], len(pending) > batch_size
        done = batch._ekonsultasi_send_new_notices()
        self.env["ir.cron"]._notify_progress(done=len(done), remaining=int(remaining))
        cron = self.env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_new_notices")
        if remaining and "cron_id" not in self.env.context:
            cron._trigger()
        if batch - done:  # held by another request: once it is committed
            cron._trigger(fields.Datetime.now() + datetime.timedelta(seconds=5))
        if done:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return len(done)

    def _ekonsultasi_take_for_notices(self):
        """Lock this consultation's row for the notices, if it still waits
        for them: False when another transaction holds the row now (``SKIP
        LOCKED``: the run does not wait for it) or changed it since this
        transaction's snapshot (PostgreSQL refuses the lock then, under
        Odoo's REPEATABLE READ), so that a later run, with a new snapshot,
        makes them."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "SELECT id FROM helpdesk_ticket WHERE id = %s "
                    "AND ekonsultasi_notice_pending FOR NO KEY UPDATE SKIP LOCKED",
                    [self.id],
                    log_exceptions=False,
                )
                return bool(self.env.cr.fetchone())
        except psycopg2.errors.SerializationFailure:
            return False

    def _ekonsultasi_send_new_notices(self):
        """The receipt and the konsultan's notice of each consultation, as its
        konsulti would have made them in his request; one that fails (a
        template an administrator broke) is logged and noted in its chatter,
        and the others still go. A consultation whose row another
        transaction holds, or that meets a conflict on the way (a deadlock),
        is left waiting for a later run: nothing of it is kept.

        Returns the consultations done (their notices made, or the failure
        noted)."""
        template = self.env.ref("ekonsultasi_addon.mail_template_consultation_received")
        done = self.browse()
        for ticket in self:
            if not ticket._ekonsultasi_take_for_notices():
                continue
            # as the konsulti who sent it (the author of the notices), with
            # the rights of the portal route that stored it
            sender = ticket.with_user(ticket.create_uid).sudo()
            try:
                with self.env.cr.savepoint():
                    template.with_user(ticket.create_uid).sudo().send_mail(
                        ticket.id, email_layout_xmlid="mail.mail_notification_light"
                    )
                    if ticket.user_id:
                        sender.with_context(
                            mail_notify_force_send=False
                        )._message_auto_subscribe_notify(
                            ticket.user_id.partner_id.ids, "mail.message_user_assigned"
                        )
            except psycopg2.extensions.TransactionRollbackError:
                _logger.info("notices of consultation %s left for a later run", ticket.number)
                continue
            except Exception as exc:  # one consultation must not stop the others
                _logger.exception("notices of consultation %s not made", ticket.number)
                ticket.message_post(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "The receipt to the konsulti and the notice to the konsultan "
                        "could not be made: %(error)s",
                        error=str(exc),
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
            ticket.ekonsultasi_notice_pending = False
            done |= ticket
        return done

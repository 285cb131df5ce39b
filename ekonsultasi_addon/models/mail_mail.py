# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import logging
import smtplib

from odoo import models, tools

_logger = logging.getLogger(__name__)


class MailMail(models.Model):
    """Notifications wait for the outgoing mail server. Odoo marks every mail
    of a batch as failed (``exception``) when it cannot connect to the mail
    server, and the mail queue never sends a failed mail again: a mail
    server restarted at the wrong moment loses the receipts, reminders and
    escalations of that moment. Here the mails of a server that cannot be
    reached stay in the queue (``outgoing``, with the reason), and the next
    run of the queue (*Mail: Email Queue Manager*) sends them, once. A mail
    the server refuses still fails as in Odoo."""

    _inherit = "mail.mail"

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        if raise_exception:
            # the caller wants to hear of the failure (a test mail, a wizard)
            return super().send(
                auto_commit=auto_commit,
                raise_exception=raise_exception,
                post_send_callback=post_send_callback,
            )
        reachable = self.browse()
        for (
            mail_server_id,
            _alias_domain_id,
            smtp_from,
            batch_ids,
        ) in self._split_by_mail_configuration():
            batch = self.browse(batch_ids)
            try:
                session = self.env["ir.mail_server"].connect(
                    mail_server_id=mail_server_id, smtp_from=smtp_from
                )
            except Exception as exc:  # noqa: BLE001  # what Odoo's send() catches
                reason = tools.exception_to_unicode(exc)
                # info, as Odoo logs nothing there: the reason is on the mails
                _logger.info(
                    "outgoing mail server unreachable, %s mail(s) stay in the queue: %s",
                    len(batch),
                    reason,
                )
                batch.write({"failure_reason": reason})
                continue
            if session:  # None in test mode
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    session.quit()
            reachable |= batch
        return super(MailMail, reachable).send(
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            post_send_callback=post_send_callback,
        )

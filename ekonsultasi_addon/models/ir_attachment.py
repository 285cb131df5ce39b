# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import logging
import os
import uuid

from odoo import api, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)


class IrAttachment(models.Model):
    """Files of a consultation: whatever the door (the portal form, the
    chatter's upload route, ``message_post``, RPC ``create`` or ``write``),
    a file attached to a consultation obeys the administrator's limits and
    the rule of who may add to the consultation; nobody but the system
    removes one."""

    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        attachments._ekonsultasi_check_consultation_files()
        return attachments

    def write(self, vals):
        result = super().write(vals)
        if {"res_model", "res_id", "res_field", "raw", "datas", "name"}.intersection(vals):
            self._ekonsultasi_check_consultation_files()
        return result

    def unlink(self):
        # sudo: only to see where the files are attached
        if (
            not self.env.su
            and not self.env.user._is_superuser()
            and any(a.res_model == "helpdesk.ticket" and a.res_id for a in self.sudo())
        ):
            raise AccessError(
                self.env._(
                    "Files of a consultation cannot be removed: the Inspektorat "
                    "audits the consultation as it was sent."
                )
            )
        return super().unlink()

    def _file_write(self, bin_value, checksum):
        """Write a file of the filestore whole, or fail. Odoo writes it in
        place and, when the disk is full, only logs the error: the attachment
        is kept with an empty or truncated file, and the same file uploaded
        again later, found on disk, is never written again. Here the file is
        written beside its place, flushed to the disk, then renamed onto its
        name; on any error the partial file is removed and the transaction
        fails with a message a konsulti understands.

        Odoo 18 also writes a new file, and lists it for the filestore garbage
        collection, before the INSERT of its row: a collection
        (``_gc_file_store``, which locks ir_attachment in SHARE mode, then
        deletes the listed files that no row names) running in between
        deletes the file of an attachment about to be committed (odoo/odoo
        PR 224833, unmerged in 18.0; Odoo 19.5 reworks the collection). Taking
        the lock that the INSERT takes anyway (ROW EXCLUSIVE) before the file
        is written closes that window: the collection waits for this
        transaction, then sees its row. Writers do not wait for each other."""
        self.env.cr.execute("LOCK TABLE ir_attachment IN ROW EXCLUSIVE MODE")
        try:
            fname, full_path = self._get_path(bin_value, checksum)
            if os.path.exists(full_path):
                return fname
            partial = f"{full_path}.{uuid.uuid4().hex}.part"
            try:
                with open(partial, "wb") as fp:
                    fp.write(bin_value)
                    fp.flush()
                    os.fsync(fp.fileno())
                os.replace(partial, full_path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(partial)
                raise
            # as Odoo: in the checklist, in case the transaction aborts
            self._mark_for_gc(fname)
        except OSError as exc:
            _logger.error("filestore: cannot write %s: %s", checksum, exc)
            raise UserError(
                self.env._(
                    "The file could not be saved: the server's storage is full or cannot "
                    "be written. Nothing was sent. Please try again later, or tell the "
                    "administrator."
                )
            ) from exc
        return fname

    def _ekonsultasi_check_consultation_files(self):
        if self.env.user._is_superuser():
            return
        # sudo: the checks read the file and its consultation whatever the
        # caller's rights; they decide with env.user, not with these rights
        files = self.sudo().filtered(
            lambda a: a.res_model == "helpdesk.ticket" and a.res_id and not a.res_field
        )
        if not files:
            return
        tickets = self.env["helpdesk.ticket"].sudo().browse(set(files.mapped("res_id"))).exists()
        tickets.with_user(self.env.user)._ekonsultasi_check_contribution()
        companies = {ticket.id: ticket.company_id for ticket in tickets}
        for attachment in files:
            company = companies.get(attachment.res_id)
            if not company:
                continue
            error = company._ekonsultasi_attachment_error(attachment.name, attachment.raw or b"")
            if error:
                raise UserError(error)
        if self.env.user.share:
            for ticket in tickets:
                count = self._ekonsultasi_konsulti_file_count(ticket)
                error = ticket.company_id._ekonsultasi_attachment_count_error(count)
                if error:
                    raise UserError(error)

    @api.model
    def _ekonsultasi_konsulti_file_count(self, ticket):
        """The files that portal users (the konsulti) attached to ``ticket``,
        through whatever door."""
        # sudo: counting, whatever the caller may read
        return (
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("res_model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    ("res_field", "=", False),
                    ("create_uid.share", "=", True),
                ]
            )
        )

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError, UserError


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
        """Odoo 18 writes a new file, and lists it for the filestore garbage
        collection, before the INSERT of its row: a collection
        (``_gc_file_store``, which locks ir_attachment in SHARE mode, then
        deletes the listed files that no row names) running in between
        deletes the file of an attachment about to be committed (odoo/odoo
        PR 224833, unmerged in 18.0; Odoo 19.5 reworks the collection). Taking
        the lock that the INSERT takes anyway (ROW EXCLUSIVE) before the file
        is written closes that window: the collection waits for this
        transaction, then sees its row. Writers do not wait for each other."""
        self.env.cr.execute("LOCK TABLE ir_attachment IN ROW EXCLUSIVE MODE")
        return super()._file_write(bin_value, checksum)

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

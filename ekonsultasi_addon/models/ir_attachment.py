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

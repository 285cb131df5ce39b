# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError

# what a message says and who said it; the rest (stars, pins) is the reader's
CONTENT_FIELDS = frozenset(
    {
        "body",
        "subject",
        "attachment_ids",
        "author_id",
        "email_from",
        "message_type",
        "subtype_id",
        "model",
        "res_id",
        "date",
        "partner_ids",
        "tracking_value_ids",
    }
)


class MailMessage(models.Model):
    """Messages of a consultation written through RPC rather than through
    ``message_post``: the same rules (who may add to the consultation, in
    whose name), and what was said stays as it was said."""

    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user._is_superuser():
            own = self.env.user.partner_id.id
            for vals in vals_list:
                if vals.get("model") != "helpdesk.ticket" or not vals.get("res_id"):
                    continue
                ticket = self.env["helpdesk.ticket"].browse(vals["res_id"])
                ticket._ekonsultasi_check_contribution(
                    comment=vals.get("message_type", "comment") == "comment"
                )
                if vals.get("author_id", own) != own:
                    raise AccessError(self.env._("You can only post in your own name."))
        return super().create(vals_list)

    def write(self, vals):
        if CONTENT_FIELDS.intersection(vals):
            self._ekonsultasi_check_unchanged()
        return super().write(vals)

    def unlink(self):
        self._ekonsultasi_check_unchanged()
        return super().unlink()

    def _ekonsultasi_check_unchanged(self):
        if self.env.su or self.env.user._is_superuser():
            return
        # sudo: only to see which document each message belongs to
        if any(message.model == "helpdesk.ticket" for message in self.sudo()):
            raise AccessError(
                self.env._(
                    "Messages of a consultation cannot be changed or removed once "
                    "sent: the Inspektorat audits them as they were sent."
                )
            )

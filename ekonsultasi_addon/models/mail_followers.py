# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError
from odoo.osv import expression


class MailFollowers(models.Model):
    """Who follows a consultation tells who asked and who answers: the
    followers of a consultation are seen by those who may read it (mail
    lets every internal user read every follower)."""

    _inherit = "mail.followers"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            tickets = self.env["ekonsultasi.ticket.access.mixin"]._ekonsultasi_readable_tickets()
            visible = (
                [("res_id", "in", tickets)] if tickets is not None else expression.FALSE_DOMAIN
            )
            domain = expression.AND(
                [
                    domain or [],
                    expression.OR([[("res_model", "!=", "helpdesk.ticket")], visible]),
                ]
            )
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or self.env.su or not self._ids:
            return result
        # sudo: only to see which consultation each follower line is about
        lines = {f.id: f.res_id for f in self.sudo() if f.res_model == "helpdesk.ticket"}
        if not lines:
            return None
        tickets = (
            self.env["helpdesk.ticket"].with_context(active_test=False).browse(set(lines.values()))
        )
        mode = "read" if operation == "read" else "write"
        allowed = set(tickets._filtered_access(mode).ids)
        forbidden = self.browse([fid for fid, res_id in lines.items() if res_id not in allowed])
        if not forbidden:
            return None
        return forbidden, lambda: AccessError(
            self.env._("You may not see who follows a consultation you may not read.")
        )

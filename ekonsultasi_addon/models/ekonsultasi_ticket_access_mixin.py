# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError
from odoo.osv import expression


class EkonsultasiTicketAccessMixin(models.AbstractModel):
    """Records that reveal something of a consultation (its SLA lines, its
    rounds, the rows of the analysis and of the SLA report) are readable by
    those who may read the consultation, and writable by those who may
    write it: the consultation's record rules are the one place of that
    rule, this mixin only follows them (as ``mail.activity`` follows its
    document)."""

    _name = "ekonsultasi.ticket.access.mixin"
    _description = "Access follows the consultation"
    # the Many2one to helpdesk.ticket the access follows
    _ekonsultasi_ticket_field = "ticket_id"

    @api.model
    def _ekonsultasi_readable_tickets(self):
        """A subquery of the consultations the current user may read (the
        ticket rules applied), or an empty domain leaf when he may not read
        consultations at all."""
        Ticket = self.env["helpdesk.ticket"].with_context(active_test=False)
        if not Ticket.has_access("read"):
            return None
        return Ticket._search([])

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            tickets = self._ekonsultasi_readable_tickets()
            leaf = (
                [(self._ekonsultasi_ticket_field, "in", tickets)]
                if tickets is not None
                else expression.FALSE_DOMAIN
            )
            domain = expression.AND([domain or [], leaf])
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or self.env.su or not self._ids:
            return result
        field = self._ekonsultasi_ticket_field
        # sudo: only to find the consultation of each record; the check
        # below is made with the current user's rights on it
        by_ticket = {rec.id: rec[field].id for rec in self.sudo() if rec[field]}
        tickets = self.env["helpdesk.ticket"].browse(set(by_ticket.values()))
        mode = "read" if operation == "read" else "write"
        allowed = set(tickets.with_context(active_test=False)._filtered_access(mode).ids)
        forbidden = self.browse(
            [rid for rid, ticket_id in by_ticket.items() if ticket_id not in allowed]
        )
        if not forbidden:
            return None

        # the model's name in the user's language
        kind = self.env["ir.model"]._get(self._name).name

        def make_error():
            if mode == "read":
                message = self.env._(
                    "You may not see these %(kind)s: they belong to a consultation "
                    "you may not read.",
                    kind=kind,
                )
            else:
                message = self.env._(
                    "You may not change these %(kind)s: they belong to a consultation "
                    "you may not change.",
                    kind=kind,
                )
            return AccessError(message)

        return forbidden, make_error

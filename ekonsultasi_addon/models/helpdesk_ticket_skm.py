# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# in a file of its own while two branches change the model (see below)
# pylint: disable=consider-merging-classes-inherited
"""The satisfaction survey (SKM, issue 15): the part of ``helpdesk.ticket``
that asks the konsulti, once his consultation is closed. In a file of its
own (the model's main file is ``helpdesk_ticket.py``) while two branches
change the model.

OCA ``helpdesk_mgmt_rating`` gives the consultation ``rating.mixin`` and
sends the rating request of the stage a consultation reaches (the template
``mail_template_skm_request`` on the stages of role *done*); its
``rating.rating`` is the token of the survey's page."""

from odoo import SUPERUSER_ID, api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    skm_response_ids = fields.One2many(
        comodel_name="ekonsultasi.skm.response",
        inverse_name="ticket_id",
        string="Satisfaction survey",
        readonly=True,
        groups="ekonsultasi_addon.group_ekonsultasi_inspektorat",
        help="The konsulti's answer to the satisfaction survey (SKM) of this consultation.",
    )
    skm_answered = fields.Boolean(
        string="Survey answered",
        compute="_compute_skm_answered",
        help="Whether the konsulti answered the satisfaction survey of this consultation.",
    )

    def _compute_skm_answered(self):
        # sudo: whether an answer exists, not what it says (the konsulti and
        # the konsultan may not read the answers)
        answered = set(
            self.env["ekonsultasi.skm.response"]
            .sudo()
            .search([("ticket_id", "in", self.ids)])
            .mapped("ticket_id")
            .ids
        )
        for ticket in self:
            ticket.skm_answered = ticket.id in answered

    def _ekonsultasi_skm_url(self):
        """The survey's page for the konsulti, with the token of the
        consultation's rating (made when missing)."""
        self.ensure_one()
        # superuser: the token is a rating the flow makes for the konsulti
        token = self.with_user(SUPERUSER_ID)._rating_get_access_token()
        return f"{self.get_base_url()}/ekonsultasi/skm/{token}"

    def _send_ticket_rating_mail(self, force_send=False):
        # helpdesk_mgmt_rating sends the request when the consultation reaches
        # the closing stage, whoever closes it (the konsulti in the portal,
        # the scheduled action): posted by the system (nothing is added to a
        # closed consultation otherwise), through the mail queue (the
        # konsulti closing does not wait for the mail server)
        return super(HelpdeskTicket, self.with_user(SUPERUSER_ID))._send_ticket_rating_mail(
            force_send=False
        )

    @api.model
    def _ekonsultasi_set_skm_template(self):
        """The survey request on the stages of role *done* that have no
        rating template (install and update; one the administrator chose
        stays)."""
        template = self.env.ref("ekonsultasi_addon.mail_template_skm_request", False)
        if not template:
            return
        stages = self.env["helpdesk.ticket.stage"].search(
            [("ekonsultasi_state", "=", "done"), ("rating_mail_template_id", "=", False)]
        )
        stages.rating_mail_template_id = template

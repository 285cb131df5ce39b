# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class RatingRating(models.Model):
    """The rating of a consultation is the token of its satisfaction survey
    (SKM) and the survey's overall mark (``helpdesk_ticket_skm.py``), made
    and written by the flow in sudo. Odoo's ``rating`` lets every internal
    user read, create and write any rating: a konsultan could read the token
    of his own consultation's rating and answer its survey himself, or write
    its mark. The token is readable by administrators only, and a rating of a
    consultation is made, changed or removed by the flow only."""

    _inherit = "rating.rating"

    access_token = fields.Char(
        groups="base.group_system",
        help="The secret of the rating's link (for a consultation: the link of its "
        "satisfaction survey). Readable by administrators only: whoever holds it may "
        "answer the survey.",
    )

    def _ekonsultasi_check_flow_only(self):
        if self.env.su or self.env.user._is_superuser():
            return
        # sudo: only to see which document each rating belongs to
        if any(rating.res_model == "helpdesk.ticket" for rating in self.sudo()):
            raise self._ekonsultasi_survey_only_error()

    @api.model
    def _ekonsultasi_survey_only_error(self):
        """The refusal of every door but the survey (here, and the chatter's
        ``rating_value`` in ``helpdesk.ticket.message_post``)."""
        return AccessError(
            self.env._(
                "The rating of a consultation is the konsulti's answer to the "
                "satisfaction survey: only the survey makes or changes it."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        ratings = super().create(vals_list)
        ratings._ekonsultasi_check_flow_only()
        return ratings

    def write(self, vals):
        self._ekonsultasi_check_flow_only()
        return super().write(vals)

    def unlink(self):
        self._ekonsultasi_check_flow_only()
        return super().unlink()

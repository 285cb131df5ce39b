# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The satisfaction survey's page (SKM, issue 15): one screen on a phone.

Two doors, one rule: the token of the consultation's rating (the link of the
request the konsulti received by e-mail, as Odoo's own rating pages), or
the logged-in konsulti on his own consultation, sent on to the same page.
A consultation's survey is answered once it is closed, and once."""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from ..lib import ikm
from .main import own_consultation

MAX_COMMENT = 2000


def rating_of(token):
    """The rating of a consultation with this token, in sudo, or an empty
    recordset: the token is the secret (64 random characters)."""
    if not token or len(token) > 100:
        return request.env["rating.rating"]
    # sudo: the visitor may be logged out; the token is the right to answer
    return (
        request.env["rating.rating"]
        .sudo()
        .search([("access_token", "=", token), ("res_model", "=", "helpdesk.ticket")], limit=1)
    )


class EkonsultasiSkmController(http.Controller):
    def _ekonsultasi_skm_elements(self):
        Response = request.env["ekonsultasi.skm.response"]
        return [
            {
                "name": element,
                "label": Response._fields[element].get_description(request.env)["string"],
                "question": Response._fields[element].get_description(request.env)["help"],
            }
            for element in ikm.APPLICABLE
        ]

    def _ekonsultasi_skm_render(self, rating, ticket, errors=None, values=None, done=False):
        scores = (
            request.env["ekonsultasi.skm.response"]
            ._fields["u1"]
            ._description_selection(request.env)
        )
        return request.render(
            "ekonsultasi_addon.portal_skm_page",
            {
                "rating": rating,
                "ticket": ticket,
                "elements": self._ekonsultasi_skm_elements(),
                "scores": scores,
                "errors": errors or [],
                "values": values or {},
                "done": done or ticket.skm_answered,
                "open": not ticket.closed,
            },
        )

    @http.route(
        "/ekonsultasi/skm/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        csrf=True,
        sitemap=False,
    )
    def skm_page(self, token, **post):
        rating = rating_of(token)
        ticket = request.env["helpdesk.ticket"].sudo().browse(rating.res_id).exists()
        if not rating or not ticket:
            raise request.not_found()
        if request.httprequest.method != "POST" or ticket.skm_answered or not ticket.closed:
            return self._ekonsultasi_skm_render(rating, ticket)
        scores = {}
        errors = []
        for element in ikm.APPLICABLE:
            value = post.get(element) or ""
            if value and value not in ("1", "2", "3", "4"):
                errors.append(element)
            elif value:
                scores[element] = value
        if errors or not scores:
            return self._ekonsultasi_skm_render(
                rating, ticket, errors=errors or ["empty"], values=post
            )
        comment = (post.get("comment") or "").strip()[:MAX_COMMENT]
        # sudo: the flow records the answer of the holder of the token (or of
        # the konsulti, checked by /my/ticket/<id>/skm); nobody writes them
        # otherwise; the unique key keeps it to one answer
        with request.env.cr.savepoint():
            response = (
                request.env["ekonsultasi.skm.response"]
                .sudo()
                .create(
                    {"ticket_id": ticket.id, "rating_id": rating.id, "comment": comment, **scores}
                )
            )
            # helpdesk_mgmt_rating's overall mark: 5 (Baik, Sangat Baik),
            # 3 (Kurang Baik), 1 (Tidak Baik), by the IKM of the answer
            letter = ikm.category(response.ikm_value)[0]
            rating.write(
                {
                    "rating": {"A": 5, "B": 5, "C": 3}.get(letter, 1),
                    "consumed": True,
                    "feedback": comment,
                }
            )
        return self._ekonsultasi_skm_render(rating, ticket, done=True)

    @http.route("/my/ticket/<int:ticket_id>/skm", type="http", auth="user", website=True)
    def skm_of_my_ticket(self, ticket_id, **kw):
        """The konsulti logged in: his own closed consultation's survey."""
        try:
            ticket = own_consultation(ticket_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not ticket.closed:
            return request.redirect(f"/my/ticket/{ticket.id}")
        return request.redirect(ticket._ekonsultasi_skm_url().split(ticket.get_base_url(), 1)[1])

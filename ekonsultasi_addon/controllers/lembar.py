# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

from .portal import EkonsultasiCustomerPortal

REPORT = "ekonsultasi_addon.action_report_lembar_konsultasi"


class EkonsultasiLembarController(EkonsultasiCustomerPortal):
    """The Lembar Konsultasi in the portal (the konsulti downloads his own)
    and its public verification page (the QR code of the sheet)."""

    @http.route("/my/ticket/<int:ticket_id>/lembar", type="http", auth="user", website=True)
    def portal_lembar_konsultasi(self, ticket_id, **kw):
        try:
            # the record rules of the user: the konsulti reads his own
            # consultations only; no access token opens one (portal.py)
            ticket_sudo = self._document_check_access("helpdesk.ticket", ticket_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        # sudo: ownership checked above; printing reads the konsultan's NIP
        # and the answers, and issues the sheet (Odoo's portal prints the
        # same way, CustomerPortal._show_report)
        reports = request.env["ir.actions.report"].sudo().with_company(ticket_sudo.company_id)
        pdf = reports._render_qweb_pdf(REPORT, ticket_sudo.ids)[0]
        number = re.sub(r"\W+", "_", ticket_sudo.number or "")
        filename = f"Lembar_Konsultasi_{number}.pdf"
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(pdf)),
            ("Content-Disposition", content_disposition(filename)),
        ]
        return request.make_response(pdf, headers=headers)

    @http.route(
        "/ekonsultasi/verifikasi/<string:token>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        readonly=True,
    )
    def lembar_verification(self, token, **kw):
        Lembar = request.env["ekonsultasi.lembar"]
        sheet = Lembar._ekonsultasi_find(token)
        values = {"sheet": sheet, "state": "unknown"}
        if sheet:
            values.update(sheet._ekonsultasi_verification_values())
        response = request.render("ekonsultasi_addon.lembar_verification_page", values)
        if not sheet:
            response.status_code = 404
        return response

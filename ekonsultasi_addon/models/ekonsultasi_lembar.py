# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import json
import secrets

from odoo import api, fields, models

SEQUENCE_CODE = "ekonsultasi.lembar"


def content_fingerprint(content):
    """The SHA-256 (hex) of the printed content of a Lembar Konsultasi:
    ``content`` is the dict of strings the template prints (nested lists
    and dicts), serialised canonically (sorted keys, no spaces, UTF-8), so
    that the same content always gives the same fingerprint."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class EkonsultasiLembar(models.Model):
    """A Lembar Konsultasi the system issued: the official record of one
    consultation, printed as PDF (report/ekonsultasi_lembar_report.py). The
    sheet carries its number, its date, the fingerprint of its content and
    a QR code with the verification link of its ``token``; the public
    verification page (controllers/lembar.py) finds the sheet by that token
    and confirms number, date and fingerprint, nothing of the content.

    Printing the same content again gives the same sheet (number, date,
    token); a consultation whose content changed (a new round, an answer, a
    limit passed) gets a new sheet. Sheets are made by the report in sudo,
    never by hand."""

    _name = "ekonsultasi.lembar"
    _description = "Lembar Konsultasi (issued)"
    _inherit = ["ekonsultasi.ticket.access.mixin"]
    _order = "issue_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Document number",
        required=True,
        readonly=True,
        copy=False,
        help="Document number of the sheet, given by the numbering sequence of the"
        " Lembar Konsultasi; printed on the sheet and shown by the "
        "verification page.",
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Consultation",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        help="The consultation this sheet records.",
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id",
        store=True,
        help="The pemda of the consultation (from the consultation).",
    )
    issue_date = fields.Datetime(
        string="Issued on",
        required=True,
        readonly=True,
        help="When this Lembar Konsultasi was first printed with this content; "
        "printed on the sheet.",
    )
    issued_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Printed by",
        readonly=True,
        help="The user who printed this sheet first.",
    )
    fingerprint = fields.Char(
        string="Content fingerprint (SHA-256)",
        required=True,
        readonly=True,
        help="SHA-256 of the content printed on the sheet.",
    )
    # the key of the verification link: random, 256 bits, never sequential
    token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(32),
        help="Secret random key of the verification link in the sheet's QR code; "
        "whoever scans it sees the number, date and fingerprint of the sheet,"
        " nothing of its content.",
    )

    _sql_constraints = [
        ("token_uniq", "unique(token)", "Two sheets cannot share a verification token."),
    ]

    @api.model
    def _ekonsultasi_issue(self, ticket, fingerprint):
        """The sheet of ``ticket`` with the content ``fingerprint``: the last
        one issued with that content, else a new one, numbered by the
        sequence ``ekonsultasi.lembar``. The caller has checked that the
        user may read ``ticket``."""
        # sudo: a sheet is a record of the system, made for whoever may
        # print the consultation (the konsulti has no right on sheets)
        Lembar = self.sudo()
        sheet = Lembar.search(
            [("ticket_id", "=", ticket.id), ("fingerprint", "=", fingerprint)],
            order="issue_date desc, id desc",
            limit=1,
        )
        if sheet:
            return sheet
        number = (
            self.env["ir.sequence"]
            .sudo()
            .with_company(ticket.company_id)
            .next_by_code(SEQUENCE_CODE)
        )
        return Lembar.create(
            {
                "name": number,
                "ticket_id": ticket.id,
                "issue_date": fields.Datetime.now(),
                "issued_by_id": self.env.uid,
                "fingerprint": fingerprint,
            }
        )

    @api.model
    def _ekonsultasi_find(self, token):
        """The sheet of a verification ``token``, or an empty recordset (in
        sudo: the verification page is public)."""
        if not token or not isinstance(token, str) or len(token) > 100:
            return self.sudo().browse()
        # sudo: anyone holding the printed link may verify it
        return self.sudo().search([("token", "=", token)], limit=1)

    def _ekonsultasi_verification_url(self):
        self.ensure_one()
        # sudo: the token is readable by the system only; the printed sheet
        # shows it in its QR code
        token = self.sudo().token
        return f"{self.ticket_id.get_base_url()}/ekonsultasi/verifikasi/{token}"

    def _ekonsultasi_verification_values(self):
        """What the public verification page shows of this sheet: number,
        date, fingerprint and issuer, and whether the consultation still
        prints the same content (``valid``) or changed since (``changed``:
        a new round, an answer, the closing, a limit passed). Nothing of
        the content."""
        self.ensure_one()
        # sudo: the page is public; it reads the consultation only to
        # recompute the fingerprint, and shows none of it
        sheet = self.sudo()
        report = self.env["report.ekonsultasi_addon.report_lembar_konsultasi"].sudo()
        current = report._ekonsultasi_fingerprint(sheet.ticket_id)
        return {
            "state": "valid" if current == sheet.fingerprint else "changed",
            "number": sheet.name,
            "issued": report._ekonsultasi_moment(sheet.issue_date, sheet.ticket_id),
            "fingerprint": sheet.fingerprint,
            "issuer": sheet.company_id.name,
        }

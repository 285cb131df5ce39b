# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import api, fields, models
from odoo.tools.image import image_data_uri

from ..lib import outcome
from ..lib import recap as rc
from ..lib.workdays import DEFAULT_TZ
from ..models.ekonsultasi_lembar import content_fingerprint
from ..models.helpdesk_ticket import _zone_label
from .ekonsultasi_recap_report import NIP_PREFIX, format_nip

#: size of the QR code's image (px); printed 30 mm wide
QR_SIZE = 300


def format_moment(moment, tz):
    """A naive UTC datetime as an Indonesian official document prints it,
    in ``tz`` with its zone's name: ``5 Maret 2026 10.00 WIB``; ``None``
    -> ``False``."""
    if not moment:
        return False
    local = rc.utc_to_local(moment, tz)
    return f"{rc.format_date(local.date())} {local.strftime('%H.%M')} {_zone_label(tz, moment)}"


class EkonsultasiLembarReport(models.AbstractModel):
    """The Lembar Konsultasi: the official record of one consultation as
    PDF (QWeb, wkhtmltopdf): the pemda's letterhead, the sheet's number and
    date, the konsulti, the topic and team, the problem and every round
    with its answer and its outcome against its limit, and the QR code of
    the public verification page.

    The content is gathered here as strings (and the HTML of the problem
    and answers); its SHA-256 is the sheet's fingerprint, stored on the
    issued sheet (``ekonsultasi.lembar``). Debian's wkhtmltopdf ignores HTML
    headers and footers: the letterhead is in the body."""

    _name = "report.ekonsultasi_addon.report_lembar_konsultasi"
    _description = "Lembar Konsultasi (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        tickets = self.env["helpdesk.ticket"].browse(docids)
        # the record rules of whoever prints: the konsulti his own
        # consultations, a konsultan those of his teams, the Inspektorat all
        # (the portal's download route checks ownership itself, then prints
        # in sudo, as Odoo's portal does)
        tickets.check_access("read")
        sheets = {}
        for ticket in tickets:
            content = self._ekonsultasi_content(ticket)
            sheet = self.env["ekonsultasi.lembar"]._ekonsultasi_issue(
                ticket, content_fingerprint(content)
            )
            sheets[ticket.id] = self._ekonsultasi_document(ticket, content, sheet)
            sheets[ticket.id]["lang"] = self._ekonsultasi_lang(ticket)
        return {
            "doc_ids": docids,
            "doc_model": "helpdesk.ticket",
            "docs": tickets,
            "sheets": sheets,
        }

    @api.model
    def _ekonsultasi_tz(self, ticket):
        """The zone the sheet's times are printed in: that of the calendar
        the consultation's time is counted on (its current round's)."""
        # sudo: the calendar of the limits, read for its zone only
        ticket = ticket.sudo()
        rnd = ticket.current_round_id or ticket.round_ids[-1:]
        calendar = rnd._ekonsultasi_work_calendar() if rnd else ticket._ekonsultasi_calendar()
        return calendar.tz or DEFAULT_TZ

    @api.model
    def _ekonsultasi_moment(self, moment, ticket):
        """``moment`` as the sheet of ``ticket`` prints it."""
        return format_moment(moment, self._ekonsultasi_tz(ticket))

    @api.model
    def _ekonsultasi_lang(self, ticket):
        """The language of the sheet: the pemda's (its company's), whoever
        prints it, so that the same content has one fingerprint."""
        # sudo: the language of the pemda, from its partner
        lang = ticket.sudo().company_id.partner_id.lang
        if lang and self.env["res.lang"]._lang_get(lang):
            return lang
        return self.env.lang or "en_US"

    @api.model
    def _ekonsultasi_fingerprint(self, ticket):
        """The fingerprint of what the sheet of ``ticket`` prints now."""
        return content_fingerprint(self._ekonsultasi_content(ticket))

    @api.model
    def _ekonsultasi_content(self, ticket, now=None):
        """Everything the sheet prints of ``ticket``, formatted, in the
        sheet's language: the input of its fingerprint. Read after the
        caller's access check, in sudo where a konsulti may not read what
        his own record shows (the konsultan's NIP, the answer messages)."""
        env = self.with_context(lang=self._ekonsultasi_lang(ticket)).env
        ticket = ticket.with_env(env)
        now = now or fields.Datetime.now()
        tz = self._ekonsultasi_tz(ticket)
        # sudo: the caller checked that the user may read the consultation;
        # its sheet prints the konsultan's NIP and the answers, which a
        # konsulti cannot read one by one
        ticket = ticket.sudo()
        partner = ticket.partner_id
        if ticket.partner_nip:
            identity = f"{NIP_PREFIX} {format_nip(ticket.partner_nip)}"
        elif ticket.partner_nik:
            identity = f"NIK {ticket.partner_nik}"
        else:
            identity = False
        if ticket.konsulti_origin == "desa" and ticket.origin_desa_id:
            desa = ticket.origin_desa_id
            origin = desa.name
            if desa.kecamatan_id:
                origin = f"{origin}, Kecamatan {desa.kecamatan_id.name}"
        else:
            origin = ticket.origin_perangkat_daerah_id.name or False
        labels = dict(
            env["ekonsultasi.round.analysis"]._fields["outcome"]._description_selection(env)
        )
        rounds = []
        for rnd in ticket.round_ids.sorted("number"):
            line = rnd._ekonsultasi_sla_line()
            result = outcome.outcome(
                line.deadline or None,
                rnd.answer_date or None,
                ticket.closed_date or None,
                now,
            )
            konsultan = rnd.answer_user_id
            rounds.append(
                {
                    "number": str(rnd.number),
                    "submitted": format_moment(rnd.start_date, tz),
                    "reason": rnd.reason or False,
                    "deadline": format_moment(line.deadline, tz),
                    "answered": format_moment(rnd.answer_date, tz),
                    "konsultan": konsultan.name or False,
                    "konsultan_nip": (
                        f"{NIP_PREFIX} {format_nip(konsultan.partner_id.nip)}"
                        if konsultan.partner_id.nip
                        else False
                    ),
                    "answer": rnd.answer_message_id.body or False,
                    "outcome": result,
                    "outcome_label": labels[result],
                }
            )
        return {
            "consultation": ticket.number,
            "title": ticket.name,
            # sent: the start of round 1 (Pasal 11)
            "submitted": format_moment(
                ticket.round_ids.sorted("number")[:1].start_date or ticket.create_date, tz
            ),
            "stage": ticket.stage_id.name or False,
            "closed": format_moment(ticket.closed_date, tz),
            "konsulti": partner.name or ticket.partner_name or False,
            "identity": identity,
            "origin_kind": (
                dict(ticket._fields["konsulti_origin"]._description_selection(env)).get(
                    ticket.konsulti_origin
                )
                or False
            ),
            "origin": origin,
            "perangkat_daerah": ticket.perangkat_daerah_id.name or False,
            "topic": ticket.category_id.complete_name or False,
            "team": ticket.team_id.name or False,
            "problem": ticket.description or False,
            "rounds": rounds,
        }

    @api.model
    def _ekonsultasi_document(self, ticket, content, sheet):
        """The content, the sheet's number, date, fingerprint and QR code,
        and the letterhead."""
        tz = self._ekonsultasi_tz(ticket)
        url = sheet._ekonsultasi_verification_url()
        qr = self.env["ir.actions.report"].barcode(
            "QR", url, width=QR_SIZE, height=QR_SIZE, quiet=False
        )
        letterhead = self.env["report.ekonsultasi_addon.report_ekonsultasi_recap"]
        return {
            "content": content,
            # sudo: the pemda's address and logo head every sheet; a konsulti
            # may not read the company's partner
            "letterhead": letterhead._ekonsultasi_letterhead(ticket.sudo().company_id),
            "number": sheet.name,
            "issued": format_moment(sheet.issue_date, tz),
            "fingerprint": sheet.fingerprint,
            "verification_url": url,
            "qr": image_data_uri(base64.b64encode(qr)),
        }

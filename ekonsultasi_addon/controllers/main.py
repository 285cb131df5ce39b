# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
import uuid

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController

TITLE_MAX_LENGTH = 200
# the key of a new-consultation form (see _ekonsultasi_sent_before)
SUBMISSION_KEY = re.compile(r"[0-9a-f]{32}")
KONSULTI_GROUP = "ekonsultasi_addon.group_ekonsultasi_konsulti"


def attachment_limits(company, ticket=None):
    """What a file input of the portal shows and checks in the browser: the
    administrator's limits of ``company``, less the files ``ticket`` has
    (the server checks them again)."""
    extensions = sorted(company._ekonsultasi_allowed_extensions())
    known = ticket and request.env["ir.attachment"]._ekonsultasi_konsulti_file_count(ticket)
    return {
        "max_count": company.ekonsultasi_attachment_max_count,
        "files_left": max(company.ekonsultasi_attachment_max_count - (known or 0), 0),
        "max_size_mb": company.ekonsultasi_attachment_max_size,
        "max_size_bytes": company.ekonsultasi_attachment_max_size * 1024 * 1024,
        "allowed_types": ", ".join(extensions),
        "allowed_accept": ",".join(f".{ext}" for ext in extensions),
    }


def own_consultation(ticket_id):
    """The consultation ``ticket_id`` in sudo, once the current user is
    known to be a konsulti who sent it (reading is not enough: the
    Inspektorat reads everything and acts on nothing)."""
    if not request.env.user.has_group(KONSULTI_GROUP):
        raise AccessError(request.env._("Only konsulti act on consultations here."))
    ticket = request.env["helpdesk.ticket"].browse(int(ticket_id or 0)).exists()
    if not ticket:
        raise MissingError(request.env._("This consultation does not exist."))
    ticket.check_access("read")
    # sudo: only to compare the sender with the current user
    if ticket.sudo().partner_id != request.env.user.partner_id:
        raise AccessError(request.env._("This consultation is not yours."))
    # sudo: the konsulti has no write right on consultations, the flow
    # methods change them for him and check again who he is
    return ticket.sudo()


def read_files(company, ticket=None):
    """Read the uploaded files, refusing any that break the limits set by
    the administrator (``res.company._ekonsultasi_attachment_error`` and
    ``_ekonsultasi_attachment_count_error``, the rules every door
    applies), counting those ``ticket`` already has. Returns
    ``(files, errors)``."""
    max_bytes = company.ekonsultasi_attachment_max_size * 1024 * 1024
    files, errors = [], []
    uploads = [u for u in request.httprequest.files.getlist("attachment") if u.filename]
    if not uploads:
        return [], []
    known = ticket and request.env["ir.attachment"]._ekonsultasi_konsulti_file_count(ticket)
    count_error = company._ekonsultasi_attachment_count_error((known or 0) + len(uploads))
    if count_error:
        return [], [count_error]
    for upload in uploads:
        # one byte more than allowed is enough to refuse a file
        data = upload.read(max_bytes + 1)
        error = company._ekonsultasi_attachment_error(upload.filename, data)
        if error:
            errors.append(error)
        else:
            files.append((upload.filename, data))
    return files, errors


def attach_files(ticket, files):
    """Attach the checked ``files`` (name, bytes) to the sudo ``ticket``."""
    if files:
        # sudo: the konsulti has no create right on the consultation's
        # files; ir.attachment checks them again (limits, contribution)
        request.env["ir.attachment"].sudo().create(
            [
                {
                    "name": name,
                    "datas": base64.b64encode(data),
                    "res_model": "helpdesk.ticket",
                    "res_id": ticket.id,
                }
                for name, data in files
            ]
        )


class EkonsultasiTicketController(HelpdeskTicketController):
    """The konsulti's side of Pasal 11 and 13 in the portal."""

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @staticmethod
    def _ekonsultasi_is_konsulti():
        return request.env.user.has_group(KONSULTI_GROUP)

    def _ekonsultasi_topics(self, topic_id=None):
        """Topics (leaf categories with a konsultan team) offered in the portal;
        with ``topic_id`` (a form's value), that one if it is offered."""
        company = request.env.company
        domain = [
            ("show_in_portal", "=", True),
            ("parent_id", "!=", False),
            ("perangkat_daerah_id", "!=", False),
            ("company_id", "in", [company.id, False]),
        ]
        if topic_id is not None:
            if not str(topic_id).isdigit():
                return request.env["helpdesk.ticket.category"]
            domain.append(("id", "=", int(topic_id)))
        categories = request.env["helpdesk.ticket.category"].with_company(company).search(domain)
        routing = categories._get_routing_team()
        return categories.filtered(lambda c: routing.get(c.id))

    def _ekonsultasi_form_values(self, errors=None, **kw):
        topics = self._ekonsultasi_topics()
        company = request.env.company
        return {
            "page_name": "ticket",
            "topics": topics,
            "agencies": topics.perangkat_daerah_id.sorted(lambda a: (a.sequence, a.name)),
            "errors": errors or [],
            "form": kw,
            # a form shown again keeps its key: it was not sent
            "submission_key": self._ekonsultasi_submission_key(kw) or uuid.uuid4().hex,
            **attachment_limits(company),
        }

    @staticmethod
    def _ekonsultasi_submission_key(kw):
        key = kw.get("submission_key") or ""
        return key if SUBMISSION_KEY.fullmatch(key) else None

    def _ekonsultasi_sent_before(self, key):
        """The konsulti's consultation sent by the form of ``key``: a form is
        sent again when he saw an error (the database restarted, the answer
        was lost) or clicked twice, and must not make a second one."""
        if not key:
            return request.env["helpdesk.ticket"]
        # sudo: the key is readable by system administrators only; the
        # search is restricted to the current konsulti's own consultations
        return (
            request.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", request.env.user.partner_id.id),
                    ("portal_submission_key", "=", key),
                ],
                limit=1,
            )
        )

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------

    @http.route("/new/ticket", type="http", auth="user", website=True)
    def create_new_ticket(self, **kw):
        if not self._ekonsultasi_is_konsulti():
            return request.redirect("/my")
        return request.render(
            "ekonsultasi_addon.portal_create_consultation",
            self._ekonsultasi_form_values(**kw),
        )

    @http.route("/submitted/ticket", type="http", auth="user", website=True, csrf=True)
    def submit_ticket(self, **kw):
        _ = request.env._
        if not self._ekonsultasi_is_konsulti():
            return request.redirect("/my")
        if request.httprequest.method != "POST":
            return request.redirect("/new/ticket")
        key = self._ekonsultasi_submission_key(kw)
        sent = self._ekonsultasi_sent_before(key)
        if sent:
            return request.redirect(f"/my/ticket/{sent.id}?sent=1")
        errors = []
        topic = self._ekonsultasi_topics(topic_id=kw.get("category") or "")
        if not topic:
            errors.append(_("Choose the perangkat daerah and the topic of your problem."))
        elif (
            kw.get("perangkat_daerah")
            and str(topic.perangkat_daerah_id.id) != kw["perangkat_daerah"]
        ):
            errors.append(_("The topic does not belong to the chosen perangkat daerah."))
        title = (kw.get("subject") or "").strip()
        if not title:
            errors.append(_("Write a short title for your problem."))
        elif len(title) > TITLE_MAX_LENGTH:
            errors.append(
                _("The title is too long (at most %(max)s characters).", max=TITLE_MAX_LENGTH)
            )
        description = (kw.get("description") or "").strip()
        if not description:
            errors.append(_("Describe your problem."))
        company = topic.company_id or request.env.company
        files, file_errors = read_files(company)
        errors += file_errors
        if errors:
            values = self._ekonsultasi_form_values(errors=errors, **kw)
            return request.render("ekonsultasi_addon.portal_create_consultation", values)
        try:
            # the consultation and its files together or not at all: a file
            # that cannot be stored (disk full) leaves no consultation
            # without its files, and the konsulti his form to send again
            with request.env.cr.savepoint():
                ticket = self._ekonsultasi_create_ticket(company, topic, title, description, key)
                attach_files(ticket, files)
        except UserError as exc:
            values = self._ekonsultasi_form_values(errors=[exc.args[0]], **kw)
            return request.render("ekonsultasi_addon.portal_create_consultation", values)
        # the receipt by mail (number, topic and answer limit, Pasal 11(5))
        # and the konsultan's notice: made by the scheduled action within a minute
        ticket._ekonsultasi_notices_soon()
        # ... and the receipt on the page he lands on, now
        return request.redirect(f"/my/ticket/{ticket.id}?sent=1")

    @staticmethod
    def _ekonsultasi_create_ticket(company, topic, title, description, key=None):
        """The konsulti's consultation, from the checked values of the form."""
        partner = request.env.user.partner_id
        # sudo: konsulti are portal users without create rights on
        # consultations; every value below is checked or set by this route.
        # The konsultan's notice is made with the receipt, after the request
        # (models/helpdesk_ticket_new_notice.py)
        return (
            request.env["helpdesk.ticket"]
            .sudo()
            .with_context(mail_auto_subscribe_no_notify=True)
            .create(
                {
                    "company_id": company.id,
                    "category_id": topic.id,
                    "name": title,
                    "description": plaintext2html(description),
                    "channel_id": request.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").id,
                    "partner_id": partner.id,
                    "partner_name": partner.name,
                    "partner_email": partner.email,
                    "portal_submission_key": key or False,
                    "ekonsultasi_notice_pending": True,
                }
            )
        )

    @http.route("/ticket/close", type="http", auth="user", methods=["POST"], csrf=True)
    def support_ticket_close(self, **kw):
        """Close one's own consultation (replaces helpdesk_mgmt's route, which
        looks the ticket up in sudo without checking who owns it)."""
        try:
            ticket = own_consultation(kw.get("ticket_id"))
        except (AccessError, MissingError, ValueError):
            return request.redirect("/my")
        if ticket.ekonsultasi_state == "answered":
            ticket.action_close_consultation()
        return request.redirect(f"/my/ticket/{ticket.id}")

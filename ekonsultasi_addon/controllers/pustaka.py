# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Pustaka Jawaban in the portal: the library, one page per entry, and
the answers suggested while a konsulti writes a new consultation.

Every entry is read as the visitor (record rules of ekonsultasi.pustaka:
published only, and for visitors not logged in only where the pemda opens
the library); sudo serves only the names of topics and agencies."""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from .main import KONSULTI_GROUP

PAGE_SIZE = 20
SUGGESTIONS = 5
EXCERPT = 220


def excerpt(text, length=EXCERPT):
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(".,;:") + "…"


class EkonsultasiPustaka(http.Controller):
    @staticmethod
    def _ekonsultasi_closed_to_visitor():
        """A visitor not logged in, where the pemda keeps the library for
        konsulti: sent to the login page."""
        return request.env.user._is_public() and not request.env.company.ekonsultasi_pustaka_public

    @staticmethod
    def _ekonsultasi_id(value):
        try:
            return int(value or 0)
        except (TypeError, ValueError):
            return 0

    def _ekonsultasi_filters(self):
        """The topics and agencies of the entries the visitor may read,
        as ``(topics, agencies)`` with their names."""
        Entry = request.env["ekonsultasi.pustaka"]
        groups = Entry._read_group([("state", "=", "published")], ["category_id"])
        # sudo: only the names of the topics and agencies of entries this
        # visitor may read (visitors have no right on categories)
        topics = request.env["helpdesk.ticket.category"].union(*(g[0] for g in groups)).sudo()
        agencies = topics.perangkat_daerah_id
        return (
            topics.sorted(lambda t: t.display_name or ""),
            agencies.sorted(lambda a: (a.sequence, a.name or "")),
        )

    @http.route(["/pustaka", "/pustaka/page/<int:page>"], type="http", auth="public", website=True)
    def pustaka_index(self, page=1, q=None, topic=None, agency=None, **kw):
        if self._ekonsultasi_closed_to_visitor():
            return request.redirect("/web/login?redirect=/pustaka")
        Entry = request.env["ekonsultasi.pustaka"]
        topics, agencies = self._ekonsultasi_filters()
        topic_rec = topics.filtered(lambda t: t.id == self._ekonsultasi_id(topic))
        agency_rec = agencies.filtered(lambda a: a.id == self._ekonsultasi_id(agency))
        q = (q or "").strip()[:200]
        domain = Entry._ekonsultasi_portal_domain(topic_rec, agency_rec)
        total = Entry._ekonsultasi_search_count(q, domain)
        url_args = {
            key: value
            for key, value in (("q", q), ("topic", topic_rec.id), ("agency", agency_rec.id))
            if value
        }
        pager = portal_pager(
            url="/pustaka",
            total=total,
            page=max(self._ekonsultasi_id(page), 1),
            step=PAGE_SIZE,
            url_args=url_args,
        )
        entries = Entry._ekonsultasi_search(q, domain, limit=PAGE_SIZE, offset=pager["offset"])
        return request.render(
            "ekonsultasi_addon.pustaka_index",
            {
                "page_name": "pustaka",
                "entries": entries,
                "excerpt": excerpt,
                "total": total,
                "pager": pager,
                "q": q,
                "topics": topics,
                "agencies": agencies,
                "topic": topic_rec,
                "agency": agency_rec,
                "topic_names": {t.id: t.display_name for t in topics},
                "is_konsulti": request.env.user.has_group(KONSULTI_GROUP),
            },
        )

    @http.route("/pustaka/<int:entry_id>", type="http", auth="public", website=True)
    def pustaka_entry(self, entry_id, **kw):
        if self._ekonsultasi_closed_to_visitor():
            return request.redirect(f"/web/login?redirect=/pustaka/{entry_id}")
        entry = request.env["ekonsultasi.pustaka"].browse(entry_id).exists()
        try:
            if not entry:
                raise MissingError(request.env._("This entry does not exist."))
            entry.check_access("read")
        except (AccessError, MissingError):
            # unpublished, withdrawn or of another pemda: as if it did not exist
            raise request.not_found() from None
        # sudo: the names of the entry's topic and agency (see above)
        category = entry.category_id.sudo()
        return request.render(
            "ekonsultasi_addon.pustaka_entry",
            {
                "page_name": "pustaka",
                "entry": entry,
                "topic_name": category.display_name,
                "agency_name": category.perangkat_daerah_id.name,
                "is_konsulti": request.env.user.has_group(KONSULTI_GROUP),
            },
        )

    @http.route("/pustaka/suggest", type="json", auth="user")
    def pustaka_suggest(self, title="", description="", **kw):
        """The published entries nearest to what the konsulti is writing."""
        text = f"{title or ''} {description or ''}"[:4000]
        Entry = request.env["ekonsultasi.pustaka"]
        entries = Entry._ekonsultasi_suggest(
            text, Entry._ekonsultasi_portal_domain(), limit=SUGGESTIONS
        )
        # sudo: topic names, as on the library's pages
        return [
            {
                "id": entry.id,
                "name": entry.name,
                "topic": entry.category_id.sudo().display_name,
                "excerpt": excerpt(entry.answer, 160),
                "url": f"/pustaka/{entry.id}",
                "needs_review": entry.needs_review,
            }
            for entry in entries
        ]

    @http.route("/pustaka/<int:entry_id>/helpful", type="json", auth="user")
    def pustaka_helpful(self, entry_id, **kw):
        """One click, nothing sent: the entry answered this konsulti, a
        consultation avoided (counted once per konsulti and entry)."""
        if not request.env.user.has_group(KONSULTI_GROUP):
            return {"counted": False}
        entry = request.env["ekonsultasi.pustaka"].browse(entry_id)
        try:
            entry.check_access("read")
            if entry.state != "published":
                raise AccessError(request.env._("This entry is not published."))
        except (AccessError, MissingError):
            return {"counted": False}
        partner = request.env.user.partner_id
        # sudo: konsulti have no right on the counter; the entry was read
        # as the konsulti above and the record names only him and it
        Helpful = request.env["ekonsultasi.pustaka.helpful"].sudo()
        if not Helpful.search_count([("entry_id", "=", entry.id), ("partner_id", "=", partner.id)]):
            Helpful.create({"entry_id": entry.id, "partner_id": partner.id})
        return {"counted": True}

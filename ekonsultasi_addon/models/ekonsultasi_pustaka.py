# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext

from ..lib import pustaka

PUBLISHER_GROUP = "ekonsultasi_addon.group_ekonsultasi_pustaka_publisher"
# a suggestion ranks at least this share of the best one
SUGGEST_SHARE = 0.4
# the published text: what the editing step produces and the marks look at
TEXT_FIELDS = ("name", "question", "answer")
# what nobody writes by hand: the flow sets it
FLOW_FIELDS = frozenset(
    {"state", "publish_date", "published_by_id", "withdraw_date", "withdrawn_by_id", "ticket_id"}
)


class EkonsultasiPustaka(models.Model):
    """An entry of the Pustaka Jawaban: the question and answer of an
    answered consultation, edited so that nobody can be recognised, then
    published for every konsulti (and, by a setting, the public). The
    consultation it comes from is never changed."""

    _name = "ekonsultasi.pustaka"
    _description = "Pustaka Jawaban entry"
    _order = "publish_date desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        help="The pemda whose konsulti read this entry.",
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Consultation",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        groups="base.group_user",
        help="The answered consultation this entry was made from; it is never changed.",
    )
    name = fields.Char(
        string="Title",
        required=True,
        help="The published title of the question, without personal data.",
    )
    question = fields.Text(
        required=True,
        help="The published question: the konsulti's problem with names, NIP, NIK, "
        "nagari, amounts and dates removed or generalised.",
    )
    answer = fields.Text(
        required=True,
        help="The published answer, edited like the question.",
    )
    category_id = fields.Many2one(
        comodel_name="helpdesk.ticket.category",
        string="Topic",
        required=True,
        index=True,
        check_company=True,
        help="The topic of the entry; konsulti filter the library by it.",
    )
    perangkat_daerah_id = fields.Many2one(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Perangkat daerah",
        related="category_id.perangkat_daerah_id",
        store=True,
        index=True,
        help="The agency whose konsultan answered; konsulti filter the library by it.",
    )
    regulation_refs = fields.Text(
        string="Regulations",
        help="The regulations the answer rests on, one a line (for example "
        "Permendagri 20/2018 Pasal 5).",
    )
    state = fields.Selection(
        selection=[
            ("draft", "Being edited"),
            ("published", "Published"),
            ("withdrawn", "Withdrawn"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        help="Being edited: proposed, not visible in the portal. Published: "
        "readable by konsulti. Withdrawn: no longer visible anywhere in the portal.",
    )
    publish_date = fields.Date(
        string="Published on",
        readonly=True,
        help="The day the entry was published.",
    )
    published_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Published by",
        readonly=True,
        groups="base.group_user",
        help="The publisher (the Inspektur or a user of the publisher role) who published it.",
    )
    review_date = fields.Date(
        string="Review on",
        help="After this day the entry is shown as to be reviewed (perlu ditinjau); "
        f"by default {pustaka.REVIEW_MONTHS} months after its publication.",
    )
    needs_review = fields.Boolean(
        string="To be reviewed",
        compute="_compute_needs_review",
        search="_search_needs_review",
        help="The review date has passed: the answer may be out of date.",
    )
    withdraw_date = fields.Date(
        string="Withdrawn on",
        readonly=True,
        groups="base.group_user",
        help="The day the entry was withdrawn from the portal.",
    )
    withdrawn_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Withdrawn by",
        readonly=True,
        groups="base.group_user",
        help="Who withdrew the entry.",
    )
    withdraw_reason = fields.Text(
        string="Reason for withdrawal",
        groups="base.group_user",
        help="Why the entry was withdrawn (a new regulation, a mistake...).",
    )
    mark_ids = fields.One2many(
        comodel_name="ekonsultasi.pustaka.mark",
        inverse_name="entry_id",
        string="Personal data marks",
        groups="base.group_user",
        help="What looks like personal data in the title, question and answer; "
        "each is replaced or confirmed by a person before publishing.",
    )
    marks_to_check = fields.Integer(
        string="Marks to check",
        compute="_compute_marks_to_check",
        groups="base.group_user",
        help="Marks of personal data nobody has replaced or confirmed yet.",
    )
    source_question = fields.Html(
        string="Original question",
        related="ticket_id.description",
        groups="base.group_user",
        help="The konsulti's problem as he sent it (read only).",
    )
    source_answer = fields.Html(
        string="Original answer",
        compute="_compute_source_answer",
        groups="base.group_user",
        help="The konsultan's answers of the consultation as they were sent (read only).",
    )
    search_stems = fields.Text(
        string="Search stems",
        compute="_compute_search_stems",
        store=True,
        groups="base.group_user",
        help="The search stems of the title, question and answer (lib/pustaka.py); "
        "indexed for full-text search.",
    )
    helpful_ids = fields.One2many(
        comodel_name="ekonsultasi.pustaka.helpful",
        inverse_name="entry_id",
        string="Answered konsulti",
        groups="base.group_user",
        help="Konsulti who said this entry answered them while writing a new consultation.",
    )
    helpful_count = fields.Integer(
        string="Consultations avoided",
        compute="_compute_helpful_count",
        groups="base.group_user",
        help="How many konsulti said this entry answered them, so they sent nothing.",
    )

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    @api.depends("review_date")
    def _compute_needs_review(self):
        today = fields.Date.context_today(self)
        for entry in self:
            entry.needs_review = bool(entry.review_date and entry.review_date < today)

    def _search_needs_review(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the review date."))
        today = fields.Date.context_today(self)
        due = [("review_date", "<", today)]
        if (operator == "=") == value:
            return due
        return ["|", ("review_date", "=", False), ("review_date", ">=", today)]

    @api.depends("mark_ids.state")
    def _compute_marks_to_check(self):
        for entry in self:
            entry.marks_to_check = len(entry.mark_ids.filtered(lambda m: m.state == "to_check"))

    @api.depends("ticket_id")
    def _compute_source_answer(self):
        for entry in self:
            messages = entry.ticket_id.round_ids.answer_message_id.sorted("date")
            entry.source_answer = "".join(m.body or "" for m in messages)

    @api.depends("name", "question", "answer")
    def _compute_search_stems(self):
        for entry in self:
            entry.search_stems = pustaka.stems(" ".join(entry[f] or "" for f in TEXT_FIELDS))

    @api.depends("helpful_ids")
    def _compute_helpful_count(self):
        for entry in self:
            entry.helpful_count = len(entry.helpful_ids)

    def init(self):
        # the full-text index over the stems (simple configuration: the
        # stems are made in Python, PostgreSQL has no Indonesian stemmer);
        # a generated column stays in step with search_stems by itself
        self.env.cr.execute(
            """
            ALTER TABLE ekonsultasi_pustaka ADD COLUMN IF NOT EXISTS search_vector tsvector
                GENERATED ALWAYS AS (to_tsvector('simple', coalesce(search_stems, ''))) STORED;
            CREATE INDEX IF NOT EXISTS ekonsultasi_pustaka_search_vector_idx
                ON ekonsultasi_pustaka USING gin (search_vector);
            """
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if FLOW_FIELDS & (set(vals) - {"ticket_id"}) and not self.env.su:
                raise AccessError(self.env._("An entry is published through its buttons."))
        entries = super().create(vals_list)
        entries._ekonsultasi_scan()
        return entries

    def write(self, vals):
        if "state" in vals:
            # the entries in the portal change: their common stems too
            self.env.registry.clear_cache()
        if FLOW_FIELDS & set(vals) and not self.env.su:
            raise AccessError(self.env._("An entry is published through its buttons."))
        if set(vals) & {*TEXT_FIELDS, "category_id", "regulation_refs"} and self.filtered(
            lambda e: e.state != "draft"
        ):
            raise UserError(
                self.env._("A published entry is edited after sending it back to editing.")
            )
        result = super().write(vals)
        if set(vals) & set(TEXT_FIELDS):
            self._ekonsultasi_scan()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        if self.filtered(lambda e: e.state != "draft"):
            raise UserError(
                self.env._("A published or withdrawn entry is kept: withdraw it instead.")
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.model
    def action_propose(self, tickets):
        """Propose answered consultations for the library (a konsultan on
        those he may read, or a publisher): a draft entry each, with the
        consultation's texts copied for editing. The consultations are
        only read. A consultation proposed before gets no second entry: its
        entry (draft, published or withdrawn) is opened instead."""
        if not (
            self.env.su
            or self.env.user.has_group("ekonsultasi_addon.group_ekonsultasi_konsultan")
            or self.env.user.has_group(PUBLISHER_GROUP)
        ):
            raise AccessError(self.env._("Only konsultan and publishers propose entries."))
        tickets.check_access("read")
        unanswered = tickets.filtered(lambda t: not t.round_ids.answer_message_id)
        if unanswered:
            raise UserError(
                self.env._(
                    "Only an answered consultation can be proposed: %(names)s",
                    names=", ".join(unanswered.mapped("display_name")),
                )
            )
        # sudo: whether an entry exists, whoever may read it (a withdrawn one)
        existing = self.sudo().search([("ticket_id", "in", tickets.ids)])
        proposed = existing.ticket_id
        entries = self.browse(existing.ids) | self.create(
            [
                {
                    "ticket_id": ticket.id,
                    "company_id": ticket.company_id.id,
                    "name": ticket.name,
                    "question": html2plaintext(ticket.description or ""),
                    "answer": "\n\n".join(
                        html2plaintext(m.body or "")
                        for m in ticket.round_ids.answer_message_id.sorted("date")
                    ),
                    "category_id": ticket.category_id.id,
                }
                for ticket in tickets - proposed
            ]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ekonsultasi_addon.ekonsultasi_pustaka_action"
        )
        if len(entries) == 1:
            action.update(res_id=entries.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", entries.ids)]
        return action

    def action_scan(self):
        self._ekonsultasi_scan()

    def _ekonsultasi_check_publisher(self):
        # the Inspektur is made a publisher when he is named (res.company)
        if not (self.env.su or self.env.user.has_group(PUBLISHER_GROUP)):
            raise AccessError(
                self.env._("Only the Inspektur or a publisher publishes and withdraws entries.")
            )
        self.check_access("write")

    def action_publish(self):
        self._ekonsultasi_check_publisher()
        self._ekonsultasi_scan()
        for entry in self:
            if entry.state != "draft":
                raise UserError(self.env._("Only an entry being edited can be published."))
            if entry.marks_to_check:
                raise UserError(
                    self.env._(
                        "%(count)s marks of personal data are not checked yet in %(name)s: "
                        "replace each, or confirm it names nobody.",
                        count=entry.marks_to_check,
                        name=entry.name,
                    )
                )
        today = fields.Date.context_today(self)
        for entry in self:
            # sudo: the flow fields are written by these buttons only
            # (FLOW_FIELDS); the check above decided who presses them
            entry.sudo().write(
                {
                    "state": "published",
                    "publish_date": today,
                    "published_by_id": self.env.uid,
                    "review_date": entry.review_date
                    or today + relativedelta(months=pustaka.REVIEW_MONTHS),
                    "withdraw_date": False,
                    "withdrawn_by_id": False,
                }
            )

    def action_withdraw(self):
        self._ekonsultasi_check_publisher()
        if self.filtered(lambda e: e.state != "published"):
            raise UserError(self.env._("Only a published entry can be withdrawn."))
        # sudo: as in action_publish
        self.sudo().write(
            {
                "state": "withdrawn",
                "withdraw_date": fields.Date.context_today(self),
                "withdrawn_by_id": self.env.uid,
            }
        )

    def action_back_to_draft(self):
        """Edit a published or withdrawn entry again: it leaves the portal."""
        self._ekonsultasi_check_publisher()
        # sudo: as in action_publish
        self.sudo().write({"state": "draft"})

    def action_mark_reviewed(self):
        """The answer still holds: the next review in REVIEW_MONTHS."""
        self._ekonsultasi_check_publisher()
        today = fields.Date.context_today(self)
        # sudo: as in action_publish (review_date is no text of the entry)
        self.sudo().write({"review_date": today + relativedelta(months=pustaka.REVIEW_MONTHS)})

    # ------------------------------------------------------------------
    # Personal data
    # ------------------------------------------------------------------
    def _ekonsultasi_personal_context(self):
        """What names a person in this entry: (names, units, places)."""
        self.ensure_one()
        # sudo: the konsulti's profile (NIP, NIK, agency) is readable by
        # administrators only; here it is only looked for in the texts
        ticket = self.ticket_id.sudo()
        partner = ticket.partner_id
        names = [partner.name, ticket.partner_name, ticket.user_id.name]
        names += ticket.round_ids.answer_user_id.mapped("name")
        units = [
            partner.jabatan_name,
            partner.perangkat_daerah_id.name,
            partner.perangkat_daerah_id.short_name,
            partner.desa_id.name,
        ]
        region = [("company_id", "=", self.company_id.id)]
        places = self.env["ekonsultasi.desa"].search(region).mapped("name")
        places += self.env["ekonsultasi.kecamatan"].search(region).mapped("name")
        return [n for n in names if n], [u for u in units if u], places

    def _ekonsultasi_scan(self):
        """Mark what looks like personal data in the texts. A mark checked
        by a person stays; an unchecked one whose text is gone goes."""
        Mark = self.env["ekonsultasi.pustaka.mark"]
        for entry in self:
            names, units, places = entry._ekonsultasi_personal_context()
            found = {}
            for field in TEXT_FIELDS:
                for mark in pustaka.find_personal_data(entry[field], names, units, places):
                    found.setdefault((field, mark.text.lower()), mark)
            # sudo: marks are written by the scan, whoever edits the text
            known = entry.sudo().mark_ids
            gone = known.filtered(
                lambda m, found=found: (
                    m.state == "to_check" and (m.field, m.text.lower()) not in found
                )
            )
            gone.sudo().unlink()
            have = {(m.field, m.text.lower()) for m in known - gone}
            Mark.sudo().create(
                [
                    {
                        "entry_id": entry.id,
                        "field": field,
                        "kind": mark.kind,
                        "text": mark.text,
                        "replacement": Mark._ekonsultasi_generalised(mark.kind),
                    }
                    for (field, key), mark in found.items()
                    if (field, key) not in have
                ]
            )

    # ------------------------------------------------------------------
    # Search
    # ------------------------------------------------------------------
    @api.model
    def _ekonsultasi_query(self, text, domain=None):
        """The query of the entries the current user may read (record rules
        applied) among ``domain`` that match ``text``, and the rank of an
        entry as SQL (``None`` without words): full-text search over the
        stems (``lib/pustaka.py``). An entry matches by one of the telling
        stems of ``text`` (those of few entries, :func:`pustaka.informative`:
        the GIN index gives few rows to rank) and ranks by all of them."""
        # search_vector is PostgreSQL's (generated from search_stems)
        self.flush_model(["search_stems"])
        query = self._search(list(domain or []))
        terms = pustaka.query_terms(text)
        if not terms:
            return query, None
        telling = pustaka.informative(terms, self._ekonsultasi_common_stems())
        vector = SQL.identifier(self._table, "search_vector")
        query.add_where(SQL("%s @@ to_tsquery('simple', %s)", vector, pustaka.tsquery(telling)))
        return query, SQL("ts_rank(%s, to_tsquery('simple', %s))", vector, pustaka.tsquery(terms))

    @api.model
    @tools.ormcache()
    def _ekonsultasi_common_stems(self):
        """The stems of more than ``COMMON_SHARE`` of the published entries
        and of more than ``COMMON_MIN_ENTRIES`` (a small library has none),
        of every company (a statistic: nothing of an entry is shown), cached
        until an entry is published or leaves the portal."""
        self.flush_model(["search_stems", "state"])
        self.env.cr.execute(
            """SELECT word FROM ts_stat(
                   'SELECT search_vector FROM ekonsultasi_pustaka WHERE state = ''published''')
                WHERE ndoc > (SELECT GREATEST(count(*) * %s, %s) FROM ekonsultasi_pustaka
                               WHERE state = 'published')""",
            (pustaka.COMMON_SHARE, pustaka.COMMON_MIN_ENTRIES),
        )
        return frozenset(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _ekonsultasi_search(self, text, domain=None, limit=5, offset=0):
        """Entries the current user may read that match ``text``, best
        first; without words, the newest first."""
        query, rank = self._ekonsultasi_query(text, domain)
        newest = SQL(
            "%s DESC NULLS LAST, %s DESC",
            SQL.identifier(self._table, "publish_date"),
            SQL.identifier(self._table, "id"),
        )
        query.order = SQL("%s DESC, %s", rank, newest) if rank else newest
        query.limit = limit
        query.offset = offset
        return self.browse(query)

    @api.model
    def _ekonsultasi_suggest(self, text, domain=None, limit=5, share=SUGGEST_SHARE):
        """The entries to suggest for ``text``: the best ``limit`` of
        :meth:`_ekonsultasi_search`, without those ranked below ``share``
        of the best (an entry sharing one common word with the problem is
        no answer to it)."""
        query, rank = self._ekonsultasi_query(text, domain)
        if not rank:
            return self.browse()
        query.order = SQL("%s DESC, %s DESC", rank, SQL.identifier(self._table, "id"))
        query.limit = limit
        rows = self.env.execute_query(query.select(SQL.identifier(self._table, "id"), rank))
        best = rows[0][1] if rows else 0
        return self.browse([entry_id for entry_id, value in rows if value >= best * share])

    @api.model
    def _ekonsultasi_search_count(self, text, domain=None):
        """How many entries :meth:`_ekonsultasi_search` finds in all."""
        query, _rank = self._ekonsultasi_query(text, domain)
        return self.env.execute_query(query.select(SQL("count(*)")))[0][0]

    @api.model
    def _ekonsultasi_portal_domain(self, category=None, agency=None):
        domain = [("state", "=", "published")]
        if category:
            domain.append(("category_id", "=", category.id))
        if agency:
            domain.append(("perangkat_daerah_id", "=", agency.id))
        return domain

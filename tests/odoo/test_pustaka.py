"""Pustaka Jawaban (issue 15): proposing an answered consultation, editing
out personal data, publishing, withdrawing, the review date, and every door
of the portal (pages, search, suggestions, RPC) closed to what is not
published."""

import datetime as dt
import io

import openpyxl
from ekonsultasi_common import EkonsultasiHttpCase
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

PUBLISHER = "ekonsultasi_addon.group_ekonsultasi_pustaka_publisher"

QUESTION = (
    "<p>Saya Siti Rahmah, bendahara di BKAD (NIP 199002202015032001). Nagari Kamang "
    "menerima dana Rp 150.000.000 pada 12 Maret 2025 untuk pengadaan barang. "
    "Bagaimana pertanggungjawaban pengadaan tersebut?</p>"
)
ANSWER = (
    "<p>Pengadaan barang oleh nagari dipertanggungjawabkan dengan laporan realisasi "
    "yang disusun bendahara dan ditetapkan wali nagari.</p>"
)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestPustaka(EkonsultasiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Entry = cls.env["ekonsultasi.pustaka"]
        cls.publisher = new_test_user(
            cls.env,
            login="penerbit",
            name="Penerbit Pustaka",
            groups=f"base.group_user,{PUBLISHER}",
        )
        cls.ticket = cls.consult(
            cls.konsulti.partner_id,
            name="Pertanggungjawaban pengadaan dana Nagari Kamang",
            description=QUESTION,
        )
        cls.answer(cls.ticket, cls.konsultan_1, body=ANSWER)
        # a second answered consultation: a consultation has one entry
        cls.ticket_2 = cls.consult(
            cls.konsulti.partner_id, name="Laporan realisasi dana desa", description=QUESTION
        )
        cls.answer(cls.ticket_2, cls.konsultan_1, body=ANSWER)
        cls.env.flush_all()

    def _propose(self, ticket=None, user=None):
        action = self.Entry.with_user(user or self.konsultan_1).action_propose(
            ticket or self.ticket
        )
        return self.Entry.browse(action["res_id"])

    def _clean(self, entry):
        """What an editor does: replace every mark with its general words."""
        for mark in entry.mark_ids.filtered(lambda m: m.state == "to_check"):
            mark.with_user(self.konsultan_1).action_replace()
        return entry

    def _published(self, **values):
        entry = self._clean(self._propose())
        if values:
            entry.with_user(self.konsultan_1).write(values)
        entry.with_user(self.publisher).action_publish()
        return entry

    def _snapshot(self, ticket):
        ticket.invalidate_recordset()
        return (
            ticket.read(["name", "description", "write_date", "category_id", "stage_id"])[0],
            [(m.id, m.body, m.write_date) for m in ticket.message_ids],
        )

    # editing ---------------------------------------------------------------
    def test_proposal_copies_the_texts_and_marks_personal_data(self):
        entry = self._propose()
        self.assertEqual(entry.state, "draft")
        self.assertEqual(entry.category_id, self.topic_tlhp)
        self.assertIn("NIP 199002202015032001", entry.question)
        self.assertIn("dipertanggungjawabkan", entry.answer)
        kinds = {(m.field, m.kind, m.text) for m in entry.mark_ids}
        self.assertLessEqual(
            {
                ("question", "nip", "199002202015032001"),
                ("question", "name", "Siti Rahmah"),
                ("question", "unit", "BKAD"),
                ("question", "place", "Kamang"),
                ("question", "amount", "Rp 150.000.000"),
                ("question", "date", "12 Maret 2025"),
                ("name", "place", "Kamang"),
            },
            kinds,
        )
        # nothing personal in the answer
        self.assertFalse(entry.mark_ids.filtered(lambda m: m.field == "answer"))
        with self.assertRaisesRegex(UserError, "not checked"):
            entry.with_user(self.publisher).action_publish()

    def test_a_consultation_is_proposed_once(self):
        entry = self._propose()
        self.assertEqual(self._propose(), entry, "the entry of the first proposal opens")
        # published, then withdrawn: still its one entry
        self._clean(entry)
        entry.with_user(self.publisher).action_publish()
        self.assertEqual(self._propose(user=self.publisher), entry)
        entry.with_user(self.publisher).action_withdraw()
        self.assertEqual(self._propose(), entry)
        self.assertEqual(self.Entry.sudo().search_count([("ticket_id", "=", self.ticket.id)]), 1)
        # proposed with another: only the other gets a new entry
        other = self.consult(self.konsulti.partner_id, name="Pertanyaan lain")
        self.answer(other, self.konsultan_1, body="Jawaban lain yang cukup jelas.")
        action = self.Entry.with_user(self.konsultan_1).action_propose(self.ticket | other)
        both = self.Entry.search(action["domain"])
        self.assertEqual(both.ticket_id, self.ticket | other)
        self.assertEqual(
            self.Entry.sudo().search_count([("ticket_id", "in", (self.ticket | other).ids)]), 2
        )

    def test_replacing_and_confirming_marks(self):
        entry = self._propose()
        nip = entry.mark_ids.filtered(lambda m: m.kind == "nip")
        nip.with_user(self.konsultan_1).action_replace()
        self.assertNotIn("199002202015032001", entry.question)
        self.assertIn("[NIP]", entry.question)
        self.assertEqual(nip.state, "replaced")
        # a mark confirmed by a person stays confirmed when the text changes
        unit = entry.mark_ids.filtered(lambda m: m.kind == "unit")
        unit.with_user(self.konsultan_1).action_keep()
        entry.with_user(self.konsultan_1).write({"question": entry.question + " Terima kasih."})
        self.assertEqual(unit.state, "kept")
        # an unchecked mark whose words the editor removed by hand goes
        date = entry.mark_ids.filtered(lambda m: m.kind == "date")
        entry.with_user(self.konsultan_1).write(
            {"question": entry.question.replace("12 Maret 2025", "awal tahun")}
        )
        self.assertFalse(date.exists())
        # new personal data typed in is marked
        entry.with_user(self.konsultan_1).write({"answer": entry.answer + " NIK 1303012505850001"})
        self.assertTrue(entry.mark_ids.filtered(lambda m: m.kind == "nik" and m.field == "answer"))

    def test_original_never_changes(self):
        before = self._snapshot(self.ticket)
        entry = self._published(regulation_refs="Permendagri 20/2018")
        entry.with_user(self.publisher).action_withdraw()
        entry.with_user(self.publisher).action_back_to_draft()
        entry.with_user(self.konsultan_1).write({"answer": "Jawaban yang diperbarui."})
        self.env.flush_all()
        self.assertEqual(self._snapshot(self.ticket), before)
        self.assertIn("199002202015032001", self.ticket.description)
        self.assertNotIn("199002202015032001", entry.question)

    def test_only_an_answered_consultation_is_proposed(self):
        unanswered = self.consult(self.konsulti.partner_id, name="Belum dijawab")
        with self.assertRaisesRegex(UserError, "answered"):
            self._propose(unanswered)

    def test_konsulti_and_other_teams_cannot_propose(self):
        with self.assertRaises(AccessError):
            self._propose(user=self.konsulti)
        with self.assertRaises(AccessError):
            self._propose(user=self.konsultan_bkad)  # another team's consultation

    # publishing --------------------------------------------------------------
    def test_only_publishers_publish_and_the_inspektur_is_one(self):
        entry = self._clean(self._propose())
        with self.assertRaises(AccessError):
            entry.with_user(self.konsultan_1).action_publish()
        with self.assertRaises(AccessError):
            entry.with_user(self.konsultan_1).write({"state": "published"})
        with self.assertRaises(AccessError):
            entry.with_user(self.inspektur).action_publish()
        self.company.ekonsultasi_inspektur_id = self.inspektur
        entry.with_user(self.inspektur).action_publish()
        self.assertEqual(entry.state, "published")
        self.assertEqual(entry.published_by_id, self.inspektur)
        # published text is frozen until sent back to editing
        with self.assertRaises(UserError):
            entry.with_user(self.konsultan_1).write({"answer": "lain"})

    def test_review_date(self):
        with freeze_time("2026-03-02"):
            entry = self._published()
            self.assertEqual(entry.publish_date, dt.date(2026, 3, 2))
            self.assertEqual(entry.review_date, dt.date(2027, 3, 2))
            self.assertFalse(entry.needs_review)
            self.assertFalse(
                self.Entry.search([("id", "=", entry.id), ("needs_review", "=", True)])
            )
        with freeze_time("2027-03-03"):
            entry.invalidate_recordset(["needs_review"])
            self.assertTrue(entry.needs_review)
            self.assertEqual(
                self.Entry.search([("id", "=", entry.id), ("needs_review", "=", True)]), entry
            )
            self.authenticate("konsulti2", "konsulti2")
            page = self.url_open(f"/pustaka/{entry.id}").text
            self.assertIn("pustaka_needs_review", page)
            entry.with_user(self.publisher).action_mark_reviewed()
            self.assertEqual(entry.review_date, dt.date(2028, 3, 3))
            self.assertFalse(entry.needs_review)
            page = self.url_open(f"/pustaka/{entry.id}").text
            self.assertNotIn("pustaka_needs_review", page)

    # every door of the portal ------------------------------------------------
    def _doors(self, entry):
        """What a konsulti (not the one who asked) sees of ``entry`` through
        each door: its page, the library list and search, the suggestions,
        RPC search and read."""
        self.authenticate("konsulti2", "konsulti2")
        page = self.url_open(f"/pustaka/{entry.id}")
        listing = self.url_open("/pustaka").text
        search = self.url_open("/pustaka?q=mengadakan+barang+nagari").text
        suggested = self.make_jsonrpc_request(
            "/pustaka/suggest",
            {"title": "Pengadaan barang nagari", "description": "Bagaimana pertanggungjawabannya?"},
        )
        found = self.call_kw("ekonsultasi.pustaka", "search", [[]])
        try:
            self.call_kw("ekonsultasi.pustaka", "read", [[entry.id], ["name", "answer"]])
            readable = True
        except Exception:  # noqa: BLE001  # the RPC error of a forbidden read
            readable = False
        return {
            "page": page.status_code == 200 and entry.name in page.text,
            "list": entry.name in listing,
            "search": entry.name in search,
            "suggest": entry.id in [s["id"] for s in suggested],
            "rpc_search": entry.id in found,
            "rpc_read": readable,
        }

    def test_unpublished_entry_is_visible_nowhere(self):
        entry = self._clean(self._propose())
        entry.name = "Pengadaan barang oleh nagari"
        doors = self._doors(entry)
        self.assertEqual(doors, dict.fromkeys(doors, False))
        self.assertEqual(self.url_open(f"/pustaka/{entry.id}").status_code, 404)

    def test_published_entry_is_visible_then_withdrawn_disappears(self):
        entry = self._published(name="Pengadaan barang oleh nagari")
        doors = self._doors(entry)
        self.assertEqual(doors, dict.fromkeys(doors, True))
        entry.with_user(self.publisher).action_withdraw()
        doors = self._doors(entry)
        self.assertEqual(doors, dict.fromkeys(doors, False))

    def test_portal_reads_no_internal_field(self):
        """The consultation, the marks and the editors stay internal."""
        entry = self._published()
        self.authenticate("konsulti2", "konsulti2")
        for field in ("ticket_id", "mark_ids", "source_question", "published_by_id"):
            with self.assertRaises(Exception, msg=field):  # noqa: B017  # RPC error
                self.call_kw("ekonsultasi.pustaka", "read", [[entry.id], [field]])
        with self.assertRaises(Exception):  # noqa: B017
            self.call_kw("ekonsultasi.pustaka.mark", "search_read", [[]])

    def test_public_only_by_the_setting(self):
        entry = self._published(name="Pengadaan barang oleh nagari")
        draft = self._clean(self._propose(self.ticket_2))
        response = self.url_open("/pustaka", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.assertIn(
            self.url_open(f"/pustaka/{entry.id}", allow_redirects=False).status_code, (302, 303)
        )
        self.company.ekonsultasi_pustaka_public = True
        self.assertIn(entry.name, self.url_open("/pustaka").text)
        self.assertEqual(self.url_open(f"/pustaka/{entry.id}").status_code, 200)
        self.assertEqual(self.url_open(f"/pustaka/{draft.id}").status_code, 404)
        public = self.env.ref("base.public_user")
        self.assertEqual(self.Entry.with_user(public).search([]), entry)

    # search and suggestions --------------------------------------------------
    def test_search_finds_indonesian_word_forms_and_filters(self):
        entry = self._published(name="Pengadaan barang oleh nagari")
        other_ticket = self.consult(
            self.konsulti.partner_id, category=self.topic_aset, name="Penghapusan aset daerah"
        )
        self.answer(other_ticket, self.konsultan_bkad, body="<p>Aset dihapus dengan keputusan.</p>")
        other = self._clean(self._propose(other_ticket, user=self.konsultan_bkad))
        other.with_user(self.publisher).action_publish()
        Portal = self.Entry.with_user(self.konsulti_other)
        domain = Portal._ekonsultasi_portal_domain()
        self.assertEqual(Portal._ekonsultasi_search("mengadakan barang", domain), entry)
        self.assertEqual(Portal._ekonsultasi_search("penghapusan aset", domain), other)
        self.assertEqual(Portal._ekonsultasi_search("menghapus", domain), other)
        self.assertEqual(Portal._ekonsultasi_search("", domain), other | entry)
        # the library lists every entry sharing a word; the suggestions
        # leave out one that shares a single common word
        problem = "Pengadaan barang oleh nagari di daerah, bagaimana pertanggungjawabannya?"
        self.assertEqual(Portal._ekonsultasi_search(problem, domain), entry | other)
        self.assertEqual(Portal._ekonsultasi_suggest(problem, domain), entry)
        self.assertEqual(Portal._ekonsultasi_suggest("Mohon", domain), Portal.browse())
        by_agency = Portal._ekonsultasi_portal_domain(agency=self.agency_bkad)
        self.assertEqual(Portal._ekonsultasi_search("", by_agency), other)
        by_topic = Portal._ekonsultasi_portal_domain(category=self.topic_tlhp)
        self.assertEqual(Portal._ekonsultasi_search("aset", by_topic), Portal.browse())
        self.authenticate("konsulti2", "konsulti2")
        page = self.url_open(f"/pustaka?topic={self.topic_aset.id}&q=aset").text
        self.assertIn(other.name, page)
        self.assertNotIn(entry.name, page)
        # a hand-made URL gets the library, not an error
        self.assertEqual(self.url_open("/pustaka?topic=x&agency=%27&page=-3").status_code, 200)

    def test_helpful_counts_once_per_konsulti_and_topic(self):
        entry = self._published()
        draft = self._clean(self._propose(self.ticket_2))
        self.authenticate("konsulti2", "konsulti2")
        for _i in range(2):
            result = self.make_jsonrpc_request(f"/pustaka/{entry.id}/helpful", {})
            self.assertEqual(result, {"counted": True})
        self.assertEqual(
            self.make_jsonrpc_request(f"/pustaka/{draft.id}/helpful", {}), {"counted": False}
        )
        self.authenticate("konsulti", "konsulti")
        self.make_jsonrpc_request(f"/pustaka/{entry.id}/helpful", {})
        Helpful = self.env["ekonsultasi.pustaka.helpful"]
        self.assertEqual(Helpful.search_count([("entry_id", "=", entry.id)]), 2)
        self.assertFalse(Helpful.search([("entry_id", "=", draft.id)]))
        self.assertEqual(entry.helpful_count, 2)
        avoided = Helpful._ekonsultasi_avoided_by_topic(
            dt.datetime.now() - dt.timedelta(days=1), dt.datetime.now() + dt.timedelta(days=1)
        )
        self.assertEqual(avoided, {self.topic_tlhp: 2})
        # nobody sends a consultation by clicking
        self.assertEqual(
            self.Ticket.search_count([("partner_id", "=", self.konsulti_other.partner_id.id)]), 0
        )

    def test_form_carries_the_suggestions_panel(self):
        self.authenticate("konsulti", "konsulti")
        page = self.url_open("/new/ticket").text
        self.assertIn('id="ekonsultasi_pustaka_suggest"', page)
        self.assertIn('href="/pustaka"', page)

    def test_recap_counts_consultations_avoided_per_topic(self):
        """The recap (XLSX sheet and PDF table) counts the clicks of its
        period per topic; another period has none."""
        with freeze_time("2026-02-10 03:00:00"):
            entry = self._published()
            Helpful = self.env["ekonsultasi.pustaka.helpful"]
            for partner in (self.konsulti_other.partner_id, self.konsulti_nagari.partner_id):
                Helpful.create({"entry_id": entry.id, "partner_id": partner.id})
            self.env.flush_all()
        Wizard = self.env["ekonsultasi.recap.wizard"].with_user(self.inspektur)
        q1 = Wizard.create({"period_type": "quarter", "year": 2026, "quarter": "1"})
        q2 = Wizard.create({"period_type": "quarter", "year": 2026, "quarter": "2"})
        expected = [(self.agency_insp.name, self.topic_tlhp.display_name, 2)]
        self.assertEqual(Helpful.with_user(self.inspektur)._ekonsultasi_recap_rows(q1), expected)
        self.assertEqual(Helpful.with_user(self.inspektur)._ekonsultasi_recap_rows(q2), [])
        by_agency = Wizard.create(
            {
                "period_type": "quarter",
                "year": 2026,
                "quarter": "1",
                "perangkat_daerah_ids": [(6, 0, self.agency_bkad.ids)],
            }
        )
        self.assertEqual(Helpful._ekonsultasi_recap_rows(by_agency), [])
        data, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.inspektur)
            ._render("ekonsultasi_addon.action_report_ekonsultasi_recap_xlsx", q1.ids)
        )
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Consultations avoided"]
        self.assertEqual(
            [c.value for c in sheet[5]],
            [self.agency_insp.name, self.topic_tlhp.display_name, 2],
        )
        values = (
            self.env["report.ekonsultasi_addon.report_ekonsultasi_recap"]
            .with_user(self.inspektur)
            ._get_report_values(q1.ids)
        )
        table = values["recaps"][q1.id]["tables"][-1]
        self.assertIn("Consultations avoided (Pustaka Jawaban)", table["title"])
        cells = [c["value"] for c in table["pages"][0]["rows"][0]["cells"]]
        self.assertEqual(cells[1:], [self.agency_insp.name, self.topic_tlhp.display_name, "2"])

    def test_drafts_stay_within_the_team(self):
        """Another team's konsultan reads a published entry, not a draft,
        and edits neither."""
        draft = self._clean(self._propose(self.ticket_2))
        published = self._published()
        Other = self.Entry.with_user(self.konsultan_bkad)
        self.assertEqual(Other.search([("id", "in", (draft | published).ids)]), published)
        with self.assertRaises(AccessError):
            draft.with_user(self.konsultan_bkad).write({"answer": "lain"})
        with self.assertRaises(AccessError):
            published.with_user(self.konsultan_bkad).action_back_to_draft()
        # the Inspektorat reads both, changes nothing
        Insp = self.Entry.with_user(self.inspektur)
        self.assertEqual(Insp.search([("id", "in", (draft | published).ids)]), draft | published)
        with self.assertRaises(AccessError):
            draft.with_user(self.inspektur).write({"answer": "lain"})

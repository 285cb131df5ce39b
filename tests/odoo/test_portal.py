"""The konsulti's portal, driven over HTTP: submit (Pasal 11), follow, read
the answer, re-submit (Pasal 13), close; and every forbidden URL."""

import re

from ekonsultasi_common import EkonsultasiDataMixin, EkonsultasiHttpCase
from lxml import html

from odoo import http
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "ekonsultasi")
class TestPortal(EkonsultasiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"ekonsultasi_attachment_max_size": 1, "ekonsultasi_attachment_types": "pdf,png"}
        )
        cls.t_other = cls.consult(cls.konsulti_other.partner_id, name="Rahasia orang lain")

    def _my_tickets(self, user):
        return self.env["helpdesk.ticket"].search([("partner_id", "=", user.partner_id.id)])

    # submit ---------------------------------------------------------------
    def test_form_offers_agencies_and_their_topics(self):
        self.authenticate("konsulti", "konsulti")
        page = self.url_open("/new/ticket").text
        self.assertIn("Inspektorat Daerah", page)
        self.assertIn("Tindak lanjut hasil pemeriksaan", page)
        self.assertIn("Pengelolaan aset daerah", page)
        # top categories are agencies, not topics (the values of the topic
        # select only: an agency may have the same id as a category)
        topics = {
            int(value)
            for value in html.fromstring(page).xpath('//select[@name="category"]//option/@value')
            if value
        }
        self.assertIn(self.topic_tlhp.id, topics)
        self.assertNotIn(self.cat_insp.id, topics)

    def test_submit_consultation_with_attachment(self):
        self.authenticate("konsulti", "konsulti")
        resp = self.submit_consultation(
            files={"attachment": ("lhp.pdf", b"%PDF-1.4 isi", "application/pdf")}
        )
        self.assertEqual(resp.status_code, 303)
        ticket = self._my_tickets(self.konsulti)
        self.assertEqual(len(ticket), 1)
        self.assertTrue(resp.headers["Location"].endswith(f"/my/ticket/{ticket.id}?sent=1"))
        self.assertEqual(ticket.team_id, self.team_insp)
        self.assertIn(ticket.user_id, self.konsultan_1 | self.konsultan_2)
        self.assertEqual(ticket.ekonsultasi_state, "new")
        self.assertEqual(ticket.attachment_ids.mapped("name"), ["lhp.pdf"])
        self.assertEqual(ticket.attachment_ids.raw, b"%PDF-1.4 isi")
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertIn("Tindak lanjut temuan BPK 2025", page)
        self.assertIn(ticket.user_id.name, page)

    def test_refused_attachment_type_and_size(self):
        self.authenticate("konsulti", "konsulti")
        resp = self.submit_consultation(
            files={"attachment": ("virus.exe", b"MZ", "application/octet-stream")}
        )
        self.assertEqual(resp.status_code, 200)
        self.assertIn("virus.exe", resp.text)
        self.assertIn("cannot be attached", resp.text)
        big = b"0" * (1024 * 1024 + 1)
        resp = self.submit_consultation(files={"attachment": ("scan.pdf", big, "application/pdf")})
        self.assertIn("larger than 1 MB", resp.text)
        # what he typed is kept, nothing is created
        self.assertIn("Tindak lanjut temuan BPK 2025", resp.text)
        self.assertFalse(self._my_tickets(self.konsulti))

    def test_refused_incomplete_or_inconsistent_form(self):
        self.authenticate("konsulti", "konsulti")
        resp = self.submit_consultation(subject="  ")
        self.assertIn("Write a short title", resp.text)
        resp = self.submit_consultation(description="")
        self.assertIn("Describe your problem", resp.text)
        resp = self.submit_consultation(perangkat_daerah=str(self.agency_bkad.id))
        self.assertIn("does not belong to the chosen perangkat daerah", resp.text)
        resp = self.submit_consultation(category=str(self.cat_insp.id))
        self.assertIn("Choose the perangkat daerah and the topic", resp.text)
        self.assertFalse(self._my_tickets(self.konsulti))

    def test_list_shows_only_own_consultations(self):
        mine = self.consult(self.konsulti.partner_id, name="Pertanyaan saya")
        self.authenticate("konsulti", "konsulti")
        page = self.url_open("/my/tickets").text
        self.assertIn("Pertanyaan saya", page)
        self.assertIn(mine.user_id.name, page)
        self.assertNotIn("Rahasia orang lain", page)

    # forbidden URLs -------------------------------------------------------
    def test_other_konsulti_consultation_redirects(self):
        self.authenticate("konsulti", "konsulti")
        resp = self.url_open(f"/my/ticket/{self.t_other.id}", allow_redirects=False)
        self.assertIn(resp.status_code, (302, 303))
        self.assertNotIn("Rahasia orang lain", resp.text)
        self.assertEqual(resp.headers["Location"].split("?")[0].rstrip("/")[-3:], "/my")

    def test_cannot_close_or_resubmit_other_consultation(self):
        self.answer(self.t_other, self.t_other.user_id)
        self.authenticate("konsulti", "konsulti")
        resp = self._post("/ticket/close", {"ticket_id": str(self.t_other.id)})
        self.assertIn(resp.status_code, (302, 303))
        resp = self._post(f"/my/ticket/{self.t_other.id}/resubmit", {"reason": "Saya tidak puas"})
        self.assertIn(resp.status_code, (302, 303))
        self.t_other.invalidate_recordset()
        self.assertEqual(self.t_other.ekonsultasi_state, "answered")
        self.assertEqual(self.t_other.round_number, 1)

    def test_close_needs_post_and_csrf(self):
        self.answer(self.t_other, self.t_other.user_id)
        self.authenticate("konsulti2", "konsulti2")
        resp = self.url_open(f"/ticket/close?ticket_id={self.t_other.id}", allow_redirects=False)
        self.assertNotEqual(resp.status_code, 303)
        resp = self.url_open(
            "/ticket/close", data={"ticket_id": str(self.t_other.id)}, allow_redirects=False
        )
        self.assertEqual(resp.status_code, 400)
        self.t_other.invalidate_recordset()
        self.assertEqual(self.t_other.ekonsultasi_state, "answered")

    def test_anonymous_is_sent_to_login(self):
        resp = self.url_open(f"/my/ticket/{self.t_other.id}", allow_redirects=False)
        self.assertIn(resp.status_code, (302, 303))
        self.assertNotIn("Rahasia orang lain", resp.text)
        resp = self.url_open("/new/ticket", allow_redirects=False)
        self.assertIn("/web/login", resp.headers.get("Location", ""))

    # answer, re-submit, close ---------------------------------------------
    def test_full_flow_answer_resubmit_close(self):
        self.authenticate("konsulti", "konsulti")
        self.submit_consultation()
        ticket = self._my_tickets(self.konsulti)
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertNotIn('id="ekonsultasi_resubmit"', page)
        self.assertNotIn('name="close_consultation"', page)

        self.answer(ticket, ticket.user_id, body="Batas waktu tindak lanjut 60 hari.")
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        # the round says it is answered; the answer is in the chat (once)
        self.assertIn('class="mb-0 o_ekonsultasi_answered"', page)
        self.assertIn('id="ekonsultasi_resubmit"', page)
        self.assertIn('name="close_consultation"', page)

        # re-submission needs a reason
        resp = self._post(f"/my/ticket/{ticket.id}/resubmit", {"reason": " "})
        self.assertIn("error=", resp.headers["Location"])
        error_page = self.url_open(resp.headers["Location"]).text
        self.assertIn("explain why", error_page)
        self.assertEqual(ticket.round_number, 1)

        resp = self._post(
            f"/my/ticket/{ticket.id}/resubmit",
            {"reason": "Mohon dasar hukum batas 60 hari tersebut."},
        )
        self.assertEqual(resp.status_code, 303)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.round_number, 2)
        self.assertEqual(ticket.ekonsultasi_state, "resubmitted")
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertIn("Mohon dasar hukum batas 60 hari tersebut.", page)
        self.assertIn("o_ekonsultasi_answered", page)  # history stays

        self.answer(ticket, ticket.user_id, body="Dasarnya Pasal 20 UU 15/2004.")
        resp = self._post("/ticket/close", {"ticket_id": str(ticket.id)})
        self.assertEqual(resp.status_code, 303)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.ekonsultasi_state, "done")
        self.assertEqual(len(ticket.round_ids.filtered("answer_date")), 2)

    def test_konsulti_reply_in_chatter_is_not_an_answer(self):
        ticket = self.consult(self.konsulti.partner_id)
        self.authenticate("konsulti", "konsulti")
        resp = self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket.id,
                "post_data": {
                    "body": "Tambahan: lampiran LHP menyusul.",
                    "message_type": "comment",
                },
            },
        )
        self.assertTrue(resp)
        ticket.invalidate_recordset()
        self.assertIn(
            "lampiran LHP menyusul",
            " ".join(ticket.message_ids.mapped(lambda m: m.body or "")),
        )
        self.assertFalse(ticket.answer_date)
        self.assertEqual(ticket.ekonsultasi_state, "new")


def _strip(html):
    return re.sub(r"\s+", " ", html)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestPortalIndonesian(EkonsultasiDataMixin, HttpCase):
    """A konsulti whose language is Bahasa Indonesia reads the portal in it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"]._load_module_terms(
            ["helpdesk_mgmt", "ekonsultasi_addon"], ["id_ID"], overwrite=True
        )
        cls.setup_ekonsultasi_data()
        cls.konsulti.lang = "id_ID"

    def test_form_and_errors_in_indonesian(self):
        self.authenticate("konsulti", "konsulti")
        page = self.url_open("/new/ticket").text
        self.assertIn("Konsultasi Baru", page)
        self.assertIn("Kirim konsultasi", page)
        self.assertNotIn("Send consultation", page)
        resp = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "perangkat_daerah": str(self.agency_insp.id),
                "category": str(self.topic_tlhp.id),
                "subject": "",
                "description": "Uraian",
            },
            allow_redirects=False,
        )
        self.assertNotIn("Write a short title", resp.text)
        po_title = "Tuliskan judul singkat permasalahan Anda."
        self.assertIn(po_title, resp.text)

    def test_list_and_page_in_indonesian(self):
        ticket = self.consult(self.konsulti.partner_id)
        self.authenticate("konsulti", "konsulti")
        page = self.url_open("/my/tickets").text
        self.assertIn("Terbaru", page)  # relabelled sort option
        self.assertIn("Konsultan", page)
        page = self.url_open(f"/my/ticket/{ticket.id}").text
        self.assertIn("Putaran", page)
        self.assertIn("Baru", page)  # stage name
        # "Batas waktu jawaban: Jumat, 27 Maret 2026 16.30 WIB"
        self.assertRegex(
            page,
            r"Batas waktu jawaban:</strong>\s*<span>(Senin|Selasa|Rabu|Kamis|Jumat), "
            r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|"
            r"Oktober|November|Desember) \d{4} \d\d\.\d\d WIB</span>",
        )


@tagged("post_install", "-at_install", "ekonsultasi")
class TestPortalForm(EkonsultasiDataMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ekonsultasi_data()

    def test_every_field_of_the_form_is_there(self):
        self.authenticate("konsulti", "konsulti")
        page = self.url_open("/new/ticket").text
        for name in ("perangkat_daerah", "category", "subject", "description", "attachment"):
            self.assertRegex(page, rf'name="{name}"', name)
        self.assertIn("<textarea", page)

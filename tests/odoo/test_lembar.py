"""The Lembar Konsultasi (issue 11, Build item 3): the official record of one
consultation as PDF, read back with pdftotext; its QR code's link; the
public verification page; who may print it, through every door.

A consultation of three rounds in March 2026 (WIB): round 1 sent Tuesday 3
March 10.00 and answered Wednesday 09.00; round 2 sent Monday 9 March 14.00
and answered Tuesday 11.00; round 3 sent Wednesday 11 March 09.00 and
answered Friday 27 March 10.00, after its limit (late)."""

import base64
import io
import re
import shutil
import subprocess
import tempfile

from ekonsultasi_common import EkonsultasiDataMixin, pdf_text, wib
from freezegun import freeze_time
from lxml import html
from markupsafe import Markup
from PIL import Image

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.ekonsultasi_addon.models.ekonsultasi_lembar import content_fingerprint
from odoo.addons.ekonsultasi_addon.report.ekonsultasi_lembar_report import format_moment

REPORT = "ekonsultasi_addon.action_report_lembar_konsultasi"
REPORT_NAME = "ekonsultasi_addon.report_lembar_konsultasi"

LONG_ANSWER = "".join(
    f"<p>Paragraf {i}: penyetoran kerugian dicatat sebagai penerimaan pembiayaan "
    "nagari, dengan bukti setor ke rekening kas nagari dan surat pernyataan "
    "kesanggupan yang diketahui Wali Nagari, sesuai rekomendasi laporan hasil "
    "pemeriksaan Inspektorat.</p>"
    for i in range(1, 31)
)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestLembarKonsultasi(EkonsultasiDataMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ekonsultasi_data()
        cls.setup_working_calendar()
        cls.company.write(
            {
                "name": "Pemerintah Kabupaten Sijunjung",
                "street": "Jalan Prof. M. Yamin, S.H. No. 17",
                "city": "Muaro Sijunjung",
            }
        )
        partner = cls.konsulti.partner_id
        cls.ticket = cls.consult_at(
            wib(2026, 3, 3, 10, 0), partner, name="Penyetoran kerugian temuan pemeriksaan"
        )
        cls.konsultan = cls.ticket.user_id
        cls.konsultan.partner_id.nip = "197501012000031001"
        cls.answer_at_with(cls.ticket, wib(2026, 3, 4, 9, 0), "<p>Jawaban putaran pertama.</p>")
        with freeze_time(wib(2026, 3, 9, 14, 0)):
            cls.ticket.sudo().action_resubmit("Mohon dasar hukumnya.")
            cls.env.flush_all()
        cls.answer_at_with(cls.ticket, wib(2026, 3, 10, 11, 0), "<p>Jawaban putaran kedua.</p>")
        with freeze_time(wib(2026, 3, 11, 9, 0)):
            cls.ticket.sudo().action_resubmit("Siapa yang wajib menyetor?")
            cls.env.flush_all()
        cls.answer_at_with(
            cls.ticket, wib(2026, 3, 27, 10, 0), f"<p>Jawaban putaran ketiga.</p>{LONG_ANSWER}"
        )
        # a consultation of the village konsulti, to the BKAD team
        cls.ticket_nagari = cls.consult_at(
            wib(2026, 3, 5, 8, 0), cls.konsulti_nagari.partner_id, cls.topic_aset
        )

    @classmethod
    def answer_at_with(cls, ticket, when, body):
        with freeze_time(when):
            cls.answer(ticket, ticket.user_id, body=Markup(body))
            cls.env.flush_all()

    def setUp(self):
        super().setUp()
        for tool in ("wkhtmltopdf", "pdftotext"):
            if not shutil.which(tool):
                self.skipTest(f"{tool} is not installed")
        self.Lembar = self.env["ekonsultasi.lembar"].sudo()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def render_pdf(self, ticket, user):
        reports = self.env["ir.actions.report"].with_user(user)
        pdf, report_type = reports.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, ticket.ids
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    pdf_text = staticmethod(pdf_text)

    @staticmethod
    def pdf_pages(pdf):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            info = subprocess.run(
                ["pdfinfo", file.name], capture_output=True, text=True, check=True
            ).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))

    @staticmethod
    def is_sheet(resp):
        """A response that carries the sheet: the PDF, or in a test run the
        HTML Odoo renders instead (ir.actions.report without the context
        key force_report_rendering, which an HTTP route cannot pass)."""
        return resp.content.startswith(b"%PDF") or b"LEMBAR KONSULTASI" in resp.content

    def sheet_of(self, ticket):
        return self.Lembar.search([("ticket_id", "=", ticket.id)], limit=1)

    # ------------------------------------------------------------------
    # The PDF
    # ------------------------------------------------------------------
    def test_pdf_prints_the_consultation_and_its_rounds(self):
        pdf = self.render_pdf(self.ticket, self.inspektur)
        text = self.pdf_text(pdf)
        sheet = self.sheet_of(self.ticket)
        self.assertTrue(sheet)
        self.assertRegex(sheet.name, r"^LK/\d{4}/\d{5}$")
        # letterhead, title, number and date of the sheet
        self.assertEqual(text.count("PEMERINTAH KABUPATEN SIJUNJUNG"), 1)
        self.assertIn("Jalan Prof. M. Yamin, S.H. No. 17, Muaro Sijunjung", text)
        self.assertIn("LEMBAR KONSULTASI", text)
        self.assertIn(f"Number: {sheet.name}", text)
        self.assertRegex(text, r"Issued on \d{1,2} \w+ \d{4} \d\d\.\d\d WIB")
        # the consultation, the konsulti, topic and team
        self.assertIn(f"Consultation number : {self.ticket.number}", text)
        self.assertIn("Penyetoran kerugian temuan pemeriksaan", text)
        self.assertIn("Sent on : 3 Maret 2026 10.00 WIB", text)
        self.assertIn("Name : Siti Rahmah, S.Pd.", text)
        self.assertIn("NIP / NIK : NIP. 19900220 201503 2 001", text)
        self.assertIn("Agency or nagari : Badan Keuangan dan Aset Daerah", text)
        self.assertIn("Perangkat daerah : Inspektorat Daerah", text)
        self.assertIn("Topic : Inspektorat / Tindak lanjut hasil pemeriksaan", text)
        self.assertIn("Konsultan team : Tim Konsultan Inspektorat", text)
        self.assertIn("Mohon penjelasan.", text)
        # every round, in order, with its answer, konsultan, NIP, times and
        # outcome (lib/outcome.py: round 3 answered after its limit)
        rounds = [text.index(f"Round {n} ") for n in (1, 2, 3)]
        self.assertEqual(rounds, sorted(rounds))
        round_1 = text[rounds[0] : rounds[1]]
        round_2 = text[rounds[1] : rounds[2]]
        round_3 = text[rounds[2] :]
        self.assertIn("Submitted on : 3 Maret 2026 10.00 WIB", round_1)
        self.assertIn("Answered on : 4 Maret 2026 09.00 WIB", round_1)
        self.assertIn(f"Konsultan : {self.konsultan.name}", round_1)
        self.assertIn("Konsultan's NIP : NIP. 19750101 200003 1 001", round_1)
        self.assertIn("Outcome : Answered within the limit", round_1)
        self.assertIn("Jawaban putaran pertama.", round_1)
        self.assertIn("Reason for re-submission Mohon dasar hukumnya.", round_2)
        self.assertIn("Answered on : 10 Maret 2026 11.00 WIB", round_2)
        self.assertIn("Outcome : Answered within the limit", round_2)
        self.assertIn("Jawaban putaran kedua.", round_2)
        self.assertIn("Siapa yang wajib menyetor?", round_3)
        self.assertIn("Answered on : 27 Maret 2026 10.00 WIB", round_3)
        self.assertIn("Outcome : Answered late", round_3)
        self.assertIn("Paragraf 30:", round_3)
        # the long answer runs over pages; the verification block ends it
        self.assertGreaterEqual(self.pdf_pages(pdf), 2)
        self.assertIn(sheet.fingerprint, text.replace(" ", ""))
        self.assertIn("/ekonsultasi/verifikasi/", text)
        # the verification block names the sheet again (it may stand alone)
        self.assertIn(f"Lembar Konsultasi {sheet.name} ({self.ticket.number}) This sheet", text)

    def test_village_konsulti_with_nik(self):
        text = self.pdf_text(self.render_pdf(self.ticket_nagari, self.inspektur))
        self.assertIn("NIP / NIK : NIK 1303012505850001", text)
        self.assertIn("Agency or nagari : Kamang, Kecamatan Kamang Baru", text)
        self.assertIn("Not answered yet.", text)

    def test_same_content_same_sheet_new_content_new_sheet(self):
        self.render_pdf(self.ticket, self.inspektur)
        self.render_pdf(self.ticket, self.konsulti)
        sheets = self.Lembar.search([("ticket_id", "=", self.ticket.id)])
        self.assertEqual(len(sheets), 1, "the konsulti and the Inspektur print the same sheet")
        self.ticket.sudo().action_resubmit("Masih belum jelas.")
        self.render_pdf(self.ticket, self.konsulti)
        sheets = self.Lembar.search([("ticket_id", "=", self.ticket.id)])
        self.assertEqual(len(sheets), 2)
        self.assertNotEqual(sheets[0].name, sheets[1].name)
        self.assertNotEqual(sheets[0].fingerprint, sheets[1].fingerprint)

    def test_fingerprint_is_sha256_of_the_printed_content(self):
        self.render_pdf(self.ticket, self.inspektur)
        sheet = self.sheet_of(self.ticket)
        report = self.env["report.ekonsultasi_addon.report_lembar_konsultasi"]
        content = report._ekonsultasi_content(self.ticket)
        self.assertRegex(sheet.fingerprint, r"^[0-9a-f]{64}$")
        self.assertEqual(sheet.fingerprint, content_fingerprint(content))
        content["rounds"][0]["answer"] = "<p>Jawaban lain.</p>"
        self.assertNotEqual(sheet.fingerprint, content_fingerprint(content))

    # ------------------------------------------------------------------
    # The QR code
    # ------------------------------------------------------------------
    def test_qr_code_encodes_the_verification_link(self):
        reports = self.env["ir.actions.report"].with_user(self.inspektur)
        page, _type = reports._render_qweb_html(REPORT, self.ticket.ids)
        sheet = self.sheet_of(self.ticket)
        token = sheet.token
        url = f"{self.ticket.get_base_url()}/ekonsultasi/verifikasi/{token}"
        qr = html.fromstring(page).xpath("//td[hasclass('ek-qr')]/img")[0]
        self.assertEqual(qr.get("data-url"), url)
        self.assertTrue(qr.get("src").startswith("data:image/png;base64,"))
        printed = base64.b64decode(qr.get("src").split(",", 1)[1])
        with Image.open(io.BytesIO(printed)) as image:
            self.assertEqual(image.size, (300, 300))
        if shutil.which("zbarimg"):  # decode it where the tool exists
            with tempfile.NamedTemporaryFile(suffix=".png") as file:
                file.write(printed)
                file.flush()
                decoded = subprocess.run(
                    ["zbarimg", "--raw", "-q", file.name],
                    capture_output=True,
                    text=True,
                    check=False,
                ).stdout.strip()
            self.assertEqual(decoded, url)
        # not guessable: 256 random bits, nothing of the ids
        self.assertGreaterEqual(len(token), 43)
        self.render_pdf(self.ticket_nagari, self.inspektur)
        other = self.sheet_of(self.ticket_nagari).token
        self.assertNotEqual(token, other)
        self.assertFalse(token.isdigit())

    # ------------------------------------------------------------------
    # The public verification page
    # ------------------------------------------------------------------
    def test_verification_of_a_valid_sheet(self):
        self.render_pdf(self.ticket, self.konsulti)
        sheet = self.sheet_of(self.ticket)
        resp = self.url_open(f"/ekonsultasi/verifikasi/{sheet.token}")  # no login
        self.assertEqual(resp.status_code, 200)
        page = resp.text
        self.assertIn('data-state="valid"', page)
        self.assertIn(sheet.name, page)
        self.assertIn(sheet.fingerprint, page)
        date = self.env["report.ekonsultasi_addon.report_lembar_konsultasi"]._ekonsultasi_moment(
            sheet.issue_date, self.ticket
        )
        self.assertIn(date, page)
        # nothing of the content
        for secret in (
            self.ticket.name,
            self.ticket.number,
            "Siti Rahmah",
            "199002202015032001",
            "Jawaban putaran",
            "Mohon dasar hukumnya",
        ):
            self.assertNotIn(secret, page)

    def test_verification_of_an_unknown_or_altered_token(self):
        self.render_pdf(self.ticket, self.konsulti)
        token = self.sheet_of(self.ticket).token
        altered = token[:-1] + ("A" if token[-1] != "A" else "B")
        for bad in (altered, "LK-2026-00001", "1"):
            resp = self.url_open(f"/ekonsultasi/verifikasi/{bad}")
            self.assertEqual(resp.status_code, 404, bad)
            self.assertIn('data-state="unknown"', resp.text)
            self.assertNotIn(self.sheet_of(self.ticket).name, resp.text)

    def test_verification_of_a_sheet_whose_consultation_changed(self):
        self.render_pdf(self.ticket, self.konsulti)
        sheet = self.sheet_of(self.ticket)
        # the record changes after printing: an answer edited in the database
        answer = self.ticket.round_ids.sorted("number")[0].answer_message_id
        answer.sudo().write({"body": "<p>Jawaban yang diubah.</p>"})
        resp = self.url_open(f"/ekonsultasi/verifikasi/{sheet.token}")
        self.assertEqual(resp.status_code, 200)
        self.assertIn('data-state="changed"', resp.text)
        self.assertIn(sheet.fingerprint, resp.text)

    # ------------------------------------------------------------------
    # Who may print it
    # ------------------------------------------------------------------
    def test_konsulti_downloads_his_own_from_the_portal(self):
        self.authenticate("konsulti", "konsulti")
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertIn(f"/my/ticket/{self.ticket.id}/lembar", page.text)
        resp = self.url_open(f"/my/ticket/{self.ticket.id}/lembar")
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(resp.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", resp.headers.get("Content-Disposition", ""))
        self.assertTrue(self.is_sheet(resp))
        self.assertIn(self.ticket.number, resp.content.decode())
        self.assertTrue(self.sheet_of(self.ticket))

    def test_portal_refuses_others(self):
        for login in ("konsulti2", "nagari", None):
            if login:
                self.authenticate(login, login)
            else:
                self.authenticate(None, None)
            resp = self.url_open(f"/my/ticket/{self.ticket.id}/lembar", allow_redirects=False)
            self.assertIn(resp.status_code, (302, 303), login)
            self.assertNotEqual(resp.headers.get("Content-Type"), "application/pdf")
        self.assertFalse(self.sheet_of(self.ticket))

    def test_report_route_refuses_others(self):
        url = f"/report/pdf/{REPORT_NAME}/{self.ticket.id}"
        self.authenticate(None, None)
        resp = self.url_open(url, allow_redirects=False)
        self.assertIn(resp.status_code, (302, 303))
        self.assertIn("/web/login", resp.headers.get("Location", ""))
        for login in ("konsulti2", "nagari", "konsultanbkad"):
            self.authenticate(login, login)
            with self.assertLogs("odoo.http", "WARNING"):
                resp = self.url_open(url)
            self.assertNotEqual(resp.headers.get("Content-Type"), "application/pdf", login)
            self.assertFalse(self.is_sheet(resp), login)
        self.assertFalse(self.sheet_of(self.ticket))
        for user in (self.konsulti_other, self.konsultan_bkad):
            with self.assertRaises(AccessError):
                self.render_pdf(self.ticket, user)
        self.assertFalse(self.sheet_of(self.ticket))

    def test_report_route_serves_those_who_may_read(self):
        url = f"/report/pdf/{REPORT_NAME}/{self.ticket.id}"
        for login in ("konsulti", "konsultan1", "inspektur"):
            self.authenticate(login, login)
            resp = self.url_open(url)
            self.assertEqual(resp.status_code, 200, login)
            self.assertTrue(self.is_sheet(resp), login)

    def test_print_menu_for_konsultan_and_inspektur(self):
        action = self.env.ref(REPORT)
        self.assertEqual(action.binding_model_id.model, "helpdesk.ticket")
        self.assertEqual(action.paperformat_id.format, "A4")
        for user in (self.konsultan_1, self.inspektur):
            bindings = (
                self.env["ir.actions.actions"].with_user(user)._get_bindings("helpdesk.ticket")
            )
            self.assertIn(action.id, [a["id"] for a in bindings.get("report", [])], user.login)

    def test_issued_sheets_through_rpc(self):
        """The record of issued sheets: no konsulti nor konsultan reads it;
        the Inspektorat reads it without the tokens (system only)."""
        self.render_pdf(self.ticket, self.inspektur)
        sheet = self.sheet_of(self.ticket)
        for user in (self.konsulti, self.konsultan_1):
            with self.assertRaises(AccessError):
                self.env["ekonsultasi.lembar"].with_user(user).search_read([], ["name"])
        rows = self.env["ekonsultasi.lembar"].with_user(self.inspektur).search_read([], ["name"])
        self.assertEqual([row["name"] for row in rows], [sheet.name])
        with self.assertRaises(AccessError):
            self.env["ekonsultasi.lembar"].with_user(self.inspektur).browse(sheet.id).read(
                ["token"]
            )
        with self.assertRaises(AccessError):
            self.env["ekonsultasi.lembar"].with_user(self.inspektur).create(
                {
                    "name": "LK/palsu",
                    "ticket_id": self.ticket.id,
                    "issue_date": "2026-03-01 00:00:00",
                    "fingerprint": "0" * 64,
                }
            )

    def test_times_in_the_zone_of_the_calendar(self):
        """A pemda in WITA or WIT prints its times in its zone, so labelled."""
        utc = wib(2026, 3, 4, 9, 0)  # 02.00 UTC
        self.assertEqual(format_moment(utc, "Asia/Jakarta"), "4 Maret 2026 09.00 WIB")
        self.assertEqual(format_moment(utc, "Asia/Makassar"), "4 Maret 2026 10.00 WITA")
        self.assertEqual(format_moment(utc, "Asia/Jayapura"), "4 Maret 2026 11.00 WIT")
        self.calendar.tz = "Asia/Makassar"
        text = self.pdf_text(self.render_pdf(self.ticket, self.inspektur))
        self.assertIn("Answered on : 4 Maret 2026 10.00 WITA", text)
        self.assertNotIn(" WIB", text)

"""The printable recap "Rekapitulasi Pelaksanaan Sistem E-Konsultasi"
(Pasal 14 ayat (3) huruf d, Pasal 15): rendered by wkhtmltopdf as the
Inspektorat prints it, read back with pdftotext.

March 2026 holds the days off of Nyepi and Idul Fitri (18-24 March): the
consultation sent on 17 March is due on 27 March and answered late on 30
March, 3.97 working days after it was sent."""

import datetime as dt
import re
import shutil

from ekonsultasi_common import EkonsultasiDataMixin, pdf_text
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.ekonsultasi_addon.lib import recap as rc
from odoo.addons.ekonsultasi_addon.report import ekonsultasi_recap_report as report

D = dt.datetime
REPORT = "ekonsultasi_addon.action_report_ekonsultasi_recap"


def wib(*args):
    """A WIB wall-clock time as the naive UTC datetime Odoo stores."""
    return D(*args) - dt.timedelta(hours=7)


# HttpCase: wkhtmltopdf fetches the report's assets from the test server
@tagged("post_install", "-at_install", "ekonsultasi")
class TestRecapPdf(EkonsultasiDataMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ekonsultasi_data()
        calendar = cls.env.ref("ekonsultasi_addon.resource_calendar_hari_kerja_asn")
        for year in (2026, 2027):  # whatever year the database was made
            calendar.action_import_holidays(year)
        cls.company.write(
            {
                "name": "Pemerintah Kabupaten Sijunjung",
                "street": "Jalan Prof. M. Yamin, S.H. No. 17",
                "city": "Muaro Sijunjung",
                "phone": "(0754) 20012",
            }
        )
        ketua = cls.env["res.partner"].create(
            {
                "name": "Hendra Gunawan, S.H., M.H.",
                "nip": "196808171994031005",
                "jabatan_name": "Inspektur",
            }
        )
        cls.tim = cls.env["ekonsultasi.tim.pengelola"].create(
            {
                "decree_number": "188.45/12/KPTS-BPT-2026",
                "decree_date": dt.date(2026, 1, 2),
                "date_start": dt.date(2026, 1, 2),
                "member_ids": [
                    Command.create(
                        {"role": "ketua", "partner_id": ketua.id, "jabatan": "Inspektur Daerah"}
                    )
                ],
            }
        )
        agency, nagari = cls.konsulti.partner_id, cls.konsulti_nagari.partner_id
        # answered the next morning, due Friday 6 March: on time
        cls.t_on_time = cls.consult_at(wib(2026, 3, 3, 10, 0), agency, name="Tepat waktu")
        cls.answer_at(cls.t_on_time, wib(2026, 3, 4, 9, 0))
        # due Friday 27 March (Nyepi, Idul Fitri), answered Monday 30: late
        cls.t_late = cls.consult_at(wib(2026, 3, 17, 9, 15), agency, name="Dijawab terlambat")
        cls.answer_at(cls.t_late, wib(2026, 3, 30, 9, 0))
        # due Friday 13 March, never answered: late and still open
        cls.t_unanswered = cls.consult_at(
            wib(2026, 3, 10, 8, 0), agency, cls.topic_aset, name="Belum dijawab"
        )
        # answered, submitted again (Pasal 13), answered within the new limit
        cls.t_resubmitted = cls.consult_at(wib(2026, 3, 3, 10, 0), agency, name="Diajukan kembali")
        cls.answer_at(cls.t_resubmitted, wib(2026, 3, 4, 9, 0))
        with freeze_time(wib(2026, 3, 9, 14, 0)):
            cls.t_resubmitted.sudo().action_resubmit("Mohon dasar hukumnya.")
            cls.env.flush_all()
        cls.answer_at(cls.t_resubmitted, wib(2026, 3, 10, 11, 0))
        # from a nagari, due Thursday 2 April: open at the end of March
        cls.t_nagari = cls.consult_at(
            wib(2026, 3, 30, 10, 0), nagari, cls.topic_aset, name="Dari nagari"
        )

    def setUp(self):
        super().setUp()
        for tool in ("wkhtmltopdf", "pdftotext"):
            if not shutil.which(tool):
                self.skipTest(f"{tool} is not installed")

    def wizard(self, user=None, **values):
        values = {"period_type": "month", "year": 2026, "month": "3", **values}
        return self.env["ekonsultasi.recap.wizard"].with_user(user or self.inspektur).create(values)

    def render_text(self, wizard):
        """The PDF of ``wizard`` as its user prints it, as text in the order
        of the document, every run of whitespace (line and page breaks
        included) made one space.

        Where a cell's text wraps depends on the fonts of the machine (Arial,
        Liberation Sans or the wider DejaVu Sans), so no assertion may depend
        on it. ``pdftotext -layout`` would print a wrapped cell's last words
        on the next line, after the other cells of its row; ``-raw`` keeps
        the order in which wkhtmltopdf drew the text, that of the HTML: a
        cell's words, then the next cell's. ``self.print_days``: the days
        (Asia/Jakarta) the printing began and ended, the date of the
        signature being one of them."""
        reports = self.env["ir.actions.report"].with_user(wizard.env.user)
        started = self.jakarta_today()
        pdf, report_type = reports.with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, wizard.ids
        )
        self.print_days = sorted({started, self.jakarta_today()})
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf_text(pdf)

    def assertSummary(self, text, labels, values):
        """Each row of the summary table: number, label and value, with
        nothing between them."""
        for index, name in enumerate(rc.FIGURES, start=1):
            row = f"{index} {labels[name]} {values[name]}"
            self.assertRegex(text, rf"(?:^| ){re.escape(row)}(?: |$)", f"summary line {name}")

    @staticmethod
    def jakarta_today():
        return rc.utc_to_local(fields.Datetime.now(), "Asia/Jakarta").date()

    def assertSignedOnThePrintingDay(self, text):
        """Dated the day of printing in the pemda: the day it began, or the
        next one when it ran over midnight WIB."""
        lines = [f"Muaro Sijunjung, {rc.format_date(day)}" for day in self.print_days]
        self.assertTrue(any(line in text for line in lines), f"none of {lines} in {text!r}")

    # ------------------------------------------------------------------
    def test_recap_of_march(self):
        wizard = self.wizard()
        labels = wizard._ekonsultasi_recap_labels()
        text = self.render_text(wizard)
        # letterhead, title, period
        self.assertEqual(text.count("PEMERINTAH KABUPATEN SIJUNJUNG"), 1)
        self.assertNotIn("PEMERINTAH PEMERINTAH", text)
        self.assertIn("Jalan Prof. M. Yamin, S.H. No. 17, Muaro Sijunjung", text)
        self.assertIn("(0754) 20012", text)
        self.assertIn("Rekapitulasi Pelaksanaan Sistem E-Konsultasi", text)
        self.assertIn(f"{labels['period']}: Maret 2026", text)
        # 6 rounds: 5 consultations and a re-submission; 4 answered, 3 of
        # them within the limit; 2 late (one answered, one not); 2 open
        self.assertSummary(
            text,
            labels,
            {
                "received": "6",
                "first_rounds": "5",
                "resubmissions": "1",
                "resubmission_rate": "16,7 %",
                "answered": "4",
                "answer_rate": "66,7 %",
                "unanswered": "2",
                "on_time": "3",
                "on_time_rate": "60,0 %",
                "late": "2",
                "late_rate": "40,0 %",
                "late_answered": "1",
                "late_unanswered": "1",
                "open_at_end": "2",
                "closed_konsulti": "0",
                "closed_auto": "0",
                # 0.87 (twice), 0.73 and 3.97 working days
                "average_days": "1,61",
                "median_days": "0,87",
            },
        )
        # breakdowns: the agencies, the nagari and its kecamatan
        self.assertIn("Inspektorat Daerah", text)
        self.assertIn("Badan Keuangan dan Aset Daerah", text)
        self.assertIn("Kamang Baru", text)
        self.assertRegex(text, r"Maret 2026 6 4 3 60,0 % 2 2 1,61 1(?: |$)")
        # the late list, by limit: the unanswered one, then the late answer
        late_list = text[text.index(labels["sheet_late"]) :]
        self.assertLess(
            late_list.index(self.t_unanswered.number), late_list.index(self.t_late.number)
        )
        self.assertIn("13/03/2026", late_list)  # limit of the unanswered one
        self.assertIn("27/03/2026", late_list)  # limit of the late answer
        self.assertIn("30/03/2026", late_list)  # its answer
        self.assertIn(labels["status_unanswered"], late_list)
        self.assertIn(labels["status_answered_late"], late_list)
        for ticket in self.t_on_time | self.t_resubmitted | self.t_nagari:
            self.assertNotIn(ticket.number, text)
        # signed by the ketua of the tim pengelola
        self.assertSignedOnThePrintingDay(text)
        self.assertIn("Ketua Tim Pengelola Sistem E-Konsultasi,", text)
        self.assertIn("Inspektur Daerah", text)
        self.assertIn("Hendra Gunawan, S.H., M.H.", text)
        self.assertIn("NIP. 19680817 199403 1 005", text)

    def test_empty_period_without_signatory(self):
        self.tim.active = False
        wizard = self.wizard(month="1")
        labels = wizard._ekonsultasi_recap_labels()
        text = self.render_text(wizard)
        self.assertIn(f"{labels['period']}: Januari 2026", text)
        counts = dict.fromkeys(rc.FIGURES, "0")
        undefined = dict.fromkeys(rc.RATES | rc.DAYS, "-")
        self.assertSummary(text, labels, {**counts, **undefined})
        # six breakdowns, the late list and the consultations avoided
        # (Pustaka Jawaban) have no row; the trend has January
        self.assertEqual(text.count("No data"), 8)
        self.assertRegex(text, r"Januari 2026 0 0 0 - 0 0 - 0(?: |$)")
        # nobody to sign yet: dotted lines for the name and the NIP
        self.assertIn("Ketua Tim Pengelola Sistem E-Konsultasi,", text)
        self.assertNotIn("Hendra Gunawan", text)
        self.assertRegex(text, r"NIP\. \.{10,}")

    def test_inspektur_signs_without_tim_pengelola(self):
        self.tim.active = False
        self.inspektur.partner_id.write(
            {"nip": "197001011995031002", "jabatan_name": "Inspektur Daerah"}
        )
        self.company.ekonsultasi_inspektur_id = self.inspektur
        text = self.render_text(self.wizard())
        self.assertIn(self.inspektur.name, text)
        self.assertIn("NIP. 19700101 199503 1 002", text)

    def test_konsultan_cannot_print(self):
        wizard = self.wizard()
        with self.assertRaises(AccessError):
            self.render_text(wizard.with_user(self.konsultan_1))

    def test_indonesian_formats(self):
        self.assertEqual(report.format_rate(6 / 7), "85,7 %")
        self.assertEqual(report.format_rate(None), "-")
        self.assertEqual(report.format_days(2.345678), "2,35")
        self.assertEqual(report.format_days(1234.5), "1.234,50")
        self.assertEqual(report.format_count(12345), "12.345")
        self.assertEqual(report.format_nip("196808171994031005"), "19680817 199403 1 005")
        self.assertEqual(report.format_nip("1303012505850001"), "1303012505850001")
        self.assertEqual(
            report.government_name("Pemerintah Kabupaten Sijunjung"),
            "PEMERINTAH KABUPATEN SIJUNJUNG",
        )
        self.assertEqual(report.government_name("Kota Padang"), "PEMERINTAH KOTA PADANG")
        self.assertEqual(
            report.format_datetime(D(2026, 3, 27, 16, 30)),
            "27/03/2026 16.30",
        )

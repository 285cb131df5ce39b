"""The recap report of the tim pengelola / Inspektorat (Pasal 14 ayat (3)
huruf d, Pasal 15) through Odoo: a known dataset of the first quarter of
2026, the figures of the wizard and its dashboard, the XLSX workbook read
back with openpyxl, filters, periods, access rights, multi-company and the
pivot/graph analysis of the consultations.

The dataset (times in WIB, Asia/Jakarta, the zone of the calendar "Hari kerja
ASN": Monday to Thursday 07.30-12.00 and 13.00-16.00, Friday 07.30-11.30 and
13.00-16.30, so 7.5 working hours a day; a consultation received during
office hours counts that day as day 0 and is due at the end of the third
working day after it). Days off of Q1 2026 (imported from the Indonesian
holidays): Thu 1 Jan, Fri 16 Jan, Mon 16 and Tue 17 Feb (Imlek), Wed 18 to
Tue 24 Mar (Nyepi, Idul Fitri and their cuti bersama).

The consultations (konsultan k1 Afrizal and k2 Yusnita of the Inspektorat,
kbkad Hendri of BKAD; konsulti of the agency BKAD, of the nagari Kamang
(kecamatan Kamang Baru) and of the nagari Palaluar (kecamatan Koto VII)):

- J: Mon 15 Dec 2025 10.00, TLHP, k1, agency; answered Tue 16 Dec 10.00.
  Before Q1 and settled before it: left out.
- A: Mon 22 Dec 2025 10.00, TLHP, k1, agency; never answered: the backlog,
  open at the end of each month.
- B: Tue 6 Jan 08.00, the parent category Inspektorat itself, k1, agency;
  answered Wed 7 Jan 08.00, due Fri 9 Jan 16.30: on time.
- G: Thu 8 Jan 10.00, Aset, kbkad, Kamang; closed without an answer on Fri
  9 Jan 10.00, before its limit (Tue 13 Jan 16.00): neither on time nor
  late, not open.
- H round 1: Tue 3 Feb 10.30, TLHP, k1, Kamang; answered Wed 4 Feb 09.00,
  due Fri 6 Feb 16.30: on time.
- H round 2 (Pasal 13): Mon 9 Feb 14.00; answered Tue 10 Feb 13.15, due Thu
  12 Feb 16.00: on time.
- D: Thu 12 Feb 10.00, Aset, kbkad, agency; due Thu 19 Feb 16.00 (Mon 16 and
  Tue 17 Feb are off), answered Fri 20 Feb 10.00: late, answered.
- E: Wed 11 Mar 10.00, Aset, kbkad, Palaluar; due Mon 16 Mar 16.00, never
  answered: late, unanswered, open.
- C: Tue 17 Mar 10.00, TLHP, k2, Kamang; due Fri 27 Mar 16.30 (18 to 24
  March are off), answered Wed 25 Mar 10.00: on time.
- F: Mon 30 Mar 10.00, TLHP, k2, agency; due Thu 2 Apr 16.00, answered Wed
  1 Apr 09.00, after the period: unanswered in Q1, within its limit, open.
- I: Mon 6 Apr 10.00, TLHP, k1, agency; answered Tue 7 Apr: after Q1, left
  out.

Working days (answer_work_days), 7.5 h a day:
B: Tue 08.00-16.00 = 7 h, Wed 07.30-08.00 = 0.5 h: 7.5 h = 1.0.
H/1: Tue 10.30-16.00 = 4.5 h, Wed 07.30-09.00 = 1.5 h: 6 h = 0.8.
H/2: Mon 14.00-16.00 = 2 h, Tue 07.30-13.15 = 4.75 h: 6.75 h = 0.9.
D: Thu 12 Feb 5 h, Fri 13 7.5 h, (Mon 16, Tue 17 off), Wed 18 and Thu 19
   15 h, Fri 20 07.30-10.00 2.5 h: 30 h = 4.0 (counting the two days off
   would make it 6.0).
C: Tue 17 Mar 10.00-16.00 = 5 h, (18-24 Mar off), Wed 25 07.30-10.00 = 2.5 h:
   7.5 h = 1.0, where 8 calendar days passed: counting the five working days
   of the holiday would give 6.0.
F: Mon 30 Mar 5 h, Tue 31 7.5 h, Wed 1 Apr 1.5 h: 14 h = 1.87.

Q1 2026 (rounds received 1 Jan 00.00 WIB to 1 Apr 00.00 WIB; the report is
printed on 15 April, so the cutoff is the end of the period):
received 8 (B, G, H/1, H/2, D, E, C, F: A, I and J are outside), first rounds
7, re-submissions 1 (H/2), answered 5 (B, H/1, H/2, D, C; F was answered
after the cutoff), unanswered 3 (G, E, F), on time 4 (B, H/1, H/2, C), late
2 (D answered late, E unanswered past its limit; G was withdrawn before its
limit, F is still within it), open at the end 3 (E, F and the backlog A),
answer times [0.8, 0.9, 1.0, 1.0, 4.0]: average 7.7 / 5 = 1.54, median 1.0;
answer rate 5/8, within-limit rate 4/(4+2), late rate 2/6, re-submission
rate 1/8.
"""

import datetime as dt
import io
from unittest.mock import patch

import openpyxl
from ekonsultasi_common import KONSULTI, EkonsultasiCase, wib
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.sql_db import Cursor
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.ekonsultasi_addon.lib import recap as rc
from odoo.addons.ekonsultasi_addon.lib import recap_xlsx as rx

D = dt.datetime
XLSX = "ekonsultasi_addon.action_report_ekonsultasi_recap_xlsx"
# the recap's own sheets: summary, six breakdowns, trend, late consultations, the
# satisfaction survey's IKM (tests/odoo/test_skm.py)
RECAP_SHEETS = 10
PDF = "ekonsultasi_addon.action_report_ekonsultasi_recap"
HEADER = rx.HEADER_ROW + 1  # openpyxl counts rows from 1
#: the report is printed after the period
PRINTED = D(2026, 4, 15, 2, 0)  # 09.00 WIB
Q1_TABLES = ("helpdesk_ticket", "helpdesk_ticket_round", "helpdesk_ticket_sla", "mail_message")


def figures(received, first, resub, answered, on_time, late, late_ans, late_unans, open_, days):
    """The expected figure set; ``days`` the answer times of the answered
    rounds, from which the average and the median follow."""
    days = sorted(days)
    middle = len(days) // 2
    if not days:
        median = None
    elif len(days) % 2:
        median = days[middle]
    else:
        median = (days[middle - 1] + days[middle]) / 2
    decided = on_time + late
    return {
        "received": received,
        "first_rounds": first,
        "resubmissions": resub,
        "resubmission_rate": resub / received if received else None,
        "answered": answered,
        "answer_rate": answered / received if received else None,
        "unanswered": received - answered,
        "on_time": on_time,
        "on_time_rate": on_time / decided if decided else None,
        "late": late,
        "late_rate": late / decided if decided else None,
        "late_answered": late_ans,
        "late_unanswered": late_unans,
        "open_at_end": open_,
        "average_days": sum(days) / len(days) if days else None,
        "median_days": median,
    }


# the figures of the dataset, derived in the module docstring
Q1_TOTALS = figures(8, 7, 1, 5, 4, 2, 1, 1, 3, [1.0, 0.8, 0.9, 4.0, 1.0])
INSP = figures(5, 4, 1, 4, 4, 0, 0, 0, 2, [1.0, 0.8, 0.9, 1.0])  # B H/1 H/2 C F (+A)
BKAD = figures(3, 3, 0, 1, 0, 2, 1, 1, 1, [4.0])  # G D E
K1 = figures(3, 2, 1, 3, 3, 0, 0, 0, 1, [1.0, 0.8, 0.9])  # B H/1 H/2 (+A)
K2 = figures(2, 2, 0, 1, 1, 0, 0, 0, 1, [1.0])  # C F
FROM_AGENCY = figures(3, 3, 0, 2, 1, 1, 1, 0, 2, [1.0, 4.0])  # B D F (+A)
FROM_VILLAGES = figures(5, 4, 1, 3, 3, 1, 0, 1, 1, [0.8, 0.9, 1.0])  # G H/1 H/2 E C
KAMANG = figures(4, 3, 1, 3, 3, 0, 0, 0, 0, [0.8, 0.9, 1.0])  # G H/1 H/2 C
PALALUAR = figures(1, 1, 0, 0, 0, 1, 0, 1, 1, [])  # E
TLHP = figures(4, 3, 1, 3, 3, 0, 0, 0, 2, [0.8, 0.9, 1.0])  # H/1 H/2 C F (+A)
PARENT_ONLY = figures(1, 1, 0, 1, 1, 0, 0, 0, 0, [1.0])  # B
# trend: the rounds received each month, as known at its end; open at the
# end = the backlog at the end of the month (A, then A, then A E F)
JANUARY = figures(2, 2, 0, 1, 1, 0, 0, 0, 1, [1.0])  # B G
FEBRUARY = figures(3, 2, 1, 3, 2, 1, 1, 0, 1, [0.8, 0.9, 4.0])  # H/1 H/2 D
MARCH = figures(3, 3, 0, 1, 1, 1, 0, 1, 3, [1.0])  # E C F
EMPTY = figures(0, 0, 0, 0, 0, 0, 0, 0, 0, [])


class RecapCase(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.setup_working_calendar(years=(2026,))
        cls.Wizard = env["ekonsultasi.recap.wizard"]
        cls.village = cls.company.ekonsultasi_village_label or "Village"
        cls.kecamatan_2 = env["ekonsultasi.kecamatan"].create(
            {"name": "Koto VII", "code": "T-13.03.06"}
        )
        cls.desa_2 = env["ekonsultasi.desa"].create(
            {"name": "Palaluar", "code": "T-13.03.06.2001", "kecamatan_id": cls.kecamatan_2.id}
        )
        cls.konsulti_nagari_2 = new_test_user(
            env,
            login="nagari_palaluar",
            name="Yulia Fitri",
            groups=KONSULTI,
            konsulti_origin="desa",
            desa_id=cls.desa_2.id,
        )
        agency = cls.konsulti.partner_id
        kamang = cls.konsulti_nagari.partner_id
        palaluar = cls.konsulti_nagari_2.partner_id
        k1, k2, kbkad = cls.konsultan_1, cls.konsultan_2, cls.konsultan_bkad

        cls.t_j = cls.consult_at(
            wib(2025, 12, 15, 10, 0), agency, cls.topic_tlhp, user_id=k1.id, name="J"
        )
        cls.answer_at(cls.t_j, wib(2025, 12, 16, 10, 0))
        cls.t_a = cls.consult_at(
            wib(2025, 12, 22, 10, 0), agency, cls.topic_tlhp, user_id=k1.id, name="A"
        )
        cls.t_b = cls.consult_at(
            wib(2026, 1, 6, 8, 0), agency, cls.cat_insp, user_id=k1.id, name="B"
        )
        cls.answer_at(cls.t_b, wib(2026, 1, 7, 8, 0))
        cls.t_g = cls.consult_at(
            wib(2026, 1, 8, 10, 0), kamang, cls.topic_aset, user_id=kbkad.id, name="G"
        )
        with freeze_time(wib(2026, 1, 9, 10, 0)):
            cls.t_g.action_close_consultation()
            env.flush_all()
        cls.t_h = cls.consult_at(
            wib(2026, 2, 3, 10, 30), kamang, cls.topic_tlhp, user_id=k1.id, name="H"
        )
        cls.answer_at(cls.t_h, wib(2026, 2, 4, 9, 0))
        with freeze_time(wib(2026, 2, 9, 14, 0)):
            cls.t_h.sudo().action_resubmit("Mohon dasar hukum tindak lanjutnya.")
            env.flush_all()
        cls.answer_at(cls.t_h, wib(2026, 2, 10, 13, 15))
        cls.t_d = cls.consult_at(
            wib(2026, 2, 12, 10, 0), agency, cls.topic_aset, user_id=kbkad.id, name="D"
        )
        cls.answer_at(cls.t_d, wib(2026, 2, 20, 10, 0))
        cls.t_e = cls.consult_at(
            wib(2026, 3, 11, 10, 0), palaluar, cls.topic_aset, user_id=kbkad.id, name="E"
        )
        cls.t_c = cls.consult_at(
            wib(2026, 3, 17, 10, 0), kamang, cls.topic_tlhp, user_id=k2.id, name="C"
        )
        cls.answer_at(cls.t_c, wib(2026, 3, 25, 10, 0))
        cls.t_f = cls.consult_at(
            wib(2026, 3, 30, 10, 0), agency, cls.topic_tlhp, user_id=k2.id, name="F"
        )
        cls.answer_at(cls.t_f, wib(2026, 4, 1, 9, 0))
        cls.t_i = cls.consult_at(
            wib(2026, 4, 6, 10, 0), agency, cls.topic_tlhp, user_id=k1.id, name="I"
        )
        cls.answer_at(cls.t_i, wib(2026, 4, 7, 10, 0))
        # the scheduled action brings the stored states up to 15 April
        with freeze_time(PRINTED):
            env["helpdesk.ticket.sla"]._cron_ekonsultasi_sla()
            env.flush_all()
        cls.q1_tickets = cls.t_a | cls.t_b | cls.t_g | cls.t_h | cls.t_d | cls.t_e
        cls.q1_tickets |= cls.t_c | cls.t_f

    # helpers ------------------------------------------------------------------
    def wizard(self, user=None, **values):
        values = {"period_type": "quarter", "year": 2026, "quarter": "1", **values}
        return self.Wizard.with_user(user or self.inspektur).create(values)

    def recap(self, wizard):
        with freeze_time(PRINTED):
            return wizard._ekonsultasi_recap()

    def assertFigures(self, actual, expected, msg=""):
        """``actual``: a :class:`recap.Figures` or ``{figure: value}``."""
        for name, value in expected.items():
            got = actual[name] if isinstance(actual, dict) else getattr(actual, name)
            if value is None or isinstance(value, int):
                self.assertEqual(got, value, f"{msg} {name}")
            else:
                self.assertAlmostEqual(got, value, places=6, msg=f"{msg} {name}")

    def render_xlsx(self, wizard, user=None):
        with freeze_time(PRINTED):
            data, kind = (
                self.env["ir.actions.report"]
                .with_user(user or self.inspektur)
                ._render(XLSX, wizard.ids)
            )
        self.assertEqual(kind, "xlsx")
        self.assertIsInstance(data, bytes)
        return openpyxl.load_workbook(io.BytesIO(data))

    def read_table(self, sheet, header_row=HEADER):
        """``(headers, rows)``: the rows below the header as dicts."""
        headers = [cell.value for cell in sheet[header_row]]
        rows = [
            dict(zip(headers, values, strict=True))
            for values in sheet.iter_rows(min_row=header_row + 1, values_only=True)
        ]
        return headers, rows

    def assertRowFigures(self, row, expected, labels, msg):
        """A row of a sheet: numbers (not text), rates as fractions."""
        for name, value in expected.items():
            cell = row[labels[name]]
            if value is None:
                self.assertIsNone(cell, f"{msg} {name}")
                continue
            self.assertIsInstance(cell, (int, float), f"{msg} {name}: {cell!r}")
            self.assertAlmostEqual(cell, value, places=6, msg=f"{msg} {name}")


@tagged("post_install", "-at_install", "ekonsultasi")
class TestRecapFigures(RecapCase):
    def test_answer_work_days_skip_holidays_and_weekends(self):
        rounds = {
            "B": self.t_b.current_round_id,
            "H/1": self.t_h.round_ids.filtered(lambda r: r.number == 1),
            "H/2": self.t_h.current_round_id,
            "D": self.t_d.current_round_id,
            "C": self.t_c.current_round_id,
            "F": self.t_f.current_round_id,
        }
        expected = {"B": 1.0, "H/1": 0.8, "H/2": 0.9, "D": 4.0, "C": 1.0, "F": 1.87}
        for name, value in expected.items():
            self.assertAlmostEqual(rounds[name].answer_work_days, value, places=2, msg=name)
        # C: asked Tue 17 March, answered Wed 25 March: eight calendar days,
        # five of them working days were it not for Nyepi and Idul Fitri
        days_off = self.calendar.global_leave_ids.filtered(
            lambda leave: D(2026, 3, 17) <= leave.date_from <= D(2026, 3, 25)
        )
        self.assertEqual(len(days_off), 7, "18 to 24 March are days off")
        self.assertEqual(rounds["C"].answer_date - rounds["C"].start_date, dt.timedelta(days=8))
        # the consultation carries the answer time of its current round
        self.assertEqual(self.t_c.answer_work_days, 1.0)
        self.assertEqual(self.t_h.answer_work_days, 0.9)
        self.assertEqual(self.t_h.resubmission_count, 1)
        self.assertEqual(self.t_c.resubmission_count, 0)
        self.assertFalse(self.t_e.answer_work_days)  # not answered
        # the limits the figures rest on
        self.assertEqual(self.t_d.answer_deadline, wib(2026, 2, 19, 16, 0))
        self.assertEqual(self.t_c.answer_deadline, wib(2026, 3, 27, 16, 30))
        self.assertEqual(self.t_e.answer_deadline, wib(2026, 3, 16, 16, 0))
        self.assertEqual(self.t_f.answer_deadline, wib(2026, 4, 2, 16, 0))
        self.assertEqual(self.t_g.closed_date, wib(2026, 1, 9, 10, 0))

    def test_answer_work_days_without_the_wait_for_the_konsulti(self):
        """Time spent waiting for the konsulti (stage Awaiting, which the
        answer limit ignores) is not answer time, whether the konsultan
        resumes before answering or answers straight from the waiting stage."""
        awaiting = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        progress = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        agency = self.konsulti.partner_id

        def stage_at(ticket, stage, when):
            with freeze_time(when):
                ticket.stage_id = stage
                self.env.flush_all()

        # Tue 5 May 10.00, waits Wed 10.00 to Thu 10.00 (7.5 h), answered
        # Thu 11.30: 5 + 7.5 + 4 = 16.5 h, minus 7.5 h = 9 h = 1.2 days
        resumed = self.consult_at(
            wib(2026, 5, 5, 10, 0), agency, self.topic_tlhp, user_id=self.konsultan_1.id, name="P"
        )
        stage_at(resumed, awaiting, wib(2026, 5, 6, 10, 0))
        stage_at(resumed, progress, wib(2026, 5, 7, 10, 0))
        self.answer_at(resumed, wib(2026, 5, 7, 11, 30))
        self.assertEqual(resumed.sla_line_id.paused_seconds, 7.5 * 3600)
        self.assertAlmostEqual(resumed.answer_work_days, 1.2)
        # the same, answered while still waiting (Wed 10.00 to Thu 11.30:
        # 9 h of waiting): 16.5 - 9 = 7.5 h = 1.0 day
        waiting = self.consult_at(
            wib(2026, 5, 5, 10, 0), agency, self.topic_tlhp, user_id=self.konsultan_1.id, name="Q"
        )
        stage_at(waiting, awaiting, wib(2026, 5, 6, 10, 0))
        self.answer_at(waiting, wib(2026, 5, 7, 11, 30))
        self.assertEqual(waiting.ekonsultasi_state, "answered")
        self.assertAlmostEqual(waiting.answer_work_days, 1.0)
        # the pause ended with the answer; the limit stays where it was
        self.assertEqual(waiting.sla_line_id.paused_seconds, 9 * 3600)
        self.assertEqual(waiting.sla_line_id.state, "accomplished")
        self.assertEqual(waiting.answer_deadline, wib(2026, 5, 8, 16, 30))

    def test_totals_and_dashboard(self):
        wizard = self.wizard()
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
        )
        self.assertEqual(wizard.period_label, "Triwulan I 2026")
        recap = self.recap(wizard)
        self.assertEqual(recap.start, wib(2026, 1, 1, 0, 0))
        self.assertEqual(recap.end, wib(2026, 4, 1, 0, 0))
        self.assertEqual(recap.cutoff, recap.end)
        self.assertEqual(recap.tz, "Asia/Jakarta")
        self.assertFigures(recap.totals, Q1_TOTALS, "totals")
        # the dashboard shows the same figures (rates as fractions, 0 for none)
        with freeze_time(PRINTED):
            wizard.invalidate_recordset()
            self.assertEqual(wizard.received, 8)
            self.assertEqual(wizard.answered, 5)
            self.assertEqual(wizard.on_time, 4)
            self.assertAlmostEqual(wizard.on_time_rate, 4 / 6)
            self.assertEqual(wizard.late, 2)
            self.assertEqual(wizard.open_at_end, 3)
            self.assertEqual(wizard.resubmissions, 1)
            self.assertAlmostEqual(wizard.resubmission_rate, 0.125)
            self.assertAlmostEqual(wizard.average_days, 1.54)
            self.assertAlmostEqual(wizard.median_days, 1.0)

    def test_dashboard_form(self):
        """The dashboard recomputes its figures as the period and the
        filters change, before anything is saved."""
        view = "ekonsultasi_addon.ekonsultasi_recap_wizard_view_form_dashboard"
        Wizard = self.Wizard.with_user(self.inspektur).with_context(default_period_type="quarter")
        with freeze_time(PRINTED):
            form = Form(Wizard, view=view)
            form.year = 2026
            form.quarter = "1"
            self.assertEqual(form.period_label, "Triwulan I 2026")
            self.assertEqual(
                (form.received, form.answered, form.on_time, form.late, form.open_at_end),
                (8, 5, 4, 2, 3),
            )
            self.assertAlmostEqual(form.on_time_rate, 4 / 6)
            self.assertAlmostEqual(form.median_days, 1.0)
            form.perangkat_daerah_ids.add(self.agency_bkad)
            self.assertEqual((form.received, form.late, form.open_at_end), (3, 2, 1))
            form.period_type = "month"
            form.month = "2"
            self.assertEqual(form.period_label, "Februari 2026")
            self.assertEqual((form.received, form.late), (1, 1))  # D
            self.assertAlmostEqual(form.average_days, 4.0)
            wizard = form.save()
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
        )

    def test_breakdowns_trend_and_late_list(self):
        recap = self.recap(self.wizard())

        def rows(name):
            return [(row.key, row.figures) for row in recap.breakdowns[name]]

        pd_rows = rows("perangkat_daerah")
        self.assertEqual(
            [k for k, _f in pd_rows], [(self.agency_insp.name,), (self.agency_bkad.name,)]
        )
        self.assertFigures(pd_rows[0][1], INSP, "Inspektorat")
        self.assertFigures(pd_rows[1][1], BKAD, "BKAD")
        konsultan = rows("konsultan")
        # 3 received each, 1 open each: by name; then Yusnita with 2
        self.assertEqual(
            [k for k, _f in konsultan],
            [(self.konsultan_1.name,), (self.konsultan_bkad.name,), (self.konsultan_2.name,)],
        )
        for (_key, got), expected in zip(konsultan, (K1, BKAD, K2), strict=True):
            self.assertFigures(got, expected, _key[0])
        kinds = rows("origin_kind")
        self.assertEqual([k for k, _f in kinds], [(rc.PERANGKAT_DAERAH,), (rc.DESA,)])
        self.assertFigures(kinds[0][1], FROM_AGENCY, "agency")
        self.assertFigures(kinds[1][1], FROM_VILLAGES, "villages")
        origins = rows("origin")
        self.assertEqual(
            [k for k, _f in origins],
            [
                (rc.DESA, "Kamang Baru", "Kamang"),
                (rc.PERANGKAT_DAERAH, None, self.agency_bkad.name),
                (rc.DESA, "Koto VII", "Palaluar"),
            ],
        )
        for (key, got), expected in zip(origins, (KAMANG, FROM_AGENCY, PALALUAR), strict=True):
            self.assertFigures(got, expected, str(key))
        kecamatan = rows("kecamatan")
        self.assertEqual([k for k, _f in kecamatan], [("Kamang Baru",), ("Koto VII",)])
        self.assertFigures(kecamatan[0][1], KAMANG, "Kamang Baru")
        self.assertFigures(kecamatan[1][1], PALALUAR, "Koto VII")
        categories = rows("category")
        self.assertEqual(
            [k for k, _f in categories],
            [
                (self.topic_tlhp.complete_name,),
                (self.topic_aset.complete_name,),
                (self.cat_insp.complete_name,),
            ],
        )
        for (key, got), expected in zip(categories, (TLHP, BKAD, PARENT_ONLY), strict=True):
            self.assertFigures(got, expected, key[0])
        # trend
        self.assertEqual(
            [row.month for row in recap.trend],
            [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)],
        )
        for row, expected in zip(recap.trend, (JANUARY, FEBRUARY, MARCH), strict=True):
            self.assertFigures(row.figures, expected, row.month.isoformat())
        # late list: by limit
        late = [(row.record.number, row.record.round, row.status) for row in recap.late]
        self.assertEqual(
            late,
            [(self.t_d.number, 1, rc.ANSWERED_LATE), (self.t_e.number, 1, rc.UNANSWERED)],
        )
        self.assertEqual(recap.late[0].record.answer_days, 4.0)
        self.assertIsNone(recap.late[1].record.answer_days)

    def test_xlsx_read_back(self):
        wizard = self.wizard()
        labels = wizard._ekonsultasi_recap_labels()
        book = self.render_xlsx(wizard)
        sheets = book.worksheets
        self.assertEqual(len(sheets), RECAP_SHEETS + 1)  # + the consultations avoided
        self.assertEqual(
            book.sheetnames,
            [
                rx.sheet_name(labels[f"sheet_{name}"])
                for name in ("summary", *rc.BREAKDOWNS, "trend", "late", "ikm")
            ]
            + ["Consultations avoided"],  # Pustaka Jawaban (tests/odoo/test_pustaka.py)
        )
        sheets = sheets[:RECAP_SHEETS]
        # summary: the period, then every figure as a number
        summary = sheets[0]
        self.assertEqual(summary["A1"].value, "Rekapitulasi Pelaksanaan Sistem E-Konsultasi")
        self.assertEqual(
            (summary["A2"].value, summary["B2"].value), (labels["period"], "Triwulan I 2026")
        )
        header = next(row[0].row for row in summary.iter_rows() if row[0].value == labels["item"])
        self.assertEqual(header, 4)  # no filter line
        self.assertEqual(summary.freeze_panes, "A5")
        self.assertEqual(summary.auto_filter.ref, f"A4:B{4 + len(rc.FIGURES)}")
        values = {
            row[0]: row[1]
            for row in summary.iter_rows(min_row=header + 1, max_col=2, values_only=True)
        }
        self.assertEqual(len(values), len(rc.FIGURES))
        self.assertRowFigures(values, Q1_TOTALS, labels, "summary")
        self.assertEqual(values[labels["received"]], 8)
        self.assertAlmostEqual(values[labels["on_time_rate"]], 0.666667, places=6)
        self.assertEqual(
            summary.cell(header + 1 + rc.FIGURES.index("on_time_rate"), 2).number_format, "0.0%"
        )
        # every table sheet: bold frozen header on row 4 with an autofilter
        expected_rows = {"perangkat_daerah": 2, "category": 3, "konsultan": 3}
        expected_rows.update({"origin_kind": 2, "origin": 3, "kecamatan": 2})
        for sheet, rows in zip(
            sheets[1:], [*expected_rows.values(), 3, 2, 1], strict=True
        ):  # the IKM: its total
            with self.subTest(sheet=sheet.title):
                last = openpyxl.utils.get_column_letter(sheet.max_column)
                self.assertEqual(sheet.freeze_panes, "A5")
                self.assertEqual(sheet.auto_filter.ref, f"A4:{last}{4 + rows}")
                self.assertTrue(all(cell.font.b for cell in sheet[HEADER]))
                self.assertEqual(sheet.max_row, HEADER + rows)
        # per perangkat daerah
        _headers, pd_rows = self.read_table(sheets[1])
        self.assertEqual(
            [row[labels["perangkat_daerah"]] for row in pd_rows],
            [self.agency_insp.name, self.agency_bkad.name],
        )
        self.assertRowFigures(pd_rows[0], INSP, labels, "Inspektorat")
        self.assertRowFigures(pd_rows[1], BKAD, labels, "BKAD")
        # per category
        _headers, cat_rows = self.read_table(sheets[2])
        self.assertEqual(
            [row[labels["category"]] for row in cat_rows],
            [self.topic_tlhp.complete_name, self.topic_aset.complete_name, "Inspektorat"],
        )
        # per konsultan
        _headers, k_rows = self.read_table(sheets[3])
        self.assertEqual(
            [row[labels["konsultan"]] for row in k_rows],
            ["Drs. Afrizal, M.Si.", "Hendri Saputra, S.E.", "Yusnita, S.E., M.Ak."],
        )
        for row, expected in zip(k_rows, (K1, BKAD, K2), strict=True):
            self.assertRowFigures(row, expected, labels, row[labels["konsultan"]])
        # per origin kind and per origin (agency or village, with its kecamatan)
        _headers, kind_rows = self.read_table(sheets[4])
        self.assertEqual(
            [row[labels["origin_kind"]] for row in kind_rows],
            [labels["kind_perangkat_daerah"], self.village],
        )
        self.assertRowFigures(kind_rows[0], FROM_AGENCY, labels, "agency")
        self.assertRowFigures(kind_rows[1], FROM_VILLAGES, labels, "villages")
        _headers, origin_rows = self.read_table(sheets[5])
        self.assertEqual(
            [
                (
                    row[labels["origin_kind"]],
                    row[labels["origin_kecamatan"]],
                    row[labels["origin_name"]],
                )
                for row in origin_rows
            ],
            [
                (self.village, "Kamang Baru", "Kamang"),
                (labels["kind_perangkat_daerah"], labels["none"], self.agency_bkad.name),
                (self.village, "Koto VII", "Palaluar"),
            ],
        )
        for row, expected in zip(origin_rows, (KAMANG, FROM_AGENCY, PALALUAR), strict=True):
            self.assertRowFigures(row, expected, labels, row[labels["origin_name"]])
        _headers, kec_rows = self.read_table(sheets[6])
        self.assertEqual(
            [row[labels["origin_kecamatan"]] for row in kec_rows], ["Kamang Baru", "Koto VII"]
        )
        # trend: one row a month, the month a real date
        _headers, trend_rows = self.read_table(sheets[7])
        self.assertEqual(
            [row[labels["month"]] for row in trend_rows],
            [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)],
        )
        for row, expected in zip(trend_rows, (JANUARY, FEBRUARY, MARCH), strict=True):
            self.assertRowFigures(row, expected, labels, row[labels["month"]].strftime("%B"))
        # late list: real datetimes in WIB
        _headers, late_rows = self.read_table(sheets[8])
        self.assertEqual(len(late_rows), 2)
        late_d, late_e = late_rows
        self.assertEqual(late_d[labels["col_no"]], 1)
        self.assertEqual(late_d[labels["col_number"]], self.t_d.number)
        self.assertEqual(late_d[labels["col_title"]], "D")
        self.assertEqual(late_d[labels["col_round"]], 1)
        self.assertEqual(late_d[labels["perangkat_daerah"]], self.agency_bkad.name)
        self.assertEqual(late_d[labels["category"]], self.topic_aset.complete_name)
        self.assertEqual(late_d[labels["konsultan"]], "Hendri Saputra, S.E.")
        self.assertEqual(late_d[labels["origin_name"]], self.agency_bkad.name)
        self.assertEqual(late_d[labels["col_submitted"]], D(2026, 2, 12, 10, 0))
        self.assertEqual(late_d[labels["col_deadline"]], D(2026, 2, 19, 16, 0))
        self.assertEqual(late_d[labels["col_answered"]], D(2026, 2, 20, 10, 0))
        self.assertEqual(late_d[labels["col_status"]], labels["status_answered_late"])
        self.assertIsInstance(late_d[labels["col_answer_days"]], (int, float))
        self.assertAlmostEqual(late_d[labels["col_answer_days"]], 4.0)
        self.assertEqual(late_e[labels["col_no"]], 2)
        self.assertEqual(late_e[labels["col_number"]], self.t_e.number)
        self.assertEqual(late_e[labels["origin_name"]], "Palaluar")
        self.assertEqual(late_e[labels["col_submitted"]], D(2026, 3, 11, 10, 0))
        self.assertEqual(late_e[labels["col_deadline"]], D(2026, 3, 16, 16, 0))
        self.assertIsNone(late_e[labels["col_answered"]])
        self.assertEqual(late_e[labels["col_status"]], labels["status_unanswered"])
        self.assertIsNone(late_e[labels["col_answer_days"]])

    def test_empty_period(self):
        """Q3 2025: before every consultation of the dataset."""
        wizard = self.wizard(year=2025, quarter="3")
        recap = self.recap(wizard)
        self.assertFigures(recap.totals, EMPTY, "empty")
        self.assertEqual(recap.late, [])
        self.assertTrue(all(not rows for rows in recap.breakdowns.values()))
        for row in recap.trend:
            self.assertFigures(row.figures, EMPTY, row.month.isoformat())
        with freeze_time(PRINTED):
            self.assertEqual((wizard.received, wizard.late, wizard.open_at_end), (0, 0, 0))
            self.assertEqual((wizard.on_time_rate, wizard.average_days), (0.0, 0.0))
        labels = wizard._ekonsultasi_recap_labels()
        book = self.render_xlsx(wizard)
        summary = book.worksheets[0]
        self.assertEqual(summary["B2"].value, "Triwulan III 2025")
        values = {
            row[0]: row[1] for row in summary.iter_rows(min_row=5, max_col=2, values_only=True)
        }
        self.assertRowFigures(values, EMPTY, labels, "summary")
        self.assertEqual(values[labels["received"]], 0)
        # the recap's own tables, through the late ones (the satisfaction survey's
        # and the Pustaka Jawaban's follow them: tests/odoo/test_skm.py, test_pustaka.py)
        sheets = book.worksheets[: RECAP_SHEETS - 1]
        for sheet in sheets[1:]:
            with self.subTest(sheet=sheet.title):
                headers = [cell.value for cell in sheet[HEADER]]
                last = sheet is sheets[-1]
                self.assertIn(labels["col_number" if last else "received"], headers)
                rows = 3 if sheet is sheets[7] else 0  # the trend has its months
                self.assertEqual(sheet.max_row, HEADER + rows)
        late = sheets[-1]
        self.assertEqual(
            [cell.value for cell in late[HEADER]][:3],
            [labels["col_no"], labels["col_number"], labels["col_title"]],
        )


@tagged("post_install", "-at_install", "ekonsultasi")
class TestRecapFilters(RecapCase):
    def totals(self, **filters):
        values = {name: [Command.set(records.ids)] for name, records in filters.items()}
        return self.recap(self.wizard(**values)).totals

    def test_perangkat_daerah(self):
        self.assertFigures(self.totals(perangkat_daerah_ids=self.agency_bkad), BKAD, "BKAD")
        self.assertFigures(self.totals(perangkat_daerah_ids=self.agency_insp), INSP, "INSP")
        both = self.totals(perangkat_daerah_ids=self.agency_bkad | self.agency_insp)
        self.assertFigures(both, Q1_TOTALS, "both")

    def test_category_includes_its_children(self):
        self.assertFigures(self.totals(category_ids=self.cat_insp), INSP, "parent")
        self.assertFigures(self.totals(category_ids=self.topic_tlhp), TLHP, "topic")
        self.assertFigures(self.totals(category_ids=self.cat_bkad), BKAD, "BKAD parent")

    def test_kecamatan_and_desa(self):
        self.assertFigures(self.totals(kecamatan_ids=self.kecamatan), KAMANG, "Kamang Baru")
        self.assertFigures(self.totals(kecamatan_ids=self.kecamatan_2), PALALUAR, "Koto VII")
        self.assertFigures(self.totals(desa_ids=self.desa_2), PALALUAR, "Palaluar")
        self.assertFigures(
            self.totals(kecamatan_ids=self.kecamatan, konsultan_ids=self.konsultan_1),
            figures(2, 1, 1, 2, 2, 0, 0, 0, 0, [0.8, 0.9]),  # H/1 H/2
            "Kamang Baru, k1",
        )

    def test_konsultan(self):
        self.assertFigures(self.totals(konsultan_ids=self.konsultan_2), K2, "k2")
        self.assertFigures(self.totals(konsultan_ids=self.konsultan_bkad), BKAD, "kbkad")
        self.assertFigures(self.totals(konsultan_ids=self.konsultan_1), K1, "k1")

    def test_konsultan_is_who_answered_the_round(self):
        """A round answered by another konsultan of the team than the one
        assigned counts for the one who answered; an unanswered round for
        the one assigned."""
        ticket = self.consult_at(  # Monday
            wib(2026, 2, 2, 10, 0),
            self.konsulti.partner_id,
            self.topic_tlhp,
            name="K",
            user_id=self.konsultan_1.id,
        )
        self.answer_at(ticket, wib(2026, 2, 3, 10, 0), user=self.konsultan_2)
        self.assertEqual(ticket.current_round_id.answer_user_id, self.konsultan_2)
        recap = self.recap(self.wizard())
        by_konsultan = {row.key[0]: row.figures for row in recap.breakdowns["konsultan"]}
        self.assertEqual(by_konsultan[self.konsultan_2.name].received, K2["received"] + 1)
        self.assertEqual(by_konsultan[self.konsultan_1.name].received, K1["received"])
        self.assertEqual(self.totals(konsultan_ids=self.konsultan_2).received, K2["received"] + 1)
        rows = self.env["ekonsultasi.round.analysis"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(rows.user_id, self.konsultan_2)

    def test_filters_shown_on_the_report(self):
        wizard = self.wizard(
            perangkat_daerah_ids=[Command.set(self.agency_insp.ids)],
            konsultan_ids=[Command.set((self.konsultan_1 | self.konsultan_2).ids)],
        )
        labels = wizard._ekonsultasi_recap_labels()
        summary = self.render_xlsx(wizard).worksheets[0]
        self.assertEqual(
            [(summary.cell(r, 1).value, summary.cell(r, 2).value) for r in (3, 4)],
            [
                ("Perangkat daerah", self.agency_insp.name),
                ("Konsultan", "Drs. Afrizal, M.Si., Yusnita, S.E., M.Ak."),
            ],
        )
        self.assertEqual(summary.cell(6, 1).value, labels["item"])
        self.assertEqual(summary.cell(7, 2).value, INSP["received"])

    def test_analysis_action_carries_the_filters(self):
        wizard = self.wizard(
            category_ids=[Command.set(self.cat_insp.ids)],
            kecamatan_ids=[Command.set(self.kecamatan.ids)],
        )
        action = wizard.action_open_analysis()
        self.assertEqual(action["res_model"], "ekonsultasi.round.analysis")
        self.assertEqual(action["display_name"], "Consultations: Triwulan I 2026")
        domain = action["domain"]
        self.assertIn(("company_id", "=", self.company.id), domain)
        self.assertIn(("category_id", "child_of", self.cat_insp.ids), domain)
        self.assertIn(("origin_kecamatan_id", "in", self.kecamatan.ids), domain)
        self.assertIn(("start_date", ">=", wib(2026, 1, 1, 0, 0)), domain)
        self.assertIn(("start_date", "<", wib(2026, 4, 1, 0, 0)), domain)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestRecapPeriods(RecapCase):
    def test_periods_and_labels(self):
        cases = [
            ({"period_type": "month", "month": "2"}, (2, 1), (2, 28), "Februari 2026"),
            ({"period_type": "quarter", "quarter": "1"}, (1, 1), (3, 31), "Triwulan I 2026"),
            ({"period_type": "quarter", "quarter": "4"}, (10, 1), (12, 31), "Triwulan IV 2026"),
            ({"period_type": "semester", "semester": "2"}, (7, 1), (12, 31), "Semester II 2026"),
            ({"period_type": "year"}, (1, 1), (12, 31), "Tahun 2026"),
            (
                {
                    "period_type": "dates",
                    "date_from": "2026-01-01",
                    "date_to": "2026-03-15",
                },
                (1, 1),
                (3, 15),
                "1 Januari 2026 s.d. 15 Maret 2026",
            ),
        ]
        for values, first, last, label in cases:
            with self.subTest(label=label):
                wizard = self.wizard(**values)
                self.assertEqual(wizard.date_from, dt.date(2026, *first))
                self.assertEqual(wizard.date_to, dt.date(2026, *last))
                self.assertEqual(wizard.period_label, label)
                self.assertEqual(self.recap(wizard).label, label)

    def test_month_figures(self):
        """February: H/1, H/2 and D; the backlog A is the only one open at
        its end."""
        recap = self.recap(self.wizard(period_type="month", month="2"))
        self.assertFigures(recap.totals, FEBRUARY, "February")
        self.assertEqual([row.month for row in recap.trend], [dt.date(2026, 2, 1)])

    def test_printed_before_the_end_of_the_period(self):
        """Printed on Wednesday 18 March 12.00: what is known then. C (17
        March) is received and still open, its answer of 25 March has not
        happened yet; F (30 March) has not been sent yet."""
        wizard = self.wizard()
        with freeze_time(wib(2026, 3, 18, 12, 0)):
            recap = wizard._ekonsultasi_recap()
        self.assertEqual(recap.cutoff, wib(2026, 3, 18, 12, 0))
        # B G H/1 H/2 D E C received; B H/1 H/2 D answered; D and E late;
        # A, E and C open
        expected = figures(7, 6, 1, 4, 3, 2, 1, 1, 3, [1.0, 0.8, 0.9, 4.0])
        self.assertFigures(recap.totals, expected, "18 March")
        self.assertFigures(recap.trend[2].figures, figures(2, 2, 0, 0, 0, 1, 0, 1, 3, []), "March")

    def test_period_without_its_index_refused(self):
        with self.assertRaises(ValidationError):
            self.wizard(period_type="month", month=False)

    def test_changing_the_period_moves_the_dates(self):
        wizard = self.wizard()
        wizard.write({"period_type": "semester", "semester": "1"})
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
        )
        wizard.write({"year": 2025, "period_type": "month", "month": "12"})
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
        )
        self.assertEqual(wizard.period_label, "Desember 2025")

    def test_bad_periods_refused(self):
        with self.assertRaises(ValidationError):
            self.wizard(period_type="dates", date_from="2026-03-31", date_to="2026-01-01")
        with self.assertRaises(ValidationError):
            self.wizard(year=1800)
        wizard = self.wizard()
        with self.assertRaises(ValidationError):
            wizard.write({"year": 1800})
        with self.assertRaises(ValidationError):
            wizard.write(
                {"period_type": "dates", "date_from": "2026-05-01", "date_to": "2026-04-30"}
            )


@tagged("post_install", "-at_install", "ekonsultasi")
class TestRecapAccess(RecapCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_b = env["res.company"].create({"name": "Kabupaten Solok"})
        cls.inspektur_b = new_test_user(
            env,
            login="inspektur_solok",
            name="Inspektur Solok",
            groups="base.group_user,ekonsultasi_addon.group_ekonsultasi_inspektorat",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        with freeze_time(wib(2026, 2, 2, 10, 0)):
            cls.t_solok = (
                env["helpdesk.ticket"]
                .sudo()
                .with_company(cls.company_b)
                .create(
                    {
                        "name": "Konsultasi Solok",
                        "description": "<p>Mohon penjelasan.</p>",
                        "company_id": cls.company_b.id,
                    }
                )
            )
            env.flush_all()

    def test_konsultan_and_konsulti_cannot_make_or_render_the_recap(self):
        wizard = self.wizard()
        for user in (self.konsultan_1, self.konsulti, self.konsulti_nagari):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.wizard(user=user)
                with self.assertRaises(AccessError):
                    self.render_xlsx(wizard, user=user)
                with self.assertRaises(AccessError):
                    self.env["ir.actions.report"].with_user(user)._render(PDF, wizard.ids)
                with self.assertRaises(AccessError):
                    wizard.with_user(user)._ekonsultasi_recap()
                with self.assertRaises(AccessError):
                    wizard.with_user(user).action_print_xlsx()

    def test_inspektorat_reads_and_writes_nothing(self):
        wizard = self.wizard()
        self.env.flush_all()
        models = ("helpdesk.ticket", "helpdesk.ticket.round", "helpdesk.ticket.sla")

        def snapshot():
            self.env.invalidate_all()
            return {
                model: sorted(
                    (r["id"], r["write_date"])
                    for r in self.env[model]
                    .sudo()
                    .with_context(active_test=False)
                    .search_read([], ["write_date"])
                )
                for model in models
            }

        before = snapshot()
        messages = self.env["mail.message"].sudo().search_count([])
        statements = []
        original = Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            statements.append(str(query.code if hasattr(query, "code") else query))
            return original(cr, query, params, log_exceptions)

        with patch.object(Cursor, "execute", spy):
            book = self.render_xlsx(wizard)
            with freeze_time(PRINTED):
                wizard.invalidate_recordset()
                self.assertEqual(wizard.with_user(self.inspektur).received, 8)
                action = wizard.with_user(self.inspektur).action_print_xlsx()
            self.env.flush_all()
        self.assertEqual(action["report_type"], "xlsx")
        self.assertEqual(book.worksheets[0]["B2"].value, "Triwulan I 2026")
        self.assertTrue(any("helpdesk_ticket_round" in s for s in statements), "the spy works")
        writes = [
            s
            for s in statements
            if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
            and any(f'"{table}"' in s or f" {table} " in s for table in Q1_TABLES)
        ]
        self.assertEqual(writes, [])
        self.assertEqual(snapshot(), before)
        self.assertEqual(self.env["mail.message"].sudo().search_count([]), messages)

    def test_company_b_sees_only_its_consultations(self):
        # B's Inspektorat cannot make the recap of company A
        with self.assertRaises(AccessError):
            self.wizard(user=self.inspektur_b, company_id=self.company.id)
        wizard_a = self.wizard()
        with self.assertRaises(AccessError):
            wizard_a.with_user(self.inspektur_b)._ekonsultasi_recap()
        with self.assertRaises(AccessError):
            self.render_xlsx(wizard_a, user=self.inspektur_b)
        # B's recap has B's consultation and none of A's
        wizard_b = self.wizard(user=self.inspektur_b)
        self.assertEqual(wizard_b.company_id, self.company_b)
        recap_b = self.recap(wizard_b)
        self.assertEqual(recap_b.totals.received, 1)
        self.assertEqual(recap_b.totals.open_at_end, 1)
        self.assertEqual(recap_b.totals.late, 0)  # no limit without an SLA policy
        self.assertEqual([row.key for row in recap_b.breakdowns["perangkat_daerah"]], [(None,)])
        book = self.render_xlsx(wizard_b, user=self.inspektur_b)
        labels = wizard_b._ekonsultasi_recap_labels()
        values = {
            row[0]: row[1]
            for row in book.worksheets[0].iter_rows(min_row=5, max_col=2, values_only=True)
        }
        self.assertEqual(values[labels["received"]], 1)
        # and A's recap does not count B's consultation
        self.assertEqual(self.recap(wizard_a).totals.received, Q1_TOTALS["received"])

    def test_user_of_both_companies_limited_to_the_active_ones(self):
        self.inspektur.company_ids = [Command.link(self.company_b.id)]
        wizard_b = self.wizard(user=self.inspektur_b)
        only_a = wizard_b.with_user(self.inspektur).with_context(
            allowed_company_ids=self.company.ids
        )
        with self.assertRaises(AccessError):
            only_a._ekonsultasi_recap()
        both = wizard_b.with_user(self.inspektur).with_context(
            allowed_company_ids=(self.company | self.company_b).ids
        )
        self.assertEqual(self.recap(both).totals.received, 1)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestRecapAnalysis(RecapCase):
    def test_read_group_measures(self):
        """The analysis counts rounds, as the recap does, with the outcome at
        the time of reading (now: long after Q1) and an average answer time
        over the answered rounds only."""
        Analysis = self.env["ekonsultasi.round.analysis"].with_user(self.inspektur)
        domain = [
            ("company_id", "=", self.company.id),
            ("start_date", ">=", wib(2026, 1, 1, 0, 0)),
            ("start_date", "<", wib(2026, 4, 1, 0, 0)),
        ]
        groups = Analysis._read_group(
            domain,
            ["perangkat_daerah_id", "outcome"],
            ["answer_work_days:avg", "late_count:sum", "open_count:sum", "__count"],
        )
        result = {
            (agency.name, outcome): (round(days, 4), late, open_, n)
            for agency, outcome, days, late, open_, n in groups
        }
        self.assertEqual(
            result,
            {
                # B 1.0, H/1 0.8, H/2 0.9, C 1.0, F 1.87 (answered 1 April,
                # before its limit: on time once known)
                (self.agency_insp.name, "on_time"): (round(5.57 / 5, 4), 0, 0, 5),
                (self.agency_bkad.name, "answered_late"): (4.0, 1, 0, 1),  # D
                # a group without any answer shows 0 (Odoo reads an all-NULL
                # float aggregate as 0); below, NULLs do not lower averages
                (self.agency_bkad.name, "late"): (0, 1, 1, 1),  # E, never answered
                (self.agency_bkad.name, "closed"): (0, 0, 0, 1),  # G, withdrawn
            },
        )
        # the web client's read_group uses the fields' own aggregators: the
        # unanswered rounds do not lower the average
        rows = Analysis.read_group(
            domain,
            ["answer_work_days", "late_count", "resubmission_count"],
            ["perangkat_daerah_id"],
            lazy=False,
        )
        by_agency = {row["perangkat_daerah_id"][0]: row for row in rows}
        self.assertAlmostEqual(by_agency[self.agency_insp.id]["answer_work_days"], 5.57 / 5)
        self.assertEqual(by_agency[self.agency_insp.id]["resubmission_count"], 1)  # H/2
        self.assertEqual(by_agency[self.agency_bkad.id]["answer_work_days"], 4.0)
        self.assertEqual(by_agency[self.agency_bkad.id]["late_count"], 2)
        self.assertEqual(by_agency[self.agency_bkad.id]["__count"], 3)
        # the backlog round A (December) is outside the domain, J and I too
        self.assertEqual(Analysis.search_count(domain), 8)

    def test_actions_and_views_load_for_inspektorat(self):
        env = self.env(user=self.inspektur)
        action = env["ir.actions.act_window"]._for_xml_id(
            "ekonsultasi_addon.ekonsultasi_round_analysis_action"
        )
        self.assertEqual(action["res_model"], "ekonsultasi.round.analysis")
        self.assertEqual(action["view_mode"], "pivot,graph,list")
        views = env["ekonsultasi.round.analysis"].get_views(
            [(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")]
        )
        pivot = views["views"]["pivot"]["arch"]
        self.assertIn('name="answer_work_days"', pivot)
        self.assertIn('name="outcome"', pivot)
        self.assertIn('name="outcome"', views["views"]["graph"]["arch"])
        self.assertIn("filter_start_date", views["views"]["search"]["arch"])
        fields = views["models"]["ekonsultasi.round.analysis"]["fields"]
        self.assertEqual(fields["answer_work_days"]["aggregator"], "avg")
        self.assertEqual(fields["late_count"]["aggregator"], "sum")
        # a konsultan has no access to the analysis
        with self.assertRaises(AccessError):
            self.env["ekonsultasi.round.analysis"].with_user(self.konsultan_1).search([])
        dashboard = env["ir.actions.act_window"]._for_xml_id(
            "ekonsultasi_addon.ekonsultasi_recap_dashboard_action"
        )
        self.assertEqual(dashboard["res_model"], "ekonsultasi.recap.wizard")
        form = env["ekonsultasi.recap.wizard"].get_views([(dashboard["view_id"][0], "form")])
        arch = form["views"]["form"]["arch"]
        for name in ("received", "on_time_rate", "late", "open_at_end", "median_days"):
            self.assertIn(f'name="{name}"', arch)
        wizard_view = env.ref("ekonsultasi_addon.ekonsultasi_recap_wizard_view_form")
        self.assertTrue(
            env["ekonsultasi.recap.wizard"].get_views([(wizard_view.id, "form")])["views"]
        )
        # the dashboard opens on the current quarter with its figures
        context = safe_eval(dashboard["context"])
        wizard = env["ekonsultasi.recap.wizard"].with_context(**context).create({})
        self.assertEqual(wizard.period_type, "quarter")
        self.assertTrue(wizard.period_label.startswith("Triwulan "))

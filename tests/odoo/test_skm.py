"""The satisfaction survey (SKM, issue 15): asked when a consultation is
closed (OCA helpdesk_mgmt_rating's request on the closing stage), answered
once on a page of its own (the token of the consultation's rating, or the
logged-in konsulti), through no other door; the IKM in the recap."""

import io
import re
from urllib.parse import urlparse

import openpyxl
from ekonsultasi_common import EkonsultasiHttpCase, wib
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.ekonsultasi_addon.lib import recap as rc
from odoo.addons.ekonsultasi_addon.lib import recap_xlsx as rx

ALL_FOUR = {e: "4" for e in ("u1", "u2", "u3", "u5", "u6", "u7", "u8", "u9")}


@tagged("post_install", "-at_install", "ekonsultasi")
class TestSkm(EkonsultasiHttpCase):
    def closed_ticket(self, partner=None):
        ticket = self.consult(partner or self.konsulti.partner_id)
        self.answer(ticket, ticket.user_id)
        ticket.sudo().action_close_consultation()
        self.assertTrue(ticket.closed)
        return ticket

    def survey_path(self, ticket):
        return urlparse(ticket.sudo()._ekonsultasi_skm_url()).path

    def post_survey(self, path, data):
        """The survey's form posted by whoever holds the link (a visitor
        when nobody is logged in)."""
        if not getattr(self, "session", None):
            self.authenticate(None, None)
        return self._post(path, data)

    def responses(self, ticket):
        return self.env["ekonsultasi.skm.response"].sudo().search([("ticket_id", "=", ticket.id)])

    # ------------------------------------------------------------------

    def test_closing_sends_the_request_with_the_survey_link(self):
        ticket = self.consult(self.konsulti.partner_id)
        self.answer(ticket, ticket.user_id)
        ticket.with_user(self.konsulti).sudo().action_close_consultation()
        self.assertEqual(
            ticket.stage_id.rating_mail_template_id,
            self.env.ref("ekonsultasi_addon.mail_template_skm_request"),
        )
        request = ticket.message_ids.filtered(lambda m: "/ekonsultasi/skm/" in (m.body or ""))
        self.assertEqual(len(request), 1)
        self.assertIn(self.konsulti.partner_id, request.partner_ids)
        token = re.search(r"/ekonsultasi/skm/([\w-]+)", request.body).group(1)
        rating = self.env["rating.rating"].sudo().search([("access_token", "=", token)])
        self.assertEqual((rating.res_model, rating.res_id), ("helpdesk.ticket", ticket.id))
        self.assertEqual(rating.partner_id, self.konsulti.partner_id)

    def test_answer_once_by_token(self):
        ticket = self.closed_ticket()
        path = self.survey_path(ticket)
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn('id="ekonsultasi_skm_form"', page.text)
        self.assertEqual(page.text.count('class="btn-check"'), 8 * 4)
        self.authenticate(None, None)
        response = self.post_survey(
            path, {**ALL_FOUR, "u3": "2", "comment": "Jawaban jelas, tetapi lambat."}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("ekonsultasi_skm_done", response.text)
        answer = self.responses(ticket)
        self.assertEqual(len(answer), 1)
        self.assertEqual(
            (answer.u1, answer.u3, answer.comment), ("4", "2", "Jawaban jelas, tetapi lambat.")
        )
        # (7 x 4 + 2) / 8 x 25
        self.assertAlmostEqual(answer.ikm_value, 93.75)
        self.assertEqual(answer.perangkat_daerah_id, self.agency_insp)
        rating = answer.rating_id
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating, 5)
        # the consultation's figures of its rating (rating.mixin, helpdesk_mgmt_rating)
        ticket.invalidate_recordset()
        self.assertEqual(
            (ticket.sudo().rating_last_value, ticket.sudo().positive_rate_percentage), (5, 100)
        )
        # once: a second post changes nothing
        again = self.post_survey(path, {**ALL_FOUR, "u1": "1"})
        self.assertIn("ekonsultasi_skm_done", again.text)
        self.assertEqual(len(self.responses(ticket)), 1)
        self.assertEqual(self.responses(ticket).u1, "4")

    def test_empty_or_bad_scores_refused(self):
        ticket = self.closed_ticket()
        path = self.survey_path(ticket)
        for data in ({}, {"comment": "Tanpa nilai"}, {"u1": "5"}, {"u1": "0", "u2": "3"}):
            response = self.post_survey(path, data)
            self.assertIn("alert-danger", response.text, data)
        self.assertFalse(self.responses(ticket))
        # one score is enough: answering is optional, element by element
        self.post_survey(path, {"u5": "3"})
        self.assertEqual(self.responses(ticket).u5, "3")
        self.assertFalse(self.responses(ticket).u1)

    def test_not_before_the_closing_and_not_with_a_wrong_token(self):
        ticket = self.consult(self.konsulti.partner_id)
        self.answer(ticket, ticket.user_id)
        path = self.survey_path(ticket)
        page = self.post_survey(path, ALL_FOUR)
        self.assertNotIn("ekonsultasi_skm_form", page.text)
        self.assertFalse(self.responses(ticket))
        self.assertEqual(self.url_open("/ekonsultasi/skm/not-a-token").status_code, 404)
        # a token of another model's rating opens nothing
        partner_rating = (
            self.env["rating.rating"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": self.konsulti.partner_id.id,
                }
            )
        )
        self.assertEqual(
            self.url_open(f"/ekonsultasi/skm/{partner_rating.access_token}").status_code, 404
        )

    def test_logged_in_konsulti_only_his_own(self):
        mine = self.closed_ticket()
        theirs = self.closed_ticket(self.konsulti_nagari.partner_id)
        self.authenticate("konsulti", "konsulti")
        page = self.url_open(f"/my/ticket/{mine.id}")
        self.assertIn('id="ekonsultasi_skm_invite"', page.text)
        response = self.url_open(f"/my/ticket/{mine.id}/skm", allow_redirects=False)
        self.assertEqual(urlparse(response.headers["Location"]).path, self.survey_path(mine))
        # another konsulti's consultation: back to his portal, no token
        response = self.url_open(f"/my/ticket/{theirs.id}/skm", allow_redirects=False)
        self.assertEqual(urlparse(response.headers["Location"]).path, "/my")
        # the Inspektorat reads every consultation but answers no survey
        self.authenticate("inspektur", "inspektur")
        response = self.url_open(f"/my/ticket/{mine.id}/skm", allow_redirects=False)
        self.assertEqual(urlparse(response.headers["Location"]).path, "/my")

    def test_no_other_door(self):
        ticket = self.closed_ticket()
        values = {"ticket_id": ticket.id, **ALL_FOUR}
        for login in ("konsulti", "konsultan1"):
            self.authenticate(login, login)
            with self.assertRaises(Exception) as caught:
                self.call_kw("ekonsultasi.skm.response", "create", [values])
            self.assertIn("AccessError", str(caught.exception))
        Response = self.env["ekonsultasi.skm.response"]
        for user in (self.konsulti, self.konsultan_1):
            with self.assertRaises(AccessError):
                Response.with_user(user).create(values)
            with self.assertRaises(AccessError):
                Response.with_user(user).search([])
        self.assertFalse(self.responses(ticket))
        # the tim pengelola / Inspektorat reads the answers, changes nothing
        self.post_survey(self.survey_path(ticket), ALL_FOUR)
        answer = self.responses(ticket).with_user(self.inspektur)
        self.assertEqual(answer.u1, "4")
        with self.assertRaises(AccessError):
            answer.write({"u1": "1"})

    def test_the_rating_is_no_door_to_the_survey(self):
        """A konsultan (Odoo lets every internal user read, create and write
        ratings) can neither read the token of his consultation's rating,
        which opens its survey, nor make or change its mark."""
        ticket = self.closed_ticket()
        rating = ticket.sudo().rating_ids
        self.assertEqual(len(rating), 1)
        self.authenticate("konsultan1", "konsultan1")
        attempts = [
            ("search_read", [[["res_id", "=", ticket.id]]], {"fields": ["access_token"]}),
            ("write", [rating.ids, {"rating": 5, "consumed": True}], {}),
            ("unlink", [rating.ids], {}),
            (
                "create",
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                        "res_id": ticket.id,
                        "rating": 5,
                        "consumed": True,
                    }
                ],
                {},
            ),
        ]
        for method, args, kwargs in attempts:
            with self.subTest(method=method), self.assertRaises(Exception) as caught:
                self.call_kw("rating.rating", method, args, kwargs)
            self.assertIn("AccessError", str(caught.exception))
        # nor through the chatter, where the consultation is open to his
        # messages (rating's message_post makes the rating in sudo)
        open_ticket = self.consult(self.konsulti.partner_id, name="Masih terbuka")
        self.env.flush_all()
        konsultan = open_ticket.user_id.login
        for login in (konsultan, "konsulti"):
            self.authenticate(login, login)
            with self.subTest(door="/mail/message/post", login=login):
                with self.assertRaises(Exception) as caught:
                    self.make_jsonrpc_request(
                        "/mail/message/post",
                        {
                            "thread_model": "helpdesk.ticket",
                            "thread_id": open_ticket.id,
                            "post_data": {
                                "body": "Bagus",
                                "message_type": "comment",
                                "rating_value": 5,
                            },
                        },
                    )
                self.assertIn("AccessError", str(caught.exception))
        self.assertFalse(open_ticket.sudo().rating_ids)
        # the same message without a mark goes through
        self.authenticate(konsultan, konsultan)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": open_ticket.id,
                "post_data": {"body": "Jawaban konsultan.", "message_type": "comment"},
            },
        )
        self.assertIn("Jawaban konsultan.", open_ticket.message_ids[0].body)
        rating.invalidate_recordset()
        self.assertEqual((rating.rating, rating.consumed), (0, False))
        self.assertEqual(len(ticket.sudo().rating_ids), 1)
        # he still sees the marks, as Odoo shows them, without the token
        self.authenticate("konsultan1", "konsultan1")
        marks = self.call_kw(
            "rating.rating", "search_read", [[["res_id", "=", ticket.id]]], {"fields": ["rating"]}
        )
        self.assertEqual([m["id"] for m in marks], rating.ids)
        # the konsulti's link still opens and takes his answer
        self.authenticate(None, None)
        self.assertEqual(self.post_survey(self.survey_path(ticket), ALL_FOUR).status_code, 200)
        self.assertEqual(len(self.responses(ticket)), 1)

    def test_recap_ikm_follows_every_filter_of_the_recap(self):
        """The IKM of a recap filtered on a kecamatan or a village counts the
        answers of the konsulti of its villages only, as the recap's other
        figures do; a kecamatan without answers has none."""
        answered = {}
        for partner, score in (
            (self.konsulti_nagari.partner_id, "4"),
            (self.konsulti.partner_id, "2"),
        ):
            with freeze_time(wib(2026, 7, 6, 9, 0)):
                ticket = self.consult(partner)
                self.answer(ticket, ticket.user_id)
                ticket.sudo().action_close_consultation()
                self.env.flush_all()
            answered[partner] = ticket
            with freeze_time(wib(2026, 7, 7, 9, 0)):
                self.post_survey(self.survey_path(ticket), dict.fromkeys(ALL_FOUR, score))
        self.company.ekonsultasi_ikm_min_respondents = 1
        Wizard = self.env["ekonsultasi.recap.wizard"].with_user(self.inspektur)
        period = {"period_type": rc.QUARTER, "year": 2026, "quarter": "3"}
        self.assertEqual(Wizard.create(period).ikm_respondents, 2)
        other = self.env["ekonsultasi.kecamatan"].create({"name": "Baso", "code": "T-13.03.05"})
        for filters, respondents, value in (
            ({"kecamatan_ids": [(6, 0, self.kecamatan.ids)]}, 1, 100.0),
            ({"desa_ids": [(6, 0, self.desa.ids)]}, 1, 100.0),
            ({"kecamatan_ids": [(6, 0, other.ids)]}, 0, 0.0),
        ):
            with self.subTest(filters=filters):
                wizard = Wizard.create({**period, **filters})
                self.assertEqual(wizard.ikm_respondents, respondents)
                self.assertAlmostEqual(wizard.ikm_value, value)
                # the same consultations as the recap's own figures
                recap = wizard._ekonsultasi_recap()
                self.assertEqual(recap.totals.received, respondents)

    def test_recap_ikm_per_group_and_too_few(self):
        """Two konsultan of the Inspektorat team; answers in July 2026:
        konsultan 1: three answers all 4 (IKM 100); konsultan 2: one answer all
        2 (IKM 50). With a minimum of 3 respondents: the total (4 respondents)
        is (3 x 4 + 2) / 4 = 3.5 per element, IKM 87.50, B Baik; konsultan 1
        100.00 A; konsultan 2 too few respondents."""
        self.company.ekonsultasi_ikm_min_respondents = 3
        tickets = []
        for user, count in ((self.konsultan_1, 3), (self.konsultan_2, 1)):
            for _i in range(count):
                with freeze_time(wib(2026, 7, 6, 9, 0)):
                    ticket = self.consult(self.konsulti.partner_id, user_id=user.id)
                    self.answer(ticket, user)
                    ticket.sudo().action_close_consultation()
                    self.env.flush_all()
                tickets.append((ticket, "4" if user == self.konsultan_1 else "2"))
        for ticket, score in tickets:
            with freeze_time(wib(2026, 7, 7, 9, 0)):
                self.post_survey(self.survey_path(ticket), dict.fromkeys(ALL_FOUR, score))
        wizard = (
            self.env["ekonsultasi.recap.wizard"]
            .with_user(self.inspektur)
            .create({"period_type": rc.QUARTER, "year": 2026, "quarter": "3"})
        )
        data = wizard._ekonsultasi_ikm()
        self.assertEqual(data["total"].respondents, 4)
        self.assertAlmostEqual(data["total"].value, 87.5)
        self.assertEqual(data["total"].category, ("B", "Baik"))
        self.assertEqual(list(data["quarter"]), ["Triwulan III 2026"])
        by_konsultan = data["konsultan"]
        self.assertAlmostEqual(by_konsultan[self.konsultan_1.name].value, 100.0)
        self.assertIsNone(by_konsultan[self.konsultan_2.name].value)
        self.assertEqual(by_konsultan[self.konsultan_2.name].respondents, 1)
        self.assertEqual(wizard.ikm_respondents, 4)
        self.assertEqual(wizard.ikm_text, "87,50 (B, Baik)")
        headers, rows = wizard._ekonsultasi_ikm_table()
        self.assertEqual(headers[:3], ["By", "Group", "Respondents"])
        self.assertIn(("Konsultan", self.konsultan_2.name, 1, "Too few respondents", "", ""), rows)
        # the XLSX has the sheet, the PDF the table
        self.env.flush_all()
        content, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.inspektur)
            ._render("ekonsultasi_addon.action_report_ekonsultasi_recap_xlsx", wizard.ids)
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        sheet = book[rx.sheet_name(wizard._ekonsultasi_recap_labels()["sheet_ikm"])]
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertIn(["Konsultan", self.konsultan_1.name, 3, 100, "A", "Sangat Baik"], values)
        # the analysis: the IKM of each group by lib/ikm, empty for too few
        groups = (
            self.env["ekonsultasi.skm.response"]
            .with_user(self.inspektur)
            .read_group([], ["ikm_value:avg"], ["user_id"])
        )
        by_user = {row["user_id"][0]: (row["user_id_count"], row["ikm_value"]) for row in groups}
        self.assertEqual(by_user[self.konsultan_1.id], (3, 100.0))
        self.assertEqual(by_user[self.konsultan_2.id], (1, False))
        (total,) = (
            self.env["ekonsultasi.skm.response"]
            .with_user(self.inspektur)
            .read_group([], ["ikm_value:avg"], [])
        )
        self.assertAlmostEqual(total["ikm_value"], 87.5)
        # the dashboard's table: the same rows
        self.assertIn("Too few respondents", wizard.ikm_table)
        self.assertIn("87,50", wizard.ikm_table)
        # the next quarter: nobody answered
        october = wizard.create({"period_type": rc.QUARTER, "year": 2026, "quarter": "4"})
        self.assertEqual((october.ikm_respondents, october.ikm_text), (0, "-"))

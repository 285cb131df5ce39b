"""The whole flow in headless Chromium, as each role sees it, at phone width
(390 px) and at desktop width (1366 px): the konsulti sends a consultation
with an attachment, the konsultan answers in the backend, the konsulti
re-submits with an attachment, the konsultan answers again, the konsulti
closes it (issue 11).

The tours (static/tests/tours/ekonsultasi_flow_tours.esm.js) check every page:
no JavaScript error in the console (Odoo's tour runner fails the test), no
page wider than its window, no English text of the list testers reported, a
tab title that is not "Odoo". Odoo's HttpCase drives Debian's ``chromium``
over the DevTools protocol; without it these tests are skipped, and the
skip is counted in the summary of ``make test``."""

import shutil
import unittest
from unittest.mock import patch

from ekonsultasi_common import EkonsultasiHttpCase

from odoo import http
from odoo.tests import common, tagged

# the modules whose screens the flow shows, their Indonesian terms loaded
SHOWN_MODULES = [
    "web",
    "portal",
    "mail",
    "auth_signup",
    "helpdesk_mgmt",
    "helpdesk_mgmt_sla",
    "ekonsultasi_addon",
]


class ViewportBrowser(common.ChromeBrowser):
    """Odoo's headless Chromium with the page's viewport set to the test's
    ``browser_size`` (headless Chromium does not make windows narrower than
    500 px, so a phone's 390 px is emulated as Chromium's device mode does),
    asking for pages in English (a visitor still reads Indonesian)."""

    def __init__(self, test_case, *args, **kwargs):
        super().__init__(test_case, *args, **kwargs)
        width, height = (int(v) for v in test_case.browser_size.replace("x", ",").split(","))
        # a browser asking for English: the pages of a visitor not logged
        # in are Indonesian all the same (ir.http._ekonsultasi_visitor_lang)
        agent = self._websocket_request("Browser.getVersion")["userAgent"]
        self._websocket_request(
            "Network.setUserAgentOverride",
            params={"userAgent": agent, "acceptLanguage": "en-US,en"},
        )
        self._websocket_request(
            "Emulation.setDeviceMetricsOverride",
            params={
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": width < 768,
            },
        )


class BrowserFlowMixin:
    """The flow; the classes below give the window size."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The browser's first requests come in parallel; each would read the
        # manifests of every module (Application.statics, computed once) with
        # ast.literal_eval, and CPython 3.11.7's parser is not safe for that
        # ("SystemError: AST constructor recursion depth mismatch", seen here):
        # read them once before it starts.
        http.root.statics  # noqa: B018  # pylint: disable=pointless-statement
        cls.setup_working_calendar()
        # the konsulti's language: the pages he sees are Indonesian
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"]._load_module_terms(SHOWN_MODULES, ["id_ID"])
        people = cls.konsulti | cls.konsultan_1 | cls.konsultan_2 | cls.inspektur
        people.write({"lang": "id_ID"})
        # ... and the database's, as a pemda's database is made
        cls.env["ir.default"].set("res.partner", "lang", "id_ID")

    def browser_js(self, *args, **kwargs):
        with patch.object(common, "ChromeBrowser", ViewportBrowser):
            try:
                return super().browser_js(*args, **kwargs)
            except unittest.SkipTest as exc:
                # Odoo skips when it cannot start or reach Chrome; where
                # chromium is installed that is a failure, not a skip
                if shutil.which("chromium"):
                    raise AssertionError(f"chromium is installed but failed: {exc}") from exc
                raise

    def _only_consultation(self):
        tickets = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", self.konsulti.partner_id.id)]
        )
        self.assertEqual(len(tickets), 1, "the tour sent exactly one consultation")
        return tickets

    def _answer_in_backend(self, ticket, round_number):
        self.start_tour(
            f"/odoo/helpdesk.ticket/{ticket.id}",
            "ekonsultasi_konsultan_answer",
            login=ticket.user_id.login,
            timeout=180,
        )
        ticket.invalidate_recordset()
        rnd = ticket.round_ids.filtered(lambda r: r.number == round_number)
        self.assertTrue(rnd.answer_date, f"round {round_number} is answered")

    def test_log_in(self):
        self.start_tour("/web/login", "ekonsultasi_login", timeout=120)

    def test_whole_flow(self):
        self.start_tour("/my/tickets", "ekonsultasi_konsulti_send", login="konsulti", timeout=180)
        ticket = self._only_consultation()
        self.assertEqual(ticket.name, "Konsultasi uji peramban")
        self.assertIn("surat_tugas.pdf", ticket.attachment_ids.mapped("name"))
        self._answer_in_backend(ticket, 1)

        self.start_tour(
            f"/my/ticket/{ticket.id}",
            "ekonsultasi_konsulti_resubmit",
            login="konsulti",
            timeout=180,
        )
        ticket.invalidate_recordset()
        self.assertEqual(ticket.round_number, 2)
        self.assertIn("bukti_setor.pdf", ticket.attachment_ids.mapped("name"))
        self._answer_in_backend(ticket, 2)

        self.start_tour(
            f"/my/ticket/{ticket.id}", "ekonsultasi_konsulti_close", login="konsulti", timeout=180
        )
        ticket.invalidate_recordset()
        self.assertTrue(ticket.closed, "the konsulti closed it")

        # the Lembar Konsultasi the konsulti downloads; the link of its QR code
        self.authenticate("konsulti", "konsulti")
        response = self.url_open(f"/my/ticket/{ticket.id}/lembar")
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        sheet = self.env["ekonsultasi.lembar"].search(
            [("ticket_id", "=", ticket.id)], order="id desc", limit=1
        )
        self.assertTrue(sheet, "downloading the sheet issued it")
        self.authenticate(None, None)
        self.start_tour(
            f"/ekonsultasi/verifikasi/{sheet.token}", "ekonsultasi_verify_lembar", timeout=120
        )

        # the Inspektur's dashboard and recap
        for action, tour in (
            ("ekonsultasi_dashboard_action", "ekonsultasi_inspektur_dashboard"),
            ("ekonsultasi_recap_wizard_action", "ekonsultasi_inspektur_recap"),
        ):
            self.start_tour(
                f"/odoo/action-ekonsultasi_addon.{action}", tour, login="inspektur", timeout=180
            )


@tagged("post_install", "-at_install", "ekonsultasi", "ekonsultasi_browser")
class TestBrowserFlowPhone(BrowserFlowMixin, EkonsultasiHttpCase):
    browser_size = "390x844"
    touch_enabled = True


@tagged("post_install", "-at_install", "ekonsultasi", "ekonsultasi_browser")
class TestBrowserFlowDesktop(BrowserFlowMixin, EkonsultasiHttpCase):
    browser_size = "1366x768"

"""Pustaka Jawaban in headless Chromium at phone and desktop width: the
suggestions beside the new-consultation form, "this answers me", and the
library's search and entry page (static/tests/tours/ekonsultasi_pustaka_tours.esm.js).
Odoo's tour runner fails the test on any JavaScript error."""

import shutil
import unittest
from unittest.mock import patch

from ekonsultasi_common import EkonsultasiHttpCase
from test_browser_flow import SHOWN_MODULES, ViewportBrowser

from odoo import http
from odoo.tests import common, tagged


class PustakaBrowserMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        http.root.statics  # noqa: B018  # pylint: disable=pointless-statement
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"]._load_module_terms(SHOWN_MODULES, ["id_ID"])
        (cls.konsulti | cls.konsulti_other).write({"lang": "id_ID"})
        ticket = cls.consult(
            cls.konsulti_other.partner_id,
            category=cls.topic_aset,
            name="Penghapusan sepeda motor dinas rusak berat di puskesmas",
            description="<p>Bagaimana penghapusan sepeda motor dinas yang rusak berat?</p>",
        )
        cls.answer(
            ticket,
            cls.konsultan_bkad,
            body="<p>Pengurus barang memeriksa kondisi, lalu kepala dinas mengusulkan "
            "penghapusan kepada Bupati melalui BKAD.</p>",
        )
        Entry = cls.env["ekonsultasi.pustaka"]
        cls.entry = Entry.browse(Entry.action_propose(ticket)["res_id"])
        cls.entry.mark_ids.action_keep()
        cls.entry.action_publish()

    def browser_js(self, *args, **kwargs):
        with patch.object(common, "ChromeBrowser", ViewportBrowser):
            try:
                return super().browser_js(*args, **kwargs)
            except unittest.SkipTest as exc:
                if shutil.which("chromium"):
                    raise AssertionError(f"chromium is installed but failed: {exc}") from exc
                raise

    def test_suggestions_while_writing(self):
        self.start_tour("/new/ticket", "ekonsultasi_pustaka_suggest", login="konsulti", timeout=180)
        helpful = self.env["ekonsultasi.pustaka.helpful"].search([])
        self.assertEqual(helpful.entry_id, self.entry)
        self.assertEqual(helpful.partner_id, self.konsulti.partner_id)
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("partner_id", "=", self.konsulti.partner_id.id)]),
            "nothing was sent",
        )

    def test_library(self):
        self.start_tour("/pustaka", "ekonsultasi_pustaka_library", login="konsulti", timeout=180)


@tagged("post_install", "-at_install", "ekonsultasi", "ekonsultasi_browser")
class TestPustakaBrowserPhone(PustakaBrowserMixin, EkonsultasiHttpCase):
    browser_size = "390x844"
    touch_enabled = True


@tagged("post_install", "-at_install", "ekonsultasi", "ekonsultasi_browser")
class TestPustakaBrowserDesktop(PustakaBrowserMixin, EkonsultasiHttpCase):
    browser_size = "1366x768"

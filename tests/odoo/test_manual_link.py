"""The Panduan links (issue 14): the portal and the backend open the part of
the user manual of the person's role, at an explicit label of docs/*.rst
(checked on the .rst, without building the documents), and /panduan/ serves
the HTML that make docs builds, nothing outside it."""

import re
import tempfile
from pathlib import Path

from ekonsultasi_common import EkonsultasiHttpCase
from lxml import html

from odoo.tests import new_test_user, tagged
from odoo.tools import config

from odoo.addons.ekonsultasi_addon.lib.manual import LOGIN_SECTION, SECTIONS

DOCS = Path(__file__).resolve().parents[2] / "docs"
KEPALA = "ekonsultasi_addon.group_ekonsultasi_kepala_pd"
# an explicit Sphinx label: ".. _name:" alone on its line
LABEL = re.compile(r"^\.\. _([A-Za-z0-9_-]+):[ \t]*$", re.MULTILINE)


def rst_labels(page):
    """The explicit labels of the .rst that Sphinx builds into ``page``."""
    source = DOCS / page.replace(".html", ".rst")
    if not source.is_file():
        return None
    return set(LABEL.findall(source.read_text(encoding="utf-8")))


@tagged("post_install", "-at_install", "ekonsultasi")
class TestManualLink(EkonsultasiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kepala = new_test_user(
            cls.env,
            login="kepalapd",
            name="H. Syamsul Bahri",
            groups=f"base.group_user,{KEPALA}",
        )
        cls.expected = {
            cls.konsulti: "konsulti",
            cls.konsulti_nagari: "konsulti",
            cls.konsultan_1: "konsultan",
            cls.inspektur: "tim_pengelola",
            cls.kepala: "tim_pengelola",
            cls.administrator: "administrator",
            cls.env.ref("base.user_admin"): "administrator",
        }

    def url_of(self, role, base="/panduan/"):
        page, label = SECTIONS[role]
        return f"{base}{page}#{label}" if label else f"{base}{page}"

    def use_manual_dir(self, path):
        config["ekonsultasi_manual_dir"] = str(path)
        self.addCleanup(config.options.pop, "ekonsultasi_manual_dir", None)

    # -- the manual has each role's part -----------------------------------
    def test_each_role_points_at_a_label_of_the_docs(self):
        self.assertEqual(set(SECTIONS), {"konsulti", "konsultan", "tim_pengelola", "administrator"})
        for role, (page, label) in [*SECTIONS.items(), ("login", LOGIN_SECTION)]:
            with self.subTest(role=role):
                labels = rst_labels(page)
                self.assertIsNotNone(labels, f"{page}: no docs/{page[:-5]}.rst")
                if label:
                    self.assertIn(label, labels, f"no '.. _{label}:' in docs/{page[:-5]}.rst")

    def test_the_users_manual_is_linked_from_its_toctree(self):
        # a page outside the toctree is built but reached by no one
        index = (DOCS / "index.rst").read_text(encoding="utf-8")
        user_manual = (DOCS / "pengguna.rst").read_text(encoding="utf-8")
        for page, _label in SECTIONS.values():
            name = page.removesuffix(".html")
            with self.subTest(page=page):
                self.assertRegex(index + user_manual, rf"(?m)^   {re.escape(name)}$")

    # -- the link of each person -------------------------------------------
    def test_each_person_gets_the_part_of_his_role(self):
        for user, role in self.expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(user._ekonsultasi_manual_role(), role)
                self.assertEqual(user._ekonsultasi_manual_url(), self.url_of(role))

    def test_the_address_of_the_manual_is_a_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.ekonsultasi_manual_url, "/panduan/")
        settings.ekonsultasi_manual_url = "https://dokumen.sijunjung.go.id/ekonsultasi"
        settings.execute()
        self.assertEqual(
            self.konsulti._ekonsultasi_manual_url(),
            "https://dokumen.sijunjung.go.id/ekonsultasi/pengguna_konsulti.html#panduan-konsulti",
        )

    def test_backend_menu_opens_the_part_of_each_role(self):
        menu = self.env.ref("ekonsultasi_addon.ekonsultasi_manual_menu")
        action = self.env.ref("ekonsultasi_addon.ekonsultasi_manual_action")
        for user, role in self.expected.items():
            if user.share:
                continue
            with self.subTest(user=user.login):
                visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
                self.assertIn(menu.id, visible)
                # the app's root too: the menu is reached through it
                self.assertIn(menu.parent_id.id, visible)
                result = action.with_user(user).run()
                self.assertEqual(result["type"], "ir.actions.act_url")
                self.assertEqual(result["target"], "new")
                self.assertEqual(result["url"], self.url_of(role))

    def test_portal_pages_link_the_konsulti_part(self):
        self.authenticate("konsulti", "konsulti")
        ticket = self.consult(self.konsulti.partner_id)
        for url in ("/my", "/my/tickets", f"/my/ticket/{ticket.id}", "/new/ticket"):
            with self.subTest(url=url):
                page = html.fromstring(self.url_open(url).text)
                links = page.xpath("//a[@id='ekonsultasi_manual_link']")
                self.assertEqual(len(links), 1)
                self.assertEqual(links[0].get("href"), self.url_of("konsulti"))
                self.assertEqual(links[0].get("target"), "_blank")

    def test_login_page_links_how_to_log_in(self):
        page = html.fromstring(self.url_open("/web/login").text)
        page_name, label = LOGIN_SECTION
        self.assertEqual(
            page.xpath("//a[@id='ekonsultasi_manual_link']/@href"),
            [f"/panduan/{page_name}#{label}"],
        )

    def test_portal_link_of_a_konsultan_is_his_part(self):
        self.authenticate("konsultan1", "konsultan1")
        page = html.fromstring(self.url_open("/my").text)
        self.assertEqual(
            page.xpath("//a[@id='ekonsultasi_manual_link']/@href"), [self.url_of("konsultan")]
        )

    # -- /panduan/: the built HTML ------------------------------------------
    def test_manual_route_serves_the_built_html_to_anyone(self):
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "html"
            (built / "_static").mkdir(parents=True)
            (built / "index.html").write_text("<html>Daftar isi</html>", encoding="utf-8")
            (built / "pengguna_konsulti.html").write_text(
                "<html><section id='panduan-konsulti'>Panduan konsulti</section></html>",
                encoding="utf-8",
            )
            (built / "_static" / "ekonsultasi.css").write_text("body {}", encoding="utf-8")
            (Path(tmp) / "secret.txt").write_text("rahasia", encoding="utf-8")
            self.use_manual_dir(built)
            # not logged in: the manual says how to log in
            resp = self.url_open("/panduan/pengguna_konsulti.html")
            self.assertEqual(resp.status_code, 200)
            self.assertIn("panduan-konsulti", resp.text)
            self.assertTrue(resp.headers["Content-Type"].startswith("text/html"))
            resp = self.url_open("/panduan/_static/ekonsultasi.css")
            self.assertEqual(resp.status_code, 200)
            self.assertTrue(resp.headers["Content-Type"].startswith("text/css"))
            resp = self.url_open("/panduan", allow_redirects=False)
            self.assertIn(resp.status_code, (301, 302, 303))
            self.assertTrue(resp.headers["Location"].endswith("/panduan/index.html"))
            self.assertIn("Daftar isi", self.url_open("/panduan/").text)
            # nothing outside the manual's folder, however the path is spelt
            for path in ("/panduan/%2e%2e/secret.txt", "/panduan/..%2fsecret.txt"):
                with self.subTest(path=path):
                    resp = self.url_open(path)
                    self.assertEqual(resp.status_code, 404)
                    self.assertNotIn("rahasia", resp.text)
            resp = self.url_open("/panduan/tidak_ada.html")
            self.assertEqual(resp.status_code, 404)
            self.assertIn("not in the user manual", resp.text)

    def test_manual_route_says_when_the_manual_is_not_built(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.use_manual_dir(Path(tmp) / "not_built")
            resp = self.url_open("/panduan/pengguna_konsulti.html")
            self.assertEqual(resp.status_code, 404)
            self.assertIn("make docs", resp.text)

"""The konsulti's portal in headless Chromium (Odoo's own HttpCase browser):
the file chooser of the new-consultation form, and pages that must fit a
phone (390 px) and a desktop (1366 px) without scrolling sideways."""

from ekonsultasi_common import EkonsultasiDataMixin

from odoo.tests import HttpCase, tagged

LONG_TITLE = (
    "Permohonan penjelasan mengenai tindak lanjut rekomendasi hasil pemeriksaan "
    "BPK atas laporan keuangan pemerintah daerah tahun anggaran 2025 yang belum "
    "selesai dan batas waktunya"
)

# the frontend's widgets have started (they come in a lazy bundle)
# (a module's default export is under Symbol.for("default") in Odoo's loader)
STARTED = (
    "odoo.loader.modules.get('@web/legacy/js/public/public_root_instance')[Symbol.for('default')]"
)
READY = STARTED + ".then(() => true)"

# the page URL may not be wider than WIDTH px. Headless Chromium keeps its
# window at least 500 px wide whatever --window-size says: the page is loaded
# in a frame of exactly WIDTH px, whose media queries see WIDTH px.
FITS = """
(async () => {
    const frame = document.createElement("iframe");
    frame.style.cssText = "position:fixed;top:0;left:0;border:0;z-index:9999;"
        + "width:WIDTHpx;height:844px;background:white";
    const loaded = new Promise((resolve) => frame.addEventListener("load", resolve));
    frame.src = "URL";
    document.body.appendChild(frame);
    await loaded;
    const win = frame.contentWindow;
    const root = "@web/legacy/js/public/public_root_instance";
    for (let i = 0; i < 100 && !win.odoo?.loader?.modules.get(root); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await win.odoo.loader.modules.get(root)[Symbol.for("default")];
    const doc = win.document.documentElement;
    if (win.innerWidth !== WIDTH) {
        console.error(`the frame is ${win.innerWidth} px wide, not WIDTH`);
    } else if (doc.scrollWidth > win.innerWidth) {
        const wide = [...win.document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > win.innerWidth + 1)
            .slice(0, 5)
            .map((el) => el.tagName + "." + el.className);
        console.error(`URL is ${doc.scrollWidth} px wide in WIDTH px: ${wide}`);
    } else {
        console.log("test successful");
    }
})();
"""

# helpdesk_mgmt's file handler on the form: a wrong type and a file over the
# administrator's 1 MB are refused in the browser, named next to the field,
# a good file is kept; no error dialog ("Oops!") on the way
FILE_CHOOSER = """
(async () => {
    await STARTED;
    const input = document.querySelector("form.o_ekonsultasi_form input[name=attachment]");
    const files = new DataTransfer();
    files.items.add(new File(["MZ"], "virus.exe"));
    files.items.add(new File([new Uint8Array(1024 * 1024 + 1)], "scan.pdf"));
    files.items.add(new File(["%PDF-1.4"], "lhp.pdf"));
    input.files = files.files;
    input.dispatchEvent(new Event("change", {bubbles: true}));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const info = document.getElementById("attachment_information");
    const kept = [...input.files].map((f) => f.name).join(",");
    if (document.querySelector(".o_error_dialog, .o_dialog .modal-title")) {
        console.error("an error dialog opened");
    } else if (kept !== "lhp.pdf") {
        console.error("files kept: " + kept);
    } else if (!info || info.classList.contains("d-none")
               || !info.textContent.includes("virus.exe")
               || !info.textContent.includes("scan.pdf")) {
        console.error("refused files not named: " + (info && info.outerHTML));
    } else {
        console.log("test successful");
    }
})();
""".replace("STARTED", STARTED)


# without Chromium, Odoo skips each test with "Chrome executable not found"
class PortalBrowserCase(EkonsultasiDataMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_ekonsultasi_data()
        cls.company.write(
            {"ekonsultasi_attachment_max_size": 1, "ekonsultasi_attachment_types": "pdf,png"}
        )
        cls.long = cls.consult(cls.konsulti.partner_id, name=LONG_TITLE)
        cls.answered = cls.consult(cls.konsulti.partner_id, name="Sudah dijawab")
        cls.answer(cls.answered, cls.answered.user_id, body="Jawaban " * 80)

    width = 1366

    def assert_fits(self, url):
        code = FITS.replace("WIDTH", str(self.width)).replace("URL", url)
        self.browser_js("/my", code, ready=READY, login="konsulti")

    def _pages(self):
        return [
            "/my",
            "/my/tickets",
            "/new/ticket",
            f"/my/ticket/{self.long.id}",
            f"/my/ticket/{self.answered.id}",
            "/my/account",
        ]


# closing asks first: refused, the form is not sent
CLOSE_REFUSED = """
(async () => {
    await STARTED;
    let asked = "";
    window.confirm = (text) => { asked = text; return false; };
    const form = document.querySelector("form[action='/ticket/close']");
    form.requestSubmit();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (!asked) {
        console.error("closing did not ask for a confirmation");
    } else if (!document.querySelector("form[action='/ticket/close']")) {
        console.error("the page was left");
    } else {
        console.log("test successful");
    }
})();
""".replace("STARTED", STARTED)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestPortalPhone(PortalBrowserCase):
    browser_size = "500x844"
    touch_enabled = True
    width = 390

    def test_file_chooser_checks_the_limits(self):
        self.browser_js(
            "/new/ticket",
            FILE_CHOOSER,
            ready=READY,
            login="konsulti",
        )

    def test_no_page_scrolls_sideways(self):
        for url in self._pages():
            with self.subTest(url=url):
                self.assert_fits(url)

    def test_closing_asks_for_confirmation(self):
        self.browser_js(
            f"/my/ticket/{self.answered.id}", CLOSE_REFUSED, ready=READY, login="konsulti"
        )
        self.answered.invalidate_recordset()
        self.assertEqual(self.answered.ekonsultasi_state, "answered")


@tagged("post_install", "-at_install", "ekonsultasi")
class TestPortalDesktop(PortalBrowserCase):
    browser_size = "1366x768"
    width = 1366

    def test_no_page_scrolls_sideways(self):
        for url in self._pages():
            with self.subTest(url=url):
                self.assert_fits(url)

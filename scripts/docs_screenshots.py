#!/usr/bin/env python3
"""The screenshots of the user manual (docs/pengguna*.rst), taken from the
demo database (make demo) by headless Chromium through the DevTools
protocol: the konsulti's portal at 390 px (a phone), the konsultan's and the
tim pengelola's backend at 1366 px.

    scripts/docs_screenshots.py --url http://127.0.0.1:8069 --db ekonsultasi_demo \
        --out docs/_generated/screenshots

Run by scripts/docs.sh (make docs). Each person logs in with the demo logins
of scripts/demo_logins.txt; records are found by their XML ids, never by a
database id. What changes from one run to the next (relative dates of the
messages, the counters of the menu bar) is hidden, so that two runs on the
same database give the same pictures. The Lembar Konsultasi is the PDF the
konsulti downloads, its first page drawn by pdftoppm (poppler-utils).

Exit status: 0 when every picture was written, 1 when some failed (their
names are printed), 2 when the server cannot be reached or a login fails.
"""

import argparse
import base64
import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import websocket

PHONE = 390
DESKTOP = 1366
# the demo logins (scripts/demo_logins.txt)
KONSULTI = ("199002202015031001", "konsulti")
KONSULTAN = ("198001152005011003", "konsultan")
INSPEKTUR = ("196808171994031005", "inspektur")
ADMIN = ("admin", "admin")

# what changes between two runs on the same data: relative dates of the
# messages ("5 menit yang lalu"), the counters of the menu bar, blinking carets
STABLE_CSS = """
.o-mail-Message-date, .o-mail-Message-header small.text-muted,
.o_menu_systray .badge, .o_menu_systray .o-mail-MessagingMenu-counter,
.o-mail-ActivityMenu-counter, .o_notification_manager { visibility: hidden !important; }
.o-mail-DateSection { visibility: hidden !important; }
.o_statusbar_status span.text-muted.small { display: none !important; }
* { caret-color: transparent !important; animation: none !important;
    transition: none !important; }
"""

# document.querySelector that also looks into the open shadow roots (the
# portal's chatter lives in one)
DEEP_QUERY = """
window.__deepQuery = window.__deepQuery || function (selector) {
    const roots = [document];
    while (roots.length) {
        const root = roots.shift();
        const found = root.querySelector(selector);
        if (found) return found;
        for (const e of root.querySelectorAll('*')) if (e.shadowRoot) roots.push(e.shadowRoot);
    }
    return null;
};
window.__shadowRoots = function () {
    const out = [], roots = [document];
    while (roots.length) {
        const root = roots.shift();
        for (const e of root.querySelectorAll('*')) {
            if (e.shadowRoot) { out.push(e.shadowRoot); roots.push(e.shadowRoot); }
        }
    }
    return out;
};
"""


class Odoo:
    """A JSON-RPC session of one user (its cookie is handed to Chromium)."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        result = self.rpc(
            "/web/session/authenticate", {"db": db, "login": login, "password": password}
        )
        if not result or not result.get("uid"):
            raise SystemExit(f"docs_screenshots: {login} cannot log in to {db} at {url}")
        self.session_id = next(c.value for c in self.jar if c.name == "session_id")

    def rpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            self.url + path, body, {"Content-Type": "application/json"}
        )
        answer = json.loads(self.opener.open(request, timeout=60).read())
        if "error" in answer:
            raise RuntimeError(f"{path}: {answer['error'].get('data', {}).get('message')}")
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def download(self, path):
        return self.opener.open(self.url + path, timeout=120).read()


class Chromium:
    """One headless Chromium, one tab, driven through the DevTools protocol."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="ekonsultasi-shots-")
        browser = next(
            (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)),
            None,
        )
        if not browser:
            raise SystemExit("docs_screenshots: chromium is not installed")
        self.process = subprocess.Popen(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--hide-scrollbars",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=id-ID",
                "--font-render-hinting=none",
                f"--user-data-dir={self.profile}",
                # a free port chosen by Chromium (several builds may run at once)
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        tabs = None
        for _ in range(150):
            try:
                with open(os.path.join(self.profile, "DevToolsActivePort")) as f:
                    port = f.read().split()[0]
                tabs = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json").read())
                break
            except (OSError, ValueError, IndexError):
                time.sleep(0.2)
        if tabs is None:
            self.close()
            raise SystemExit("docs_screenshots: chromium did not start")
        tab = next(t for t in tabs if t["type"] == "page")
        self.ws = websocket.create_connection(tab["webSocketDebuggerUrl"], timeout=120)
        self.counter = 0
        self.send("Network.enable")
        self.send("Page.enable")

    def send(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        return result.get("result", {}).get("value")

    def login_as(self, odoo):
        self.send("Network.clearBrowserCookies")
        host = urllib.parse.urlsplit(odoo.url).hostname
        self.send(
            "Network.setCookie", name="session_id", value=odoo.session_id, domain=host, path="/"
        )

    def open(self, url, width, ready, settle=1.5, timeout=40, height=None):
        """Load url at width px and wait until the selector ready is shown."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height or (900 if width > PHONE else 844),
            deviceScaleFactor=1,
            mobile=width <= PHONE,
        )
        self.send("Page.navigate", url=url)
        self.wait_for(ready, timeout)
        self.stabilise(settle)

    def wait_for(self, selector, timeout=40):
        deadline = time.monotonic() + timeout
        test = (
            f"{DEEP_QUERY}; document.readyState === 'complete' && "
            f"!!window.__deepQuery({json.dumps(selector)})"
        )
        while time.monotonic() < deadline:
            if self.js(test):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{selector!r} did not appear within {timeout} s")

    def stabilise(self, settle):
        self.js(
            f"{DEEP_QUERY}; (() => {{ for (const root of [document.head, ...window.__shadowRoots()]) {{"
            " const s = document.createElement('style');"
            f" s.textContent = {json.dumps(STABLE_CSS)};"
            " root.appendChild(s); }"
            " if (document.activeElement) document.activeElement.blur(); })()"
        )
        # fonts, images and Owl's last renders
        self.js("document.fonts.ready.then(() => true)")
        time.sleep(settle)

    def shot(self, path, selector=None, full=True, max_height=2600, margin=8):
        """The page (its full height up to max_height) or some elements of it."""
        if selector:
            # one selector, or several: the box around all of them
            selectors = [selector] if isinstance(selector, str) else list(selector)
            box = self.js(
                f"{DEEP_QUERY}; (() => {{ const sels = {json.dumps(selectors)};"
                " const es = sels.map(s => window.__deepQuery(s));"
                " if (es.some(e => !e)) return null; es[0].scrollIntoView({block: 'start'});"
                " const rs = es.map(e => e.getBoundingClientRect());"
                " const x = Math.min(...rs.map(r => r.left)), y = Math.min(...rs.map(r => r.top));"
                " return {x: x + window.scrollX, y: y + window.scrollY,"
                " w: Math.max(...rs.map(r => r.right)) - x,"
                " h: Math.max(...rs.map(r => r.bottom)) - y}; })()"
            )
            if not box:
                raise RuntimeError(f"{selector!r} is not on the page")
            clip = {
                "x": max(box["x"] - margin, 0),
                "y": max(box["y"] - margin, 0),
                "width": box["w"] + 2 * margin,
                "height": min(box["h"] + 2 * margin, max_height),
                "scale": 1,
            }
            data = self.send(
                "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
            )["data"]
        else:
            metrics = self.send("Page.getLayoutMetrics")
            height = int(metrics["cssContentSize"]["height"]) if full else 0
            width = int(metrics["cssLayoutViewport"]["clientWidth"])
            if full and height > metrics["cssLayoutViewport"]["clientHeight"]:
                clip = {
                    "x": 0,
                    "y": 0,
                    "width": width,
                    "height": min(height, max_height),
                    "scale": 1,
                }
                data = self.send(
                    "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
                )["data"]
            else:
                data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        trim_bottom(path)

    def close(self):
        try:
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def trim_bottom(path, keep=16):
    """Cut the empty bottom of a picture (a short list in a tall window):
    the rows of one colour under the last row that has anything on it."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with Odoo; without it the picture stays whole
        return
    with Image.open(path) as image:
        rgb = image.convert("RGB")
    width, height = rgb.size
    pixels = rgb.load()
    bottom = height
    while bottom > 1:
        row = {pixels[x, bottom - 1] for x in range(0, width, 3)}
        if len(row) > 1:
            break
        bottom -= 1
    if bottom + keep < height:
        rgb.crop((0, 0, width, bottom + keep)).save(path)


def xmlid(admin, name):
    module, _, name = name.partition(".")
    rows = admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
        limit=1,
    )
    if not rows:
        raise RuntimeError(f"no record {module}.{name} in the database (demo data missing?)")
    return rows[0]["res_id"]


def backend_action(browser, url, action):
    """Open an action of the web client from JS (a dialog such as a wizard
    has no URL of its own)."""
    browser.js(
        "odoo.__WOWL_DEBUG__.root.env.services.action"
        f".doAction({json.dumps(action)}).then(() => true)"
    )


def take(args):
    out = args.out
    os.makedirs(out, exist_ok=True)
    url = args.url.rstrip("/")
    admin = Odoo(url, args.db, *ADMIN)
    konsulti = Odoo(url, args.db, *KONSULTI)
    konsultan = Odoo(url, args.db, *KONSULTAN)
    inspektur = Odoo(url, args.db, *INSPEKTUR)
    answered = xmlid(admin, "ekonsultasi_addon.ticket_03")
    resubmitted = xmlid(admin, "ekonsultasi_addon.ticket_02")
    lembar = xmlid(admin, "ekonsultasi_addon.ticket_lembar")
    tickets = "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action"
    # (file, person, what to do): each step a function of the browser
    steps = []

    def step(name, person):
        def register(function):
            steps.append((name, person, function))
            return function

        return register

    @step("konsulti_masuk.png", None)
    def _login(b):
        b.open(f"{url}/web/login", PHONE, "form.oe_login_form:not(.d-none)")
        b.js(f"document.querySelector('input[name=login]').value = {json.dumps(KONSULTI[0])}")
        b.shot(os.path.join(out, "konsulti_masuk.png"))

    @step("konsulti_beranda.png", konsulti)
    def _home(b):
        b.open(f"{url}/my", PHONE, ".o_portal_my_home")
        b.shot(os.path.join(out, "konsulti_beranda.png"))

    @step("konsulti_daftar.png", konsulti)
    def _list(b):
        b.open(f"{url}/my/tickets", PHONE, ".o_ekonsultasi_new_button")
        b.shot(os.path.join(out, "konsulti_daftar.png"))

    @step("konsulti_baru.png", konsulti)
    def _new(b):
        b.open(f"{url}/new/ticket", PHONE, "form[action='/submitted/ticket']")
        b.shot(os.path.join(out, "konsulti_baru.png"))

    @step("konsulti_jawaban.png", konsulti)
    def _answer(b):
        b.open(f"{url}/my/ticket/{answered}", PHONE, "#ekonsultasi_rounds", settle=3)
        b.wait_for(".o-mail-Message")
        b.stabilise(1)
        b.shot(os.path.join(out, "konsulti_jawaban.png"), max_height=4000)

    @step("konsulti_ajukan_kembali.png", konsulti)
    def _resubmit(b):
        b.open(f"{url}/my/ticket/{answered}", PHONE, "#ekonsultasi_resubmit", settle=3)
        b.shot(os.path.join(out, "konsulti_ajukan_kembali.png"), selector="#ekonsultasi_resubmit")

    @step("konsulti_tutup.png", konsulti)
    def _close(b):
        b.open(f"{url}/my/ticket/{answered}", PHONE, "div[name=ticket_close_buttons]")
        b.shot(
            os.path.join(out, "konsulti_tutup.png"),
            selector=["div[name=ticket_close_buttons]", "#ekonsultasi_lembar"],
        )

    @step("lembar_konsultasi.png", konsulti)
    def _lembar(b):
        pdf = konsulti.download(f"/my/ticket/{lembar}/lembar")
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError("/my/ticket/<id>/lembar gave no PDF")
        if not shutil.which("pdftoppm"):
            raise RuntimeError("pdftoppm is not installed (apt-get install poppler-utils)")
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "lembar.pdf")
            with open(source, "wb") as f:
                f.write(pdf)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "90",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    source,
                    os.path.join(out, "lembar_konsultasi"),
                ],
                check=True,
            )

    @step("konsultan_daftar.png", konsultan)
    def _konsultan_list(b):
        b.open(
            f"{url}/odoo/action-helpdesk_mgmt.helpdesk_ticket_action",
            DESKTOP,
            ".o_kanban_record, .o_data_row",
        )
        b.shot(os.path.join(out, "konsultan_daftar.png"), full=False)

    @step("konsultan_konsultasi.png", konsultan)
    def _konsultan_ticket(b):
        b.open(f"{url}{tickets}/{resubmitted}", DESKTOP, ".o_form_view .o-mail-Message", settle=2)
        b.shot(os.path.join(out, "konsultan_konsultasi.png"), max_height=1800)

    @step("konsultan_menjawab.png", konsultan)
    def _konsultan_answer(b):
        # a tall window: the chatter scrolls inside the form, out of a picture's reach
        b.open(
            f"{url}{tickets}/{resubmitted}",
            DESKTOP,
            ".o-mail-Chatter-sendMessage",
            settle=2,
            height=2400,
        )
        b.js("document.querySelector('.o-mail-Chatter-sendMessage').click()")
        b.wait_for(".o-mail-Composer-input")
        text = (
            "Bapak/Ibu, kerugian akibat kekurangan volume tetap menjadi tanggung jawab "
            "penyedia sesuai kontrak; Tim Pelaksana Kegiatan menagihnya secara tertulis ..."
        )
        b.js(
            "(() => { const t = document.querySelector('.o-mail-Composer-input');"
            f" t.value = {json.dumps(text)};"
            " t.dispatchEvent(new Event('input', {bubbles: true})); })()"
        )
        b.stabilise(1)
        b.shot(
            os.path.join(out, "konsultan_menjawab.png"),
            selector=[".o-mail-Chatter-topbar", ".o-mail-Composer", ".o-mail-Message"],
            max_height=900,
        )

    @step("konsultan_dasbor.png", konsultan)
    def _konsultan_dashboard(b):
        b.open(f"{url}/odoo/ekonsultasi-dashboard", DESKTOP, ".o_kanban_record")
        b.shot(os.path.join(out, "konsultan_dasbor.png"), full=False)

    @step("tim_rekap.png", inspektur)
    def _recap(b):
        b.open(f"{url}/odoo/ekonsultasi-inspektur", DESKTOP, ".o_action_manager .o_view_controller")
        backend_action(b, url, "ekonsultasi_addon.ekonsultasi_recap_wizard_action")
        b.wait_for(".modal .o_form_view")
        b.stabilise(1.5)
        b.shot(os.path.join(out, "tim_rekap.png"), selector=".modal-content")

    @step("tim_menu_laporan.png", inspektur)
    def _reporting_menu(b):
        b.open(f"{url}/odoo/ekonsultasi-inspektur", DESKTOP, ".o_menu_sections")
        # the last section of the app's menu bar: Laporan (Reporting)
        b.js("[...document.querySelectorAll('.o_menu_sections .dropdown-toggle')].pop().click()")
        b.wait_for(".o-dropdown--menu .dropdown-item")
        b.stabilise(1)
        b.shot(
            os.path.join(out, "tim_menu_laporan.png"),
            selector=[".o_main_navbar", ".o-dropdown--menu"],
        )

    @step("tim_angka.png", inspektur)
    def _figures(b):
        b.open(f"{url}/odoo/ekonsultasi-figures", DESKTOP, ".o_form_view", settle=2)
        b.shot(os.path.join(out, "tim_angka.png"), full=False)

    @step("tim_dasbor.png", inspektur)
    def _dashboard(b):
        b.open(
            f"{url}/odoo/ekonsultasi-inspektur",
            DESKTOP,
            ".o_dashboard .o_graph_renderer canvas",
            settle=3,
        )
        b.shot(os.path.join(out, "tim_dasbor.png"), max_height=1600)

    @step("tim_analisis.png", inspektur)
    def _analysis(b):
        b.open(
            f"{url}/odoo/action-ekonsultasi_addon.ekonsultasi_round_analysis_action",
            DESKTOP,
            ".o_action_manager .o_view_controller",
            settle=3,
        )
        b.shot(os.path.join(out, "tim_analisis.png"), full=False)

    @step("tim_lembar_cetak.png", inspektur)
    def _print_menu(b):
        b.open(
            f"{url}{tickets}/{lembar}", DESKTOP, ".o_form_view .o_cp_action_menus button", settle=2
        )
        b.js("document.querySelector('.o_cp_action_menus button').click()")
        b.wait_for(".o-dropdown--menu")
        b.stabilise(1)
        b.shot(os.path.join(out, "tim_lembar_cetak.png"), full=False)

    failed = []
    browser = Chromium()
    try:
        for name, person, function in steps:
            if args.only and name not in args.only:
                continue
            started = time.monotonic()
            try:
                if person is None:
                    browser.send("Network.clearBrowserCookies")
                else:
                    browser.login_as(person)
                function(browser)
                print(f"  {name} ({time.monotonic() - started:.1f} s)", file=sys.stderr)
            except Exception as error:  # noqa: BLE001 - one failed picture, the others still
                failed.append(name)
                print(f"  {name} FAILED: {error}", file=sys.stderr)
    finally:
        browser.close()
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the demo server, e.g. http://127.0.0.1:8069")
    parser.add_argument("--db", default="ekonsultasi_demo")
    parser.add_argument("--out", required=True, help="folder of the pictures")
    parser.add_argument("--only", nargs="*", help="only these files (to work on one picture)")
    args = parser.parse_args()
    try:
        failed = take(args)
    except OSError as error:
        print(f"docs_screenshots: {args.url} cannot be reached: {error}", file=sys.stderr)
        return 2
    if failed:
        print(
            f"docs_screenshots: {len(failed)} pictures failed: {', '.join(failed)}", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
            f"{DEEP_QUERY}; (() => {{"
            " for (const root of [document.head, ...window.__shadowRoots()]) {"
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


def say(message):
    """A line on stderr (the log of make docs)."""
    sys.stderr.write(message + "\n")


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


def backend_action(browser, action):
    """Open an action of the web client from JS (a dialog such as a wizard
    has no URL of its own)."""
    browser.js(
        "odoo.__WOWL_DEBUG__.root.env.services.action"
        f".doAction({json.dumps(action)}).then(() => true)"
    )


class Pictures:
    """One method per picture, named after its file; PICTURES says who is
    logged in for it (None: nobody)."""

    TICKETS = "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action"
    PICTURES = [
        ("konsulti_masuk.png", None),
        ("konsulti_beranda.png", "konsulti"),
        ("konsulti_daftar.png", "konsulti"),
        ("konsulti_baru.png", "konsulti"),
        ("konsulti_jawaban.png", "konsulti"),
        ("konsulti_ajukan_kembali.png", "konsulti"),
        ("konsulti_tutup.png", "konsulti"),
        ("lembar_konsultasi.png", "konsulti"),
        ("konsultan_daftar.png", "konsultan"),
        ("konsultan_konsultasi.png", "konsultan"),
        ("konsultan_menjawab.png", "konsultan"),
        ("konsultan_dasbor.png", "konsultan"),
        ("tim_menu_laporan.png", "inspektur"),
        ("tim_dasbor.png", "inspektur"),
        ("tim_angka.png", "inspektur"),
        ("tim_rekap.png", "inspektur"),
        ("tim_analisis.png", "inspektur"),
        ("tim_lembar_cetak.png", "inspektur"),
    ]

    def __init__(self, url, db, out):
        self.url = url
        self.out = out
        admin = Odoo(url, db, *ADMIN)
        self.people = {
            "konsulti": Odoo(url, db, *KONSULTI),
            "konsultan": Odoo(url, db, *KONSULTAN),
            "inspektur": Odoo(url, db, *INSPEKTUR),
        }
        # the demo consultations: answered (round 1), submitted again
        # (round 2), and three rounds for the Lembar Konsultasi
        self.answered = xmlid(admin, "ekonsultasi_addon.ticket_03")
        self.resubmitted = xmlid(admin, "ekonsultasi_addon.ticket_02")
        self.lembar = xmlid(admin, "ekonsultasi_addon.ticket_lembar")

    def path(self, name):
        return os.path.join(self.out, name)

    def take(self, only=None):
        failed = []
        browser = Chromium()
        try:
            for name, person in self.PICTURES:
                if only and name not in only:
                    continue
                started = time.monotonic()
                try:
                    if person is None:
                        browser.send("Network.clearBrowserCookies")
                    else:
                        browser.login_as(self.people[person])
                    getattr(self, name.removesuffix(".png"))(browser, self.path(name))
                    say(f"  {name} ({time.monotonic() - started:.1f} s)")
                except Exception as error:  # noqa: BLE001 - one picture failed, the others still
                    failed.append(name)
                    say(f"  {name} FAILED: {error}")
        finally:
            browser.close()
        return failed

    # -- the konsulti, on a phone ---------------------------------------
    def konsulti_masuk(self, b, path):
        b.open(f"{self.url}/web/login", PHONE, "form.oe_login_form:not(.d-none)")
        b.js(f"document.querySelector('input[name=login]').value = {json.dumps(KONSULTI[0])}")
        b.shot(path)

    def konsulti_beranda(self, b, path):
        b.open(f"{self.url}/my", PHONE, ".o_portal_my_home")
        b.shot(path)

    def konsulti_daftar(self, b, path):
        b.open(f"{self.url}/my/tickets", PHONE, ".o_ekonsultasi_new_button")
        b.shot(path)

    def konsulti_baru(self, b, path):
        b.open(f"{self.url}/new/ticket", PHONE, "form[action='/submitted/ticket']")
        b.shot(path)

    def konsulti_jawaban(self, b, path):
        # a tall window: no scrolling, the chatter's composer stays in its place
        url = f"{self.url}/my/ticket/{self.answered}"
        b.open(url, PHONE, "#ekonsultasi_rounds", settle=3, height=3200)
        b.wait_for(".o-mail-Message")
        b.stabilise(1)
        # the rounds and the conversation with the answer (the top of the
        # page is konsulti_tutup.png): a whole page would not fit a printed one
        b.shot(path, selector=["#ekonsultasi_rounds", "#task_chat"], max_height=1400)

    def konsulti_ajukan_kembali(self, b, path):
        b.open(f"{self.url}/my/ticket/{self.answered}", PHONE, "#ekonsultasi_resubmit", settle=3)
        b.shot(path, selector="#ekonsultasi_resubmit")

    def konsulti_tutup(self, b, path):
        b.open(f"{self.url}/my/ticket/{self.answered}", PHONE, "div[name=ticket_close_buttons]")
        b.shot(path, selector=["div[name=ticket_close_buttons]", "#ekonsultasi_lembar"])

    def lembar_konsultasi(self, b, path):
        """The first page of the PDF the konsulti downloads."""
        pdf = self.people["konsulti"].download(f"/my/ticket/{self.lembar}/lembar")
        if not pdf.startswith(b"%PDF"):
            raise RuntimeError("/my/ticket/<id>/lembar gave no PDF")
        if not shutil.which("pdftoppm"):
            raise RuntimeError("pdftoppm is not installed (apt-get install poppler-utils)")
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "lembar.pdf")
            with open(source, "wb") as f:
                f.write(pdf)
            page = ["-f", "1", "-l", "1", "-singlefile"]
            target = path.removesuffix(".png")
            subprocess.run(["pdftoppm", "-png", "-r", "90", *page, source, target], check=True)

    # -- the konsultan, at 1366 px --------------------------------------
    def konsultan_daftar(self, b, path):
        b.open(f"{self.url}{self.TICKETS}", DESKTOP, ".o_kanban_record, .o_data_row")
        b.shot(path, full=False)

    def konsultan_konsultasi(self, b, path):
        url = f"{self.url}{self.TICKETS}/{self.resubmitted}"
        b.open(url, DESKTOP, ".o_form_view .o-mail-Message", settle=2)
        b.shot(path, max_height=1800)

    def konsultan_menjawab(self, b, path):
        # a tall window: the chatter scrolls inside the form, out of a picture's reach
        url = f"{self.url}{self.TICKETS}/{self.resubmitted}"
        b.open(url, DESKTOP, ".o-mail-Chatter-sendMessage", settle=2, height=2400)
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
        selector = [".o-mail-Chatter-topbar", ".o-mail-Composer", ".o-mail-Message"]
        b.shot(path, selector=selector, max_height=900)

    def konsultan_dasbor(self, b, path):
        b.open(f"{self.url}/odoo/ekonsultasi-dashboard", DESKTOP, ".o_kanban_record")
        b.shot(path, full=False)

    # -- the tim pengelola / Inspektur, at 1366 px ----------------------
    def tim_menu_laporan(self, b, path):
        b.open(f"{self.url}/odoo/ekonsultasi-inspektur", DESKTOP, ".o_menu_sections")
        # the last section of the app's menu bar: Laporan (Reporting)
        b.js("[...document.querySelectorAll('.o_menu_sections .dropdown-toggle')].pop().click()")
        b.wait_for(".o-dropdown--menu .dropdown-item")
        b.stabilise(1)
        b.shot(path, selector=[".o_main_navbar", ".o-dropdown--menu"])

    def tim_dasbor(self, b, path):
        ready = ".o_dashboard .o_graph_renderer canvas"
        b.open(f"{self.url}/odoo/ekonsultasi-inspektur", DESKTOP, ready, settle=3)
        b.shot(path, max_height=1600)

    def tim_angka(self, b, path):
        b.open(f"{self.url}/odoo/ekonsultasi-figures", DESKTOP, ".o_form_view", settle=2)
        b.shot(path, full=False)

    def tim_rekap(self, b, path):
        ready = ".o_action_manager .o_view_controller"
        b.open(f"{self.url}/odoo/ekonsultasi-inspektur", DESKTOP, ready)
        backend_action(b, "ekonsultasi_addon.ekonsultasi_recap_wizard_action")
        b.wait_for(".modal .o_form_view")
        b.stabilise(1.5)
        b.shot(path, selector=".modal-content")

    def tim_analisis(self, b, path):
        url = f"{self.url}/odoo/action-ekonsultasi_addon.ekonsultasi_round_analysis_action"
        b.open(url, DESKTOP, ".o_action_manager .o_view_controller", settle=3)
        b.shot(path, full=False)

    def tim_lembar_cetak(self, b, path):
        url = f"{self.url}{self.TICKETS}/{self.lembar}"
        b.open(url, DESKTOP, ".o_form_view .o_cp_action_menus button", settle=2)
        b.js("document.querySelector('.o_cp_action_menus button').click()")
        b.wait_for(".o-dropdown--menu")
        b.stabilise(1)
        b.shot(path, full=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the demo server, e.g. http://127.0.0.1:8069")
    parser.add_argument("--db", default="ekonsultasi_demo")
    parser.add_argument("--out", required=True, help="folder of the pictures")
    parser.add_argument("--only", nargs="*", help="only these files (to work on one picture)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    try:
        failed = Pictures(args.url.rstrip("/"), args.db, args.out).take(args.only)
    except OSError as error:
        say(f"docs_screenshots: {args.url} cannot be reached: {error}")
        return 2
    if failed:
        say(f"docs_screenshots: {len(failed)} pictures failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

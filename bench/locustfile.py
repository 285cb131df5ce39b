"""The Locust users of bench/bench_load.py (issue 13, measured under load).

Run by bench/bench_load.py with the Python of ``.venv-bench`` (Locust needs a
newer gevent than Odoo's pin), never by hand on a server that matters: the
users submit and answer consultations.

- ``Konsulti``: logs in to the portal, lists his consultations, opens one,
  sends a new consultation with a small PDF through the form, reads an
  answer and submits it again (Pasal 13).
- ``Konsultan``: logs in to the backend, lists the open consultations of
  his teams, opens one (record and chatter, as the form view does) and
  answers it in the chatter (what registers the answer of the round).
- ``SendOurs`` and ``SendPlain``: the comparison of the portal submission,
  ours against helpdesk_mgmt's own, each the same steps (form, then the POST)
  on its own database served by the same server.

Environment (set by bench_load.py): BENCH_USERS (the JSON of
bench/load_seed.py, with ``password``, ``db`` and ``plain_db``),
BENCH_RECORD (a JSON-lines file: one line per request and one per piece of
work the server acknowledged), THINK_MIN and THINK_MAX (seconds).

The users are Locust's ``FastHttpUser`` (geventhttpclient), not ``HttpUser``
(python-requests): Locust runs on the server's own two cores, and per request
the requests client spent about three times the CPU, taken from the server it
measures when the cores are full.
"""
# pylint: disable=missing-function-docstring  # Locust tasks, named by what they do

import itertools
import json
import os
import random
import re
import time
import urllib.parse

import gevent
from locust import FastHttpUser, between, events, task
from requests.cookies import create_cookie

THINK_MIN = float(os.environ.get("THINK_MIN", "1"))
THINK_MAX = float(os.environ.get("THINK_MAX", "5"))
TIMEOUT = float(os.environ.get("BENCH_REQUEST_TIMEOUT", "120"))
# the warm-up: every user logs in (or resumes his session), then waits
LOGIN_ONLY = os.environ.get("BENCH_LOGIN_ONLY") == "1"
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
KEY = re.compile(r'name="submission_key"\s+value="([0-9a-f]{32})"')
TICKET_LINK = re.compile(r'href="/my/ticket/(\d+)')
TICKET_URL = re.compile(r"/my/ticket/(\d+)")
RESUBMIT_FORM = re.compile(r'action="/my/ticket/(\d+)/resubmit"')
# Odoo's login page (web.login): where a lost session or a refused login lands
LOGIN_FORM = "oe_login_form"
# a small valid PDF (the server checks the content against the extension)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n" + b"%" + b"x" * 20000 + b"\n%%EOF\n"

_users = None
_record = None
_counters = {}
_sessions = None


def users():
    global _users  # read once per process
    if _users is None:
        with open(os.environ["BENCH_USERS"], encoding="utf-8") as src:
            _users = json.load(src)
    return _users


def record(**line):
    """One line of BENCH_RECORD (the process's greenlets write whole lines)."""
    global _record
    if _record is None:
        _record = open(os.environ["BENCH_RECORD"], "a", encoding="utf-8")  # noqa: SIM115
    _record.write(json.dumps(line) + "\n")
    _record.flush()


def sessions():
    """The sessions of earlier runs, by database and login (BENCH_SESSIONS,
    a JSON-lines file, the last line of an account wins): a user logs in
    once a benchmark, as a person once a day, not at every step."""
    global _sessions
    if _sessions is None:
        _sessions = {}
        path = os.environ.get("BENCH_SESSIONS")
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as src:
                for line in src:
                    try:
                        item = json.loads(line)
                    except ValueError:
                        continue
                    _sessions[(item["db"], item["login"])] = item["sid"]
    return _sessions


def save_session(db, login, sid):
    sessions()[(db, login)] = sid
    path = os.environ.get("BENCH_SESSIONS")
    if path and sid:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"db": db, "login": login, "sid": sid}) + "\n")


def next_account(kind):
    """The next seeded account of ``kind`` (each Locust user its own while
    there are enough)."""
    counter = _counters.setdefault(kind, itertools.count())
    accounts = users()[kind]
    return accounts[next(counter) % len(accounts)]


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, exception, **_kw):
    record(
        kind="request",
        name=name,
        t=time.time(),
        ms=response_time,
        ok=exception is None,
        error=str(exception)[:200] if exception else None,
    )


@events.spawning_complete.add_listener
def on_spawning_complete(user_count, **_kw):
    record(kind="spawned", t=time.time(), users=user_count)


class OdooUser(FastHttpUser):
    abstract = True
    wait_time = between(THINK_MIN, THINK_MAX)
    insecure = True  # the self-signed certificate of serve.sh
    network_timeout = TIMEOUT
    connection_timeout = TIMEOUT
    role = "konsulti"  # who the names of the requests say acts
    db_key = "db"

    def think(self):
        gevent.sleep(random.uniform(THINK_MIN, THINK_MAX))

    def get(self, url, name, **kw):
        """A GET that must answer 200 (a redirect to the login page is an
        error: the session was lost)."""
        with self.client.get(url, name=name, catch_response=True, **kw) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif LOGIN_FORM in (response.text or "") and not url.startswith("/web/login"):
                response.failure("sent to the login page")
            return response

    def cookie(self, name):
        """The value of the session's cookie ``name`` (None: not set)."""
        return next((c.value for c in self.client.cookiejar if c.name == name), None)

    def login(self, login):
        """Resume the account's session of an earlier step, else log in
        (the session keeps the database); then say so in the record: the
        measure starts once every user is in."""
        db = users()[self.db_key]
        sid = sessions().get((db, login))
        if sid:
            host = urllib.parse.urlsplit(self.host).hostname
            session_cookie = create_cookie("session_id", sid, domain=host, path="/")
            self.client.cookiejar.set_cookie(session_cookie)
            with self.client.post(
                "/web/session/get_session_info",
                name=f"{self.role}: resume session",
                json={"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1},
                catch_response=True,
            ) as response:
                try:
                    uid = (response.json().get("result") or {}).get("uid")
                except ValueError:
                    uid = None
                # an expired session is no error: the user logs in again
                response.success()
            if uid:
                record(kind="ready", t=time.time())
                return True
            self.client.cookiejar.clear()
        name = f"{self.role}: log in"
        # the database chosen once (two are served): the session keeps it
        self.client.get(f"/web/login?db={db}", name=name, allow_redirects=False)
        page = self.get("/web/login", name)
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/web/login",
            name=name,
            catch_response=True,
            data={
                "login": login,
                "password": users()["password"],
                "csrf_token": token.group(1) if token else "",
            },
        ) as response:
            if response.status_code != 200 or LOGIN_FORM in (response.text or ""):
                response.failure(f"login {login} refused (HTTP {response.status_code})")
                return False
        save_session(db, login, self.cookie("session_id"))
        record(kind="ready", t=time.time())
        return True

    def send_form(self, prefix, topics="topics"):
        """The new-consultation form, then its POST, on a topic of
        ``topics`` (a key of BENCH_USERS); returns the id the server answered
        with (None on an error)."""
        page = self.get("/new/ticket", f"{prefix}: new form")
        text = page.text or ""
        token = CSRF.search(text)
        key = KEY.search(text)
        topic = random.choice(users()[topics])
        data = {
            "csrf_token": token.group(1) if token else "",
            "category": str(topic["category"]),
            "subject": f"Konsultasi beban {random.randint(1, 10**9)}",
            "description": "Bagaimana batas waktu tindak lanjut temuan pemeriksaan?",
        }
        if key:
            data["submission_key"] = key.group(1)
        if topic.get("agency"):
            data["perangkat_daerah"] = str(topic["agency"])
        if topic.get("team"):
            data["team"] = str(topic["team"])
        self.think()  # writing the problem
        db = users()[self.db_key]
        record(kind="attempt", db=db, key=data.get("submission_key"))
        with self.client.post(
            "/submitted/ticket",
            name=f"{prefix}: send",
            data=data,
            files={"attachment": ("surat.pdf", PDF, "application/pdf")},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = TICKET_URL.search(response.headers.get("Location", ""))
            if response.status_code not in (302, 303) or not found:
                response.failure(f"not sent (HTTP {response.status_code})")
                record(kind="failed", db=db, key=data.get("submission_key"))
                return None
            ticket_id = int(found.group(1))
        record(
            kind="submitted",
            db=db,
            id=ticket_id,
            key=data.get("submission_key"),
        )
        return ticket_id


class Konsulti(OdooUser):
    weight = 4

    def on_start(self):
        account = next_account("konsulti")
        self.answered = list(account["answered"])
        self.logged_in = self.login(account["login"])

    def ticket_ids(self):
        page = self.get("/my/tickets", "konsulti: list")
        return sorted({int(i) for i in TICKET_LINK.findall(page.text or "")})

    @task(3)
    def browse(self):
        if LOGIN_ONLY:
            return
        ids = self.ticket_ids()
        if ids:
            self.think()
            ticket_id = random.choice(ids)
            page = self.get(f"/my/ticket/{ticket_id}", "konsulti: open")
            if RESUBMIT_FORM.search(page.text or "") and ticket_id not in self.answered:
                self.answered.append(ticket_id)

    @task(2)
    def send(self):
        if LOGIN_ONLY:
            return
        ticket_id = self.send_form("konsulti")
        if ticket_id:
            # the page the form leads to: the receipt (number, topic, limit)
            self.get(f"/my/ticket/{ticket_id}?sent=1", "konsulti: receipt")

    @task(1)
    def read_answer_and_resubmit(self):
        if LOGIN_ONLY:
            return
        if not self.answered:
            return
        ticket_id = self.answered.pop(random.randrange(len(self.answered)))
        page = self.get(f"/my/ticket/{ticket_id}", "konsulti: read answer")
        text = page.text or ""
        token = CSRF.search(text)
        if not RESUBMIT_FORM.search(text) or not token:
            return  # closed or submitted again meanwhile
        self.think()  # why the answer does not help
        with self.client.post(
            f"/my/ticket/{ticket_id}/resubmit",
            name="konsulti: re-submit",
            data={"csrf_token": token.group(1), "reason": "Jawaban belum menjawab pertanyaan."},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code not in (302, 303) or "error=" in location:
                response.failure(f"not re-submitted (HTTP {response.status_code} {location})")
                return
        record(kind="resubmitted", db=users()["db"], id=ticket_id)


class Konsultan(OdooUser):
    weight = 1
    role = "konsultan"

    def on_start(self):
        self.logged_in = self.login(next_account("konsultan"))
        info = self.rpc("/web/session/get_session_info", {}, "konsultan: log in")
        self.uid = (info or {}).get("uid")

    def rpc(self, url, params, name):
        """A JSON-RPC call as the web client makes it; None on an error."""
        with self.client.post(
            url,
            name=name,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            catch_response=True,
        ) as response:
            try:
                body = response.json()
            except ValueError:
                response.failure(f"HTTP {response.status_code}, not JSON")
                return None
            if "error" in body:
                response.failure(str(body["error"].get("data", {}).get("name") or body["error"]))
                return None
            return body.get("result")

    def call_kw(self, model, method, args, kwargs, name):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            name,
        )

    @task
    def answer_one(self):
        if LOGIN_ONLY:
            return
        found = self.call_kw(
            "helpdesk.ticket",
            "web_search_read",
            [],
            {
                "domain": [["ekonsultasi_state", "in", ["new", "resubmitted", "progress"]]],
                "specification": {
                    "number": {},
                    "name": {},
                    "partner_id": {"fields": {"display_name": {}}},
                    "category_id": {"fields": {"display_name": {}}},
                    "stage_id": {"fields": {"display_name": {}}},
                    "user_id": {"fields": {"display_name": {}}},
                },
                "limit": 80,
                "order": "id desc",
            },
            "konsultan: list",
        )
        records = (found or {}).get("records") or []
        if not records:
            return
        self.think()
        ticket_id = random.choice(records)["id"]
        self.call_kw(
            "helpdesk.ticket",
            "web_read",
            [[ticket_id]],
            {
                "specification": {
                    "number": {},
                    "name": {},
                    "description": {},
                    "partner_id": {"fields": {"display_name": {}}},
                    "category_id": {"fields": {"display_name": {}}},
                    "stage_id": {"fields": {"display_name": {}}},
                    "round_ids": {"fields": {"number": {}, "start_date": {}}},
                }
            },
            "konsultan: open",
        )
        self.rpc(
            "/mail/thread/messages",
            {"thread_model": "helpdesk.ticket", "thread_id": ticket_id, "limit": 30},
            "konsultan: open",
        )
        self.think()  # writing the answer
        result = self.rpc(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket_id,
                "post_data": {
                    "body": "Jawaban konsultan: silakan lihat ketentuan berikut.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
            "konsultan: answer",
        )
        if result is not None:
            record(kind="answered", db=users()["db"], id=ticket_id)


class SendOurs(OdooUser):
    """The comparison: our portal submission (ekonsultasi_addon)."""

    role = "compare ekonsultasi_addon"

    def on_start(self):
        self.logged_in = self.login(next_account("konsulti")["login"])

    @task
    def send(self):
        if LOGIN_ONLY:
            return
        self.send_form("compare ekonsultasi_addon")


class SendPlain(OdooUser):
    """The comparison: helpdesk_mgmt's own portal submission, on the
    database with helpdesk_mgmt only."""

    db_key = "plain_db"
    role = "compare helpdesk_mgmt"

    def on_start(self):
        self.logged_in = self.login(next_account("plain_konsulti")["login"])

    @task
    def send(self):
        if LOGIN_ONLY:
            return
        self.send_form("compare helpdesk_mgmt", topics="plain_topics")

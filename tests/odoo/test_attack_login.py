"""The login door, attacked (issue 9): each hole an outside attack run found
has a test here that failed before its fix (said in its docstring), against
a real slapd with generated SIMPEG entries (tests/ldap), through
``res.users.authenticate`` as /web/login calls it and over HTTP.

1. an inactive directory person (kedudukan hukum not 01) got an account;
2. the login cooldown did not hold for directory logins written differently
   (leading space, upper case);
3. anyone could sign up (auth_signup's b2c default), and reset a directory
   account's password;
4. local accounts (the administrator's too) accepted the directory password
   of an entry with the same login;
5. a directory login that could not be completed raised a 500.

And: the synchronisation of one company's directory never touches the
accounts of another company's directory (two slapd)."""

import logging
import re
import socket
import sys
import threading
import time
from pathlib import Path

from odoo import Command, http
from odoo.exceptions import AccessDenied, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ldap"))

import simpeg_data
import simpeg_odoo
import slapd

KONSULTI = "ekonsultasi_addon.group_ekonsultasi_konsulti"
ADMIN = "ekonsultasi_addon.group_ekonsultasi_admin"
LDAP_LOGGER = "odoo.addons.ekonsultasi_addon.models.res_company_ldap"
USERS_LOGGER = "odoo.addons.ekonsultasi_addon.models.res_users"
RUN_LOGGER = "odoo.addons.ekonsultasi_addon.models.ekonsultasi_simpeg_sync_run"
# Odoo's own login lines; ours are muted too unless a test asserts them
QUIET = (
    "odoo.addons.base.models.res_users",
    "odoo.addons.auth_ldap.models.res_company_ldap",
    "odoo.addons.auth_signup.controllers.main",
    "odoo.addons.auth_signup.models.res_users",
    "odoo.http",
)
OURS = (LDAP_LOGGER, USERS_LOGGER)
COOLDOWN_AFTER = 5
TOO_MANY = "Too many login failures"
DIRECTORY_DOWN = "The SIMPEG directory cannot be reached"
DIRECTORY_DOWN_ID = "Direktori SIMPEG tidak dapat dihubungi"


def local_entry(login, password, name):
    """LDIF of a plain directory entry (no SIMPEG attributes) for ``login``."""
    return (
        f"dn: uid={login},{slapd.PEOPLE_DN}\n"
        "objectClass: inetOrgPerson\n"
        f"uid: {login}\ncn: {name}\nsn: {name.split()[-1]}\n"
        f"userPassword: {password}\n\n"
    )


class LoginDoorMixin:
    """Logging in as /web/login does, directly and over HTTP, with the
    failure counters of the login cooldown emptied around each test."""

    def setUp(self):
        super().setUp()
        ICP = self.env["ir.config_parameter"]
        ICP.set_param("base.login_cooldown_after", COOLDOWN_AFTER)
        ICP.set_param("base.login_cooldown_duration", 60)
        self._forget_failures()
        self.addCleanup(self._forget_failures)

    def _forget_failures(self):
        # Odoo's own counter lives on the registry, shared by every test of
        # the run; ours is in the database (rolled back with each test too)
        counter = getattr(self.registry, "_login_failures", None)
        if counter is not None:
            counter.clear()
        self.env.cr.execute("DELETE FROM ekonsultasi_login_failure")

    def login(self, login, password, logs=False):
        """``res.users.authenticate`` as /web/login calls it (no HTTP
        request: Odoo's own cooldown, by IP address, does not apply);
        returns the uid, raises AccessDenied. ``logs``: leave the addon's
        log lines to an enclosing assertLogs."""
        self.env.flush_all()
        credential = {"type": "password", "login": login, "password": password}
        try:
            with mute_logger(*QUIET, *(() if logs else OURS)):
                auth = self.registry["res.users"].authenticate(
                    self.env.cr.dbname, credential, {"interactive": True}
                )
        finally:
            self.env.invalidate_all()
        return auth["uid"]

    def refused(self, login, password, logs=False):
        """The AccessDenied of a refused login (fails if it is accepted).
        Not assertRaises: Odoo's rolls the transaction back to before the
        call, and with it the failure the login counted (committed in its own
        transaction outside tests: ekonsultasi.login.failure)."""
        try:
            self.login(login, password, logs=logs)
        except AccessDenied as exc:
            return exc
        self.fail(f"the login {login!r} was accepted")

    def web_login(self, login, password, logs=False):
        """POST /web/login from a fresh session, as a browser does (the CSRF
        token read from the form); returns the response, not followed."""
        self.env.flush_all()
        self.opener.cookies.clear()
        with mute_logger(*QUIET, *(() if logs else OURS)):
            page = self.url_open("/web/login")
            self.assertEqual(page.status_code, 200)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            response = self.url_open(
                "/web/login",
                data={"login": login, "password": password, "csrf_token": token},
                allow_redirects=False,
            )
        self.env.invalidate_all()
        # a refused login is the login page again, never an error page
        self.assertIn(response.status_code, (200, 302, 303), response.text[-2000:])
        return response

    def assertWebLoggedIn(self, response):
        self.assertIn(response.status_code, (302, 303), "the login was refused")
        stored = http.root.session_store.get(self.opener.cookies.get("session_id"))
        self.assertTrue(stored.uid, "no user in the session")
        return stored.uid

    def assertWebRefused(self, response, message="Wrong login/password"):
        """The login page again, with ``message`` (None: any message)."""
        self.assertEqual(response.status_code, 200, "the login was accepted")
        self.assertIn('class="alert alert-danger"', response.text)
        if message is not None:
            self.assertIn(message, response.text)

    def user(self, login):
        return self.env["res.users"].with_context(active_test=False).search([("login", "=", login)])


@tagged("post_install", "-at_install", "ekonsultasi")
class TestAttackLogin(LoginDoorMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        simpeg_odoo.setup_directory(cls, 30)
        # the directory also knows logins of local accounts, with its own passwords
        cls.directory.server.add_ldif(
            local_entry("admin", "Direktori-admin!", "Admin Direktori")
            + local_entry("budi.lokal", "Direktori-budi!", "Budi Direktori")
            + local_entry("portal.lokal", "Direktori-portal!", "Portal Direktori")
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.password = "Lokal-admin-9!"
        cls.internal = new_test_user(
            cls.env, login="budi.lokal", groups="base.group_user", password="Lokal-budi-9!"
        )
        cls.portal = new_test_user(
            cls.env, login="portal.lokal", groups=KONSULTI, password="Lokal-portal-9!"
        )

    @classmethod
    def tearDownClass(cls):
        cls.directory.close()
        super().tearDownClass()

    def restore_later(self, *keys):
        people = [self.people[k] for k in keys]
        self.addCleanup(simpeg_odoo.restore, self.directory, *people)
        return people

    # 1. inactive directory person ----------------------------------------------
    def test_inactive_person_gets_no_account(self):
        """Failed before the fix: the login of an entry with kedudukan hukum
        99 created a portal Konsulti account (the sync skips such people,
        the login did not)."""
        person = self.people["inactive"]
        self.assertFalse(person.active)
        with self.assertLogs(LDAP_LOGGER, "WARNING") as logs:
            self.refused(person.login, person.password, logs=True)
        self.assertFalse(self.user(person.login))
        self.assertIn(person.login, "\n".join(logs.output))
        self.assertIn("inactive", "\n".join(logs.output))
        # the same decision as the synchronisation, which skips him
        run = self.env["ekonsultasi.simpeg.sync.run"]
        with mute_logger(RUN_LOGGER):
            run = run._run_sync(self.server, "full", dry_run=True)
        creates = run.line_ids.filtered(lambda line: line.kind == "create").mapped("login")
        self.assertNotIn(person.login, creates)
        self.assertIn(self.people["pelaksana"].login, creates)

    def test_inactive_person_with_account_refused(self):
        """Failed before the fix: a person whose account exists kept logging
        in through the directory after his kedudukan hukum became inactive
        (auth_ldap's password check of an existing account)."""
        (person,) = self.restore_later("pelaksana")
        uid = self.login(person.login, person.password)
        simpeg_odoo.modify(self.directory, person, simpegKedudukanHukum="99")
        with self.assertLogs(LDAP_LOGGER, "WARNING") as logs:
            self.refused(person.login, person.password, logs=True)
            self.assertWebRefused(self.web_login(person.login, person.password, logs=True))
        self.assertIn("inactive", "\n".join(logs.output))
        self.assertTrue(self.env["res.users"].browse(uid).active)
        # active again in the directory: he logs in again
        simpeg_odoo.modify(self.directory, person, simpegKedudukanHukum="01")
        self.assertEqual(self.login(person.login, person.password), uid)

    # 2. the login cooldown -----------------------------------------------------
    def _guess(self, login, times):
        for _attempt in range(times):
            self.refused(login, "tebakan-salah")

    def test_cooldown_holds_for_every_spelling_of_a_login(self):
        """Failed before the fix: without an HTTP request Odoo counts no
        failure at all (its cooldown is per IP address), and a login written
        with a leading space or in upper case was tried against the directory
        and logged into the existing account whatever the cooldown."""
        person = self.people["perangkat_nagari"]  # a login with letters
        uid = self.login(person.login, person.password)
        self._guess(person.login, COOLDOWN_AFTER)
        variants = [
            person.login,
            f" {person.login}",
            f"{person.login} ",
            person.login.upper(),
            f"\t{person.login.title()}\u200b",
            person.login.upper().translate({ord(c): ord(c) + 0xFEE0 for c in "AEIOU"}),
        ]
        for variant in variants:
            with self.subTest(login=variant):
                exc = self.refused(variant, person.password)
                self.assertIn(TOO_MANY, str(exc))
        # wrong guesses on variants count for the same account
        other = self.people["pelaksana"]
        self.login(other.login, other.password)
        for variant in (f" {other.login}", f"{other.login}  ", f"\u200b{other.login}"):
            self.refused(variant, "tebakan-salah")
        self.refused(other.login, "tebakan-salah")
        self.refused(f"  {other.login}", "tebakan-salah")
        self.assertIn(TOO_MANY, str(self.refused(other.login, other.password)))
        # the cooldown over, the same spellings log into the same account
        self.env["ir.config_parameter"].set_param("base.login_cooldown_duration", 1)
        time.sleep(1.1)
        self.assertEqual(self.login(f"  {person.login.upper()} ", person.password), uid)
        self.assertEqual(self.login(person.login, person.password), uid)

    def test_cooldown_holds_over_http(self):
        """Failed before the fix: after the failures that put the address on
        cooldown, /web/login refused the plain login but let the same login
        with a leading space or in upper case into the account (30 wrong
        guesses in 3 s were never throttled)."""
        person = self.people["perangkat_nagari"]
        uid = self.assertWebLoggedIn(self.web_login(person.login, person.password))
        for _attempt in range(COOLDOWN_AFTER):
            guess = self.web_login(f" {person.login.upper()}", "tebakan-salah")
            self.assertWebRefused(guess, message=None)
        for variant in (person.login, f" {person.login}", person.login.upper()):
            with self.subTest(login=variant):
                self.assertWebRefused(self.web_login(variant, person.password), TOO_MANY)
        # nor does a first login from the same address reach the directory
        newcomer = self.people["ahli_muda"]
        self.assertWebRefused(self.web_login(newcomer.login, newcomer.password), TOO_MANY)
        self.assertFalse(self.user(newcomer.login))
        # the cooldown over: the spellings log into the same account
        self.env["ir.config_parameter"].set_param("base.login_cooldown_duration", 1)
        time.sleep(1.1)
        self.assertEqual(
            self.assertWebLoggedIn(self.web_login(f" {person.login.upper()} ", person.password)),
            uid,
        )

    # 3. sign-up ----------------------------------------------------------------
    def test_nobody_can_sign_up(self):
        """Failed before the fix: auth_signup's install sets the invitation
        scope to b2c, so /web/signup offered a form that created portal
        accounts and the login page linked to it."""
        self.opener.cookies.clear()
        login_page = self.url_open("/web/login")
        self.assertEqual(login_page.status_code, 200)
        self.assertNotIn("/web/signup", login_page.text)
        self.assertNotIn("/web/reset_password", login_page.text)
        with mute_logger(*QUIET):
            form = self.url_open("/web/signup")
        self.assertNotIn('name="confirm_password"', form.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text).group(1)
        with mute_logger(*QUIET):
            posted = self.url_open(
                "/web/signup",
                data={
                    "login": "penyusup@example.com",
                    "name": "Penyusup",
                    "password": "Penyusup-123!",
                    "confirm_password": "Penyusup-123!",
                    "csrf_token": token,
                },
                allow_redirects=False,
            )
        self.assertNotEqual(posted.status_code, 500)
        self.assertFalse(self.user("penyusup@example.com"))
        ICP = self.env["ir.config_parameter"]
        self.assertNotEqual(ICP.get_param("auth_signup.invitation_scope"), "b2c")
        self.assertNotEqual(ICP.get_param("auth_signup.reset_password"), "True")

    def test_directory_account_password_is_not_reset(self):
        """Failed before the fix: with password reset on (auth_signup's
        default), a directory account could be sent a link to set a local
        password, a second password the directory does not control."""
        person = self.people["pelaksana"]
        user = self.env["res.users"].browse(self.login(person.login, person.password))
        self.env["ir.config_parameter"].set_param("auth_signup.reset_password", "True")
        mails = self.env["mail.mail"].search_count([("email_to", "=", user.email)])
        with self.assertRaises(UserError), mute_logger(*QUIET):
            self.env["res.users"].sudo().reset_password(person.login)
        with self.assertRaises(UserError):
            user.action_reset_password()
        self.opener.cookies.clear()
        page = self.url_open("/web/reset_password")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        with mute_logger(*QUIET):
            response = self.url_open(
                "/web/reset_password", data={"login": person.login, "csrf_token": token}
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("SIMPEG", response.text)
        self.env.invalidate_all()
        self.assertEqual(self.env["mail.mail"].search_count([("email_to", "=", user.email)]), mails)
        # a local account still can
        self.portal.email = "portal.lokal@example.com"
        self.portal.action_reset_password()

    # 4. local accounts and the directory password --------------------------------
    def test_administrator_not_reachable_with_directory_password(self):
        """Failed before the fix: auth_ldap tries the directory when the local
        password is wrong, so the directory password of an entry named
        'admin' opened the administrator's account, also written ' admin'."""
        # (logging.INFO: Odoo renames level 25 "INFO")
        with self.assertLogs(USERS_LOGGER, logging.INFO) as logs:
            self.refused("admin", "Direktori-admin!", logs=True)
        self.assertIn("administrator", "\n".join(logs.output))
        for variant in (" admin", "ADMIN", "admin\u200b"):
            with self.subTest(login=variant):
                self.refused(variant, "Direktori-admin!")
        self.assertWebRefused(self.web_login(" Admin", "Direktori-admin!"))
        # five failures of one account, however written: on cooldown
        self.assertIn(TOO_MANY, str(self.refused("admin", "Lokal-admin-9!")))
        # his own password still works
        self._forget_failures()
        self.assertEqual(self.login("admin", "Lokal-admin-9!"), self.admin.id)
        # auth_ldap's first-login path with an existing account: refused too
        conf = self.server._simpeg_conf()
        entry = self.server._authenticate(conf, "admin", "Direktori-admin!")
        self.assertTrue(entry, "the directory password is right")
        with self.assertRaises(AccessDenied), mute_logger(LDAP_LOGGER):
            self.env["res.company.ldap"]._get_or_create_user(conf, " admin", entry)

    def test_administrator_password_change_stays_local(self):
        """Failed before the fix: auth_ldap's password change tries every
        directory with the old password, so the directory password of an
        entry named 'admin' changed that entry's password and emptied the
        administrator's local one."""
        Users = self.env["res.users"].with_user(self.admin)
        with self.assertRaises(AccessDenied), mute_logger(*QUIET, *OURS):
            Users.change_password("Direktori-admin!", "Baru-admin-9!")
        self.env.invalidate_all()
        conf = self.server._simpeg_conf()
        self.assertTrue(self.server._authenticate(conf, "admin", "Direktori-admin!"))
        self.assertEqual(self.login("admin", "Lokal-admin-9!"), self.admin.id)

    def test_local_internal_account_not_reachable_portal_is(self):
        """Failed before the fix: a local internal account (not from the
        directory) opened with the directory password of an entry with the
        same login. A local portal account still may (README rule)."""
        self.refused("budi.lokal", "Direktori-budi!")
        self.assertEqual(self.login("budi.lokal", "Lokal-budi-9!"), self.internal.id)
        self.assertEqual(self.login("portal.lokal", "Direktori-portal!"), self.portal.id)
        self.assertEqual(self.login("portal.lokal", "Lokal-portal-9!"), self.portal.id)

    def test_directory_account_made_administrator_not_reachable(self):
        """Failed before the fix: an account from the directory promoted to
        E-Konsultasi Administrator kept logging in with the directory
        password; an administrator logs in with a local password only."""
        person = self.people["ahli_muda"]
        user = self.env["res.users"].browse(self.login(person.login, person.password))
        user.write(
            {
                "groups_id": [Command.set([self.env.ref("base.group_user").id])],
            }
        )
        user.write({"groups_id": [Command.link(self.env.ref(ADMIN).id)]})
        self.assertTrue(user.has_group(ADMIN))
        self.refused(person.login, person.password)
        user.password = "Lokal-muda-9!"
        self.assertEqual(self.login(person.login, "Lokal-muda-9!"), user.id)
        # an internal user from the directory (a konsultan) still logs in with it
        user.write({"groups_id": [Command.set([self.env.ref("base.group_user").id])]})
        self.assertEqual(self.login(person.login, person.password), user.id)

    # 5. the directory down or answering wrong -----------------------------------------
    def test_directory_down_local_accounts_still_log_in(self):
        """Passed before the fix too (kept as a guard): with the directory on
        a closed port, a directory login is refused without a 500, the
        administrator and local accounts log in."""
        person = self.people["pelaksana"]
        self.server.ldap_server_port = slapd.free_port()
        self.refused(person.login, person.password)
        self.assertWebRefused(self.web_login(person.login, person.password), DIRECTORY_DOWN)
        self.assertEqual(self.login("admin", "Lokal-admin-9!"), self.admin.id)
        self.assertEqual(
            self.assertWebLoggedIn(self.web_login("budi.lokal", "Lokal-budi-9!")),
            self.internal.id,
        )
        # a wrong local password of an administrator does not wait for the directory
        self.refused("admin", "salah")

    def test_directory_stopped_then_started(self):
        """Issue 12, the SIMPEG directory down (slapd itself stopped, then
        started again): local accounts log in; a directory login, first or
        not, is refused with the reason, in the visitor's language (Bahasa
        Indonesia, the database's); once slapd is back the same logins work."""
        person = self.people["pelaksana"]
        known = self.people["jpt"]
        known_uid = self.login(known.login, known.password)  # his account exists
        self.directory.server.stop()
        self.addCleanup(self.directory.server.start)
        with self.assertLogs(LDAP_LOGGER, "ERROR"):
            for login, password in ((person.login, person.password), (known.login, known.password)):
                self.assertIn(DIRECTORY_DOWN, str(self.refused(login, password, logs=True)))
        self.assertEqual(self.login("admin", "Lokal-admin-9!"), self.admin.id)
        self.assertEqual(
            self.assertWebLoggedIn(self.web_login("portal.lokal", "Lokal-portal-9!")),
            self.portal.id,
        )
        # the login page of a visitor of an Indonesian database says why (a
        # visitor reads the database's language: ir.http._ekonsultasi_visitor_lang)
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(["ekonsultasi_addon"], ["id_ID"])
        self.env["ir.default"].set("res.partner", "lang", "id_ID")
        self.opener.cookies.clear()
        self.authenticate(None, None)
        with mute_logger(*QUIET, *OURS):
            page = self.url_open("/web/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            response = self.url_open(
                "/web/login",
                data={"login": person.login, "password": person.password, "csrf_token": token},
                allow_redirects=False,
            )
        self.assertWebRefused(response, DIRECTORY_DOWN_ID)
        # slapd back: the same logins work, nothing to restart in Odoo
        self.directory.server.start()
        self.assertEqual(self.login(known.login, known.password), known_uid)
        self.assertTrue(self.login(person.login, person.password))

    def test_directory_answering_garbage(self):
        """Passed before the fix too (kept as a guard): a server that is not
        an LDAP server on the directory's port makes a refused login, not a
        500, and local accounts log in."""
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(0.2)
        stop = threading.Event()

        def answer_garbage():
            while not stop.is_set():
                try:
                    conn, _addr = listener.accept()
                except OSError:
                    continue
                with conn:
                    conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n\x00\xff" * 8)

        thread = threading.Thread(target=answer_garbage, daemon=True)
        thread.start()
        self.addCleanup(listener.close)
        self.addCleanup(thread.join, 2)
        self.addCleanup(stop.set)
        self.server.ldap_server_port = listener.getsockname()[1]
        person = self.people["pelaksana"]
        self.refused(person.login, person.password)
        # python-ldap reads it as a server down: the konsulti is told so
        self.assertWebRefused(self.web_login(person.login, person.password), DIRECTORY_DOWN)
        self.assertEqual(
            self.assertWebLoggedIn(self.web_login("budi.lokal", "Lokal-budi-9!")),
            self.internal.id,
        )

    def test_nip_already_on_a_contact_is_a_refused_login(self):
        """Failed before the fix: a first login whose NIP is already recorded
        on a local contact raised an IntegrityError, an error page (400, with
        the database's message) instead of a refused login. Refused now, as
        the synchronisation leaves such an entry alone."""
        person = self.people["no_mail"]
        self.env["res.partner"].create(
            {"name": "Doni (kontak lokal)", "nip": person.login, "asn_type": "pns"}
        )
        with self.assertLogs(LDAP_LOGGER, "WARNING") as logs:
            self.assertWebRefused(self.web_login(person.login, person.password, logs=True))
            self.refused(person.login, person.password, logs=True)
        self.assertIn("NIP", "\n".join(logs.output))
        self.assertFalse(self.user(person.login))
        # others log in
        other = self.people["pppk"]
        self.assertTrue(self.login(other.login, other.password))

    def test_account_the_database_refuses_is_a_refused_login(self):
        """Failed before the fix: any failure to create the account of a
        first login (here a CHECK constraint of the database, a refusal
        nobody foresaw) was an error page instead of a refused login."""
        person = self.people["administrator"]
        self.env.cr.execute(
            "ALTER TABLE res_partner ADD CONSTRAINT attack_test_no_syafrizal "
            "CHECK (name NOT LIKE '%%Syafrizal%%')"
        )
        with self.assertLogs(LDAP_LOGGER, "ERROR") as logs, mute_logger("odoo.sql_db"):
            self.assertWebRefused(self.web_login(person.login, person.password, logs=True))
            self.refused(person.login, person.password, logs=True)
        self.assertIn(person.login, "\n".join(logs.output))
        self.assertFalse(self.user(person.login))
        other = self.people["pppk"]
        self.assertTrue(self.login(other.login, other.password))


@tagged("post_install", "-at_install", "ekonsultasi")
class TestTwoDirectories(LoginDoorMixin, HttpCase):
    """Two companies, each with its own SIMPEG directory (two slapd). Some
    people are in both (a transfer): in directory B one has another
    password and name, one is inactive; most of A's people are absent from
    B. Nothing B's sync or B's passwords do may reach A's accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Kabupaten Uji B"})
        cls.dir_a = simpeg_odoo.start_directory(24)
        cls.people_a = cls.dir_a.by_key()
        shared = [cls.people_a[key] for key in ("pelaksana", "pppk", "ahli_muda")]
        a_logins = {p.login for p in cls.dir_a.people}
        others = [
            p
            for p in simpeg_data.generate(40, seed=777)[len(simpeg_data.CASES) :]
            if p.login not in a_logins
        ]
        cls.dir_b = simpeg_odoo.start_directory(people=shared + others)
        for server in (cls.dir_a, cls.dir_b):
            cls.addClassCleanup(server.close)
        # in B: pelaksana has another password and name, pppk is inactive
        pelaksana, pppk, _muda = shared
        simpeg_odoo.modify(
            cls.dir_b,
            pelaksana,
            userPassword="Sandi-di-B!",
            displayName="Rizki Putra (di B)",
        )
        simpeg_odoo.modify(cls.dir_b, pppk, simpegKedudukanHukum="99")
        cls.b_logins = {p.login for p in others if p.active and "invalid_nip" not in p.flags}
        for company in (cls.company_a, cls.company_b):
            simpeg_odoo.regional_codes(cls.env, company)
        Ldap = cls.env["res.company.ldap"]
        cls.server_a = Ldap.create(simpeg_odoo.server_values(cls.dir_a, cls.company_a))
        cls.server_b = Ldap.create(simpeg_odoo.server_values(cls.dir_b, cls.company_b))

    def sync(self, server, mode="full"):
        with mute_logger(RUN_LOGGER):
            run = self.env["ekonsultasi.simpeg.sync.run"]._run_sync(server, mode)
        self.assertEqual(run.state, "done", run.error_message)
        return run

    def accounts(self, server):
        Users = self.env["res.users"].with_context(active_test=False)
        return Users.search([("simpeg_ldap_id", "=", server.id)])

    def snapshot(self, users):
        fields = ["login", "name", "active", "company_id", "simpeg_ldap_id", "simpeg_fingerprint"]
        return {row["id"]: row for row in users.read(fields)}

    def test_sync_of_one_directory_never_touches_the_other(self):
        """Passed before the fix too (kept as a guard): B's full and
        incremental passes neither update, archive nor take over A's
        accounts, though B holds some of the same logins (one inactive, one
        renamed) and lacks the others."""
        self.sync(self.server_a)
        a_users = self.accounts(self.server_a)
        self.assertGreater(len(a_users), 15)
        before = self.snapshot(a_users)
        run_b = self.sync(self.server_b)
        self.sync(self.server_b, "incremental")
        again_b = self.sync(self.server_b)
        self.env.invalidate_all()
        self.assertEqual(self.snapshot(a_users), before)
        self.assertEqual(self.accounts(self.server_a), a_users)
        # B did its own work: created its own people, in its company, archived none
        b_users = self.accounts(self.server_b)
        self.assertEqual(set(b_users.mapped("login")), self.b_logins)
        self.assertEqual(b_users.company_id, self.company_b)
        self.assertEqual((run_b.archived_count, again_b.archived_count), (0, 0))
        # the shared logins are reported on B's run, left as they are
        errors = run_b.line_ids.filtered(lambda line: line.kind == "error").mapped("login")
        self.assertIn(self.people_a["pelaksana"].login, errors)
        self.assertIn(self.people_a["ahli_muda"].login, errors)
        # and A's own pass still finds everything unchanged
        run_a = self.sync(self.server_a)
        self.assertEqual((run_a.updated_count, run_a.archived_count), (0, 0))
        self.assertEqual(run_a.unchanged_count, len(a_users))

    def test_other_directory_password_does_not_open_an_account(self):
        """Failed before the fix: auth_ldap tried every directory for an
        existing account, so B's password of a person in both directories
        opened his account of company A."""
        person = self.people_a["pelaksana"]
        uid = self.login(person.login, person.password)
        self.assertEqual(self.env["res.users"].browse(uid).simpeg_ldap_id, self.server_a)
        self.refused(person.login, "Sandi-di-B!")
        self.assertWebRefused(self.web_login(person.login, "Sandi-di-B!"))
        self.assertEqual(self.login(person.login, person.password), uid)

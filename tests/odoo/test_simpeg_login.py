"""Login of konsulti with their SIMPEG account through auth_ldap (Pasal 9),
against a real slapd (tests/ldap): first login creates a portal account in
the Konsulti group with the profile, wrong passwords and filter injection are
refused, STARTTLS and ldaps work."""

import sys
from pathlib import Path

import ldap

from odoo.exceptions import AccessDenied
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ldap"))

import simpeg_odoo

KONSULTI = "ekonsultasi_addon.group_ekonsultasi_konsulti"
KONSULTAN = "ekonsultasi_addon.group_ekonsultasi_konsultan"


@tagged("post_install", "-at_install", "ekonsultasi")
class TestSimpegLogin(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        simpeg_odoo.setup_directory(cls, 30, tls=True)

    @classmethod
    def tearDownClass(cls):
        cls.directory.close()
        super().tearDownClass()

    def login(self, login, password):
        """res.users.authenticate as /web/login calls it; returns the uid."""
        self.env.flush_all()
        credential = {"type": "password", "login": login, "password": password}
        with mute_logger("odoo.addons.base.models.res_users"):
            auth = self.registry["res.users"].authenticate(
                self.env.cr.dbname, credential, {"interactive": True}
            )
        self.env.invalidate_all()
        return auth["uid"]

    def user(self, login):
        return self.env["res.users"].with_context(active_test=False).search([("login", "=", login)])

    # first login -------------------------------------------------------
    def test_first_login_creates_portal_konsulti_with_profile(self):
        person = self.people["pelaksana"]
        self.assertFalse(self.user(person.login))
        uid = self.login(person.login, person.password)
        user = self.env["res.users"].browse(uid)
        self.assertEqual(user.login, person.login)
        self.assertTrue(user.share, "a konsulti is a portal user")
        self.assertTrue(user.has_group(KONSULTI))
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertFalse(user.has_group("base.group_user"))
        self.assertFalse(user.has_group(KONSULTAN))
        self.assertEqual(user.name, "Rizki Putra, A.Md.")
        self.assertEqual(user.nip, person.login)
        self.assertEqual(user.asn_type, "pns")
        self.assertEqual(user.konsulti_origin, "perangkat_daerah")
        self.assertEqual(user.jabatan_name, "Pengadministrasi Umum")
        self.assertEqual(user.jenis_jabatan, "pelaksana")
        self.assertEqual(user.perangkat_daerah_id.code, "1.01")
        self.assertEqual(user.email, "rizki.putra@sijunjung.go.id")
        self.assertEqual(user.company_id, self.company)
        self.assertEqual(user.simpeg_ldap_id, self.server)
        self.assertEqual(user.simpeg_dn, person.dn)
        self.assertTrue(user.simpeg_fingerprint)
        # the second login finds the account (auth_ldap's _check_credentials)
        self.assertEqual(self.login(person.login, person.password), uid)
        self.assertEqual(len(self.user(person.login)), 1)

    def test_first_login_of_perangkat_nagari_with_directory_identifier(self):
        person = self.people["perangkat_nagari"]
        user = self.env["res.users"].browse(self.login(person.login, person.password))
        self.assertTrue(user.share)
        self.assertEqual(user.konsulti_origin, "desa")
        self.assertEqual(user.desa_id.code, "13.03.03.2001")
        self.assertFalse(user.nip)
        self.assertFalse(user.perangkat_daerah_id)

    def test_internal_template_user_is_never_copied(self):
        self.server.user = self.env.ref("base.user_admin")
        person = self.people["ahli_madya"]
        user = self.env["res.users"].browse(self.login(person.login, person.password))
        self.assertTrue(user.share)
        self.assertFalse(user.has_group("base.group_user"))
        self.assertFalse(user.has_group("base.group_system"))
        # a konsultan candidate (Pasal 8) is not made konsultan automatically
        self.assertTrue(user.is_konsultan_candidate)
        self.assertFalse(user.has_group(KONSULTAN))

    # refused -------------------------------------------------------------
    def test_wrong_password_refused(self):
        person = self.people["pppk"]
        for password in ("salah", "", person.password.upper()):
            with self.assertRaises(AccessDenied):
                self.login(person.login, password)
        self.assertFalse(self.user(person.login))
        # an existing account: a wrong password is refused too
        self.login(person.login, person.password)
        with self.assertRaises(AccessDenied):
            self.login(person.login, "salah")

    def test_filter_injection_refused(self):
        person = self.people["pelaksana"]
        for login in ("*", "*)(uid=*", f"{person.login})(|(uid=*", "199*", f"{person.login}\\00"):
            with self.subTest(login=login), self.assertRaises(AccessDenied):
                self.login(login, person.password)
        self.assertFalse(self.env["res.users"].search([("simpeg_ldap_id", "=", self.server.id)]))

    def test_invalid_nip_and_inactive_entries_refused(self):
        person = self.people["invalid_nip"]
        with self.assertRaises(AccessDenied):
            self.login(person.login, person.password)
        self.assertFalse(self.user(person.login))

    def test_archived_account_refused(self):
        person = self.people["pelaksana"]
        uid = self.login(person.login, person.password)
        self.env["res.users"].browse(uid).active = False
        with self.assertRaises(AccessDenied):
            self.login(person.login, person.password)

    def test_non_simpeg_server_keeps_auth_ldap_behaviour(self):
        self.server.simpeg_enabled = False
        self.server.user = self.env.ref("base.default_user", raise_if_not_found=False) or False
        person = self.people["no_mail"]
        user = self.env["res.users"].browse(self.login(person.login, person.password))
        self.assertFalse(user.simpeg_ldap_id)
        self.assertFalse(user.has_group(KONSULTI))

    # TLS -------------------------------------------------------------------
    def test_starttls(self):
        self.server.write({"ldap_tls": True, "ldap_ca_file": str(self.directory.server.ca_file)})
        person = self.people["pelaksana"]
        self.assertTrue(self.login(person.login, person.password))

    def test_auth_ldap_connection_is_the_libs(self):
        """auth_ldap's ``_connect`` (its own query and password change) is
        built by ``simpeg_ldap.open_connection``: STARTTLS with the CA and
        time-outs of the server, referrals chased unless
        ``auth_ldap.disable_chase_ref`` says no, as auth_ldap does."""
        self.server.write({"ldap_tls": True, "ldap_ca_file": str(self.directory.server.ca_file)})
        Ldap = self.env["res.company.ldap"]
        conf = next(c for c in Ldap._get_ldap_dicts() if c["id"] == self.server.id)
        params = self.env["ir.config_parameter"].sudo()
        for disabled, chased in (("True", False), ("False", True)):
            params.set_param("auth_ldap.disable_chase_ref", disabled)
            conn = Ldap._connect(conf)
            try:
                self.assertEqual(bool(conn.get_option(ldap.OPT_REFERRALS)), chased)
                self.assertEqual(conn.get_option(ldap.OPT_NETWORK_TIMEOUT), 5)
                self.assertTrue(conn.get_option(ldap.OPT_X_TLS_VERSION))  # encrypted
                conn.simple_bind_s(conf["ldap_binddn"], conf["ldap_password"])
                self.assertTrue(conn.whoami_s())
            finally:
                conn.unbind_s()
        # and auth_ldap's own query goes through it
        self.assertTrue(Ldap._query(conf, "(objectClass=inetOrgPerson)", ["uid"]))

    def test_ldaps(self):
        self.server.write(
            {
                "ldap_ssl": True,
                "ldap_server_port": self.directory.server.ldaps_port,
                "ldap_ca_file": str(self.directory.server.ca_file),
            }
        )
        person = self.people["pelaksana"]
        self.assertTrue(self.login(person.login, person.password))

    def test_tls_with_unknown_certificate_refused(self):
        self.server.write({"ldap_tls": True, "ldap_ca_file": False})
        person = self.people["pelaksana"]
        with (
            mute_logger("odoo.addons.ekonsultasi_addon.models.res_company_ldap"),
            self.assertRaises(AccessDenied),
        ):
            self.login(person.login, person.password)
        self.assertFalse(self.user(person.login))

"""Synchronisation of the konsulti accounts with the SIMPEG directory
(ekonsultasi.simpeg.sync.run), against a real slapd (tests/ldap)."""

import dataclasses
import datetime as dt
import sys
from pathlib import Path
from unittest.mock import patch

import ldap

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ldap"))

import simpeg_data
import simpeg_odoo
import slapd

KONSULTI = "ekonsultasi_addon.group_ekonsultasi_konsulti"
KONSULTAN = "ekonsultasi_addon.group_ekonsultasi_konsultan"
ADMIN = "ekonsultasi_addon.group_ekonsultasi_admin"
RUN_LOGGER = "odoo.addons.ekonsultasi_addon.models.ekonsultasi_simpeg_sync_run"


@tagged("post_install", "-at_install", "ekonsultasi")
class TestSimpegSync(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        simpeg_odoo.setup_directory(cls, 60)
        cls.Run = cls.env["ekonsultasi.simpeg.sync.run"]
        valid = [p for p in cls.directory.people if "invalid_nip" not in p.flags]
        cls.expected_logins = {p.login for p in valid if p.active}
        cls.local = new_test_user(cls.env, login="lokal", name="Akun Lokal", groups=KONSULTI)

    @classmethod
    def tearDownClass(cls):
        cls.directory.close()
        super().tearDownClass()

    def sync(self, mode="full", dry_run=False):
        with mute_logger(RUN_LOGGER):
            return self.Run._run_sync(self.server, mode, dry_run=dry_run)

    def ldap_users(self, **domain):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search(
                [("simpeg_ldap_id", "=", self.server.id)] + [(k, "=", v) for k, v in domain.items()]
            )
        )

    def user(self, key):
        return self.ldap_users(login=self.people[key].login)

    def restore_later(self, *keys):
        people = [self.people[k] for k in keys]
        self.addCleanup(simpeg_odoo.restore, self.directory, *people)
        return people

    # first sync ---------------------------------------------------------------
    def test_first_sync_creates_portal_konsulti(self):
        run = self.sync()
        self.assertEqual(run.state, "done", run.error_message)
        users = self.ldap_users()
        self.assertEqual(set(users.mapped("login")), self.expected_logins)
        self.assertTrue(all(users.mapped("share")))
        self.assertTrue(all(u.has_group(KONSULTI) for u in users))
        self.assertFalse(any(u.has_group("base.group_user") for u in users))
        self.assertFalse(any(u.has_group(KONSULTAN) for u in users))
        self.assertEqual(users.company_id, self.company)
        # counts of the log
        self.assertEqual(run.seen_count, 60)
        self.assertEqual(run.created_count, len(self.expected_logins))
        self.assertEqual(run.skipped_count, sum(1 for p in self.directory.people if not p.active))
        self.assertEqual((run.updated_count, run.archived_count, run.unchanged_count), (0, 0, 0))
        self.assertEqual(run.error_count, 1)
        error = run.line_ids.filtered(lambda line: line.kind == "error")
        self.assertEqual(error.login, self.people["invalid_nip"].login)
        # unknown unit kerja: reported, not guessed
        warning = run.line_ids.filtered(
            lambda line: line.login == self.people["unknown_unit"].login
        )
        self.assertEqual(warning.kind, "warning")
        self.assertIn("unit kerja", warning.details)
        # kept as codes and parameters: read in the reader's language (issue 10)
        self.assertEqual(warning.problems[0]["code"], "unit_kerja_unknown")
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["ekonsultasi_addon"], ["id_ID"], overwrite=True
        )
        self.assertIn("kode unit kerja tidak dikenal", warning.with_context(lang="id_ID").details)
        self.assertIn("NIP", error.with_context(lang="id_ID").details)
        self.assertIn(error.problems[0]["detail"], self.env["res.partner"]._nip_messages())
        self.assertFalse(self.user("unknown_unit").perangkat_daerah_id)
        # the profile, with the konsultan candidates computed by res.partner
        madya = self.user("ahli_madya")
        self.assertEqual(madya.jenjang_fungsional, "ahli_madya")
        self.assertEqual(madya.perangkat_daerah_id.code, "6.01")
        self.assertTrue(madya.is_konsultan_candidate)
        self.assertTrue(self.user("administrator").is_konsultan_candidate)
        self.assertFalse(self.user("ahli_muda").is_konsultan_candidate)
        self.assertEqual(self.user("sekretaris_nagari").desa_id.code, "13.03.04.2001")
        self.assertEqual(self.user("sekretaris_nagari").nik, "1303012505850001")
        # the server writes the escapes of the DN its own way: compare parsed
        self.assertEqual(
            ldap.dn.str2dn(self.user("special_dn").simpeg_dn),
            ldap.dn.str2dn(self.people["special_dn"].dn),
        )
        # a second run changes nothing
        again = self.sync()
        self.assertEqual(
            (again.created_count, again.updated_count, again.archived_count, again.unchanged_count),
            (0, 0, 0, len(self.expected_logins)),
        )

    def test_dry_run_writes_nothing(self):
        run = self.sync(dry_run=True)
        self.assertEqual(run.state, "done")
        self.assertTrue(run.dry_run)
        self.assertFalse(self.ldap_users())
        self.assertEqual(run.created_count, len(self.expected_logins))
        creates = run.line_ids.filtered(lambda line: line.kind == "create")
        self.assertEqual(set(creates.mapped("login")), self.expected_logins)
        self.assertFalse(self.server.simpeg_watermark)
        # after a real sync, a dry run shows a change without writing it
        self.sync()
        (person,) = self.restore_later("pelaksana")
        simpeg_odoo.modify(self.directory, person, title="Analis Keuangan")
        preview = self.sync(dry_run=True)
        self.assertEqual(preview.updated_count, 1)
        update = preview.line_ids.filtered(lambda line: line.kind == "update")
        self.assertIn("Analis Keuangan", update.details)
        self.assertEqual(self.user("pelaksana").jabatan_name, "Pengadministrasi Umum")

    # updates -------------------------------------------------------------------
    def test_change_of_jabatan_and_agency_updates(self):
        self.sync()
        pelaksana, muda = self.restore_later("pelaksana", "ahli_muda")
        simpeg_odoo.modify(self.directory, pelaksana, title="Analis Keuangan")
        simpeg_odoo.modify(
            self.directory,
            muda,
            simpegUnitKerja="6.01",
            simpegJenjang="MA",
            title="Pranata Komputer Ahli Madya",
        )
        run = self.sync()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.updated_count, 2)
        self.assertEqual(run.unchanged_count, len(self.expected_logins) - 2)
        self.assertEqual(self.user("pelaksana").jabatan_name, "Analis Keuangan")
        moved = self.user("ahli_muda")
        self.assertEqual(moved.perangkat_daerah_id.code, "6.01")
        self.assertEqual(moved.jenjang_fungsional, "ahli_madya")
        self.assertTrue(moved.is_konsultan_candidate)
        self.assertFalse(moved.has_group(KONSULTAN), "the role is given by the administrator")
        lines = run.line_ids.filtered(lambda line: line.kind == "update")
        self.assertEqual(set(lines.mapped("login")), {pelaksana.login, muda.login})

    def test_incremental_reads_only_modified_entries(self):
        self.sync()
        self.assertTrue(self.server.simpeg_watermark)
        # modifyTimestamp counts whole seconds: modify in a later second than
        # the watermark; the run reads that entry, and those of the
        # watermark's own second again (other tests' restores may have put
        # entries there), which it finds unchanged
        watermark = dt.datetime.strptime(self.server.simpeg_watermark, "%Y%m%d%H%M%SZ")
        slapd.wait_for_next_second(watermark)
        at_watermark = self.entries_since(self.server.simpeg_watermark)
        (person,) = self.restore_later("pelaksana")
        simpeg_odoo.modify(self.directory, person, title="Analis Keuangan")
        run = self.sync("incremental")
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(run.seen_count, len(at_watermark | {person.dn}))
        self.assertLess(run.seen_count, len(self.directory.people))
        self.assertEqual(run.updated_count, 1)
        self.assertEqual(
            run.line_ids.filtered(lambda line: line.kind == "update").login, person.login
        )
        self.assertEqual(self.user("pelaksana").jabatan_name, "Analis Keuangan")
        # the second of the new watermark is read again, and found unchanged
        again = self.sync("incremental")
        self.assertEqual(again.seen_count, len(self.entries_since(self.server.simpeg_watermark)))
        self.assertGreaterEqual(again.seen_count, 1)
        self.assertEqual((again.updated_count, again.created_count), (0, 0))

    def test_incremental_reads_a_change_in_the_second_of_the_watermark(self):
        """Failed before the fix: the incremental read started one second
        after the watermark, so an entry changed later in the same second as
        the last one read waited for the nightly full pass."""
        self.sync()
        (person,) = self.restore_later("pelaksana")
        simpeg_odoo.modify(self.directory, person, title="Analis Kepegawaian")
        stamp = self.modify_timestamp(person)
        # as if the last sync had read another entry changed in that second
        # just before this one
        self.server.simpeg_watermark = stamp
        run = self.sync("incremental")
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(run.updated_count, 1)
        self.assertEqual(self.user("pelaksana").jabatan_name, "Analis Kepegawaian")

    def _admin_search(self, base, scope, filterstr="(objectClass=*)"):
        server = self.directory.server
        connection = ldap.initialize(server.uri)
        try:
            connection.simple_bind_s(server.admin_dn, server.admin_password)
            return connection.search_s(base, scope, filterstr, ["modifyTimestamp"])
        finally:
            connection.unbind_s()

    def modify_timestamp(self, person):
        ((_dn, attrs),) = self._admin_search(person.dn, ldap.SCOPE_BASE)
        return attrs["modifyTimestamp"][0].decode()

    def entries_since(self, stamp):
        """DNs of the people whose modifyTimestamp is at or after ``stamp``."""
        found = self._admin_search(
            self.directory.server.people_dn,
            ldap.SCOPE_ONELEVEL,
            f"(&(objectClass=inetOrgPerson)(modifyTimestamp>={stamp}))",
        )
        return {dn for dn, _attrs in found}

    # archives ------------------------------------------------------------------
    def test_removed_entry_archived_only_after_full_pass(self):
        self.sync()
        (person,) = self.restore_later("no_mail")
        simpeg_odoo.delete(self.directory, person)
        incremental = self.sync("incremental")
        self.assertEqual(incremental.archived_count, 0)
        self.assertTrue(self.user("no_mail").active)
        full = self.sync()
        self.assertEqual(full.state, "done")
        self.assertEqual(full.archived_count, 1)
        self.assertFalse(self.user("no_mail").active)
        line = full.line_ids.filtered(lambda line: line.kind == "archive")
        self.assertEqual(line.login, person.login)
        # back in the directory: reactivated
        simpeg_odoo.restore(self.directory, person)
        back = self.sync()
        self.assertEqual(back.reactivated_count, 1)
        self.assertTrue(self.user("no_mail").active)

    def test_inactive_entry_archived_by_full_pass(self):
        self.sync()
        (person,) = self.restore_later("jpt")
        simpeg_odoo.modify(self.directory, person, simpegKedudukanHukum="04")
        self.sync("incremental")
        self.assertTrue(self.user("jpt").active)
        run = self.sync()
        self.assertEqual(run.archived_count, 1)
        self.assertFalse(self.user("jpt").active)

    def test_archive_guard_withholds_until_confirmed(self):
        self.sync()
        keys = ("jpt", "pengawas", "no_mail", "pppk")  # 4 of ~55 > 5 %
        people = self.restore_later(*keys)
        simpeg_odoo.delete(self.directory, *people)
        run = self.sync()
        self.assertEqual(run.state, "to_confirm")
        self.assertEqual(run.archived_count, 0)
        self.assertEqual(run.withheld_count, 4)
        self.assertTrue(all(self.user(k).active for k in keys))
        withheld = run.line_ids.filtered(lambda line: line.kind == "withheld")
        self.assertEqual(set(withheld.mapped("login")), {p.login for p in people})
        run.action_confirm_archive()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.archived_count, 4)
        self.assertFalse(any(self.user(k).active for k in keys))
        self.assertTrue(all(withheld.mapped("applied")))
        # a larger share allowed: archived without confirmation
        simpeg_odoo.restore(self.directory, *people)
        self.sync()
        self.server.simpeg_max_archive_share = 10
        simpeg_odoo.delete(self.directory, *people)
        self.assertEqual(self.sync().archived_count, 4)

    def test_login_used_twice_across_pages_is_left_alone(self):
        self.sync()
        self.server.simpeg_page_size = 5  # the two entries of the login in different pages
        person = next(
            p for p in self.directory.people if p.active and not p.flags and p.key != "pelaksana"
        )
        other, _person = self.restore_later("pelaksana", person.key)
        before = self.user(person.key).jabatan_name
        simpeg_odoo.modify(self.directory, person, title="Jabatan Baru")
        simpeg_odoo.modify(self.directory, other, title="Analis Keuangan")
        name = f"Kembar {person.login}"
        twin = dataclasses.replace(
            person,
            dn=f"cn={name},{person.dn.split(',', 1)[1]}",
            attrs=dict(person.attrs, cn=[name]),
        )
        self.directory.server.add_ldif(simpeg_data.to_ldif([twin]))
        self.addCleanup(simpeg_odoo.delete, self.directory, twin)
        original = type(self.Run)._simpeg_entries
        reads = []

        def counted(run, *args, **kwargs):
            reads.append(1)
            yield from original(run, *args, **kwargs)

        with patch.object(type(self.Run), "_simpeg_entries", counted):
            run = self.sync()
        self.assertEqual(run.state, "done", run.error_message)
        # its first page was applied before the second entry showed up: the
        # pass was undone and run again, leaving the login alone
        self.assertEqual(len(reads), 2)
        self.assertEqual(self.user(person.key).jabatan_name, before)
        self.assertTrue(self.user(person.key).active)
        self.assertEqual(self.user("pelaksana").jabatan_name, "Analis Keuangan")
        self.assertEqual((run.updated_count, run.archived_count), (1, 0))
        self.assertEqual(run.seen_count, 61)
        twice = run.line_ids.filtered(
            lambda line: line.kind == "error" and "two entries" in line.details
        )
        self.assertEqual(twice.login, person.login)
        self.assertEqual(run.error_count, 2)  # and the invalid NIP

    # failures --------------------------------------------------------------
    def test_directory_down_mid_run_changes_nothing(self):
        self.sync()
        (person,) = self.restore_later("pelaksana")
        simpeg_odoo.modify(self.directory, person, title="Analis Keuangan")
        server = self.directory.server
        self.addCleanup(server.start)
        original = type(self.Run)._simpeg_entries

        def dying(run, *args, **kwargs):
            for count, item in enumerate(original(run, *args, **kwargs)):
                if count == 20:
                    server.kill()
                yield item

        before = self.ldap_users().read(["active", "jabatan_name"])
        with patch.object(type(self.Run), "_simpeg_entries", dying):
            run = self.sync()
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error_message)
        self.assertEqual((run.created_count, run.updated_count, run.archived_count), (0, 0, 0))
        self.assertEqual(self.ldap_users().read(["active", "jabatan_name"]), before)

    def test_directory_answering_partly_changes_nothing(self):
        """Issue 12: the directory stops answering in the middle of a pass
        (slapd paused with SIGSTOP: the connection stays open, the next page
        never comes). The run ends on the time-out, failed, says why, and
        changes nothing; the pass after slapd is back applies the change."""
        self.sync()
        (person,) = self.restore_later("pelaksana")
        simpeg_odoo.modify(self.directory, person, title="Analis Keuangan")
        server = self.directory.server
        self.addCleanup(server.resume)
        self.server.ldap_timeout = 1
        original = type(self.Run)._simpeg_entries

        def stalling(run, *args, **kwargs):
            for count, item in enumerate(original(run, *args, **kwargs)):
                if count == 20:
                    server.pause()
                yield item

        before = self.ldap_users().read(["active", "jabatan_name"])
        with patch.object(type(self.Run), "_simpeg_entries", stalling):
            run = self.sync()
        server.resume()
        self.assertEqual(run.state, "failed")
        self.assertIn("stopped after", run.error_message)
        self.assertEqual((run.created_count, run.updated_count, run.archived_count), (0, 0, 0))
        self.assertEqual(self.ldap_users().read(["active", "jabatan_name"]), before)
        again = self.sync()
        self.assertEqual(again.state, "done", again.error_message)
        self.assertEqual(self.user("pelaksana").jabatan_name, "Analis Keuangan")

    def test_unreachable_directory_fails_cleanly(self):
        self.sync()
        count = len(self.ldap_users(active=True))
        self.server.ldap_server_port = simpeg_odoo.slapd.free_port()
        run = self.sync()
        self.assertEqual(run.state, "failed")
        self.assertIn("connect", run.error_message)
        self.assertEqual(len(self.ldap_users(active=True)), count)

    # accounts not from the directory -----------------------------------------------
    def test_local_accounts_untouched(self):
        person = self.people["pelaksana"]
        homonym = new_test_user(
            self.env, login=person.login, name="Akun lokal dengan NIP", groups=KONSULTI
        )
        run = self.sync()
        self.assertFalse(homonym.simpeg_ldap_id)
        self.assertEqual(homonym.name, "Akun lokal dengan NIP")
        conflict = run.line_ids.filtered(lambda line: line.login == person.login)
        self.assertEqual(conflict.kind, "error")
        self.assertEqual(run.created_count, len(self.expected_logins) - 1)
        # a full pass archives nothing that does not come from the directory
        self.server.simpeg_max_archive_share = 100
        simpeg_odoo.delete(self.directory, *self.restore_later("jpt"))
        self.sync()
        self.assertTrue(self.local.active)
        self.assertTrue(homonym.active)
        self.assertFalse(self.user("jpt").active)

    # multi-company -------------------------------------------------------------
    def test_accounts_get_the_company_of_the_directory(self):
        other = self.env["res.company"].create({"name": "Kabupaten Uji Lain"})
        simpeg_odoo.regional_codes(self.env, other)
        self.server.company = other
        run = self.sync()
        self.assertEqual(run.company_id, other)
        users = self.ldap_users()
        self.assertEqual(users.company_id, other)
        self.assertEqual(users.company_ids, other)
        self.assertEqual(self.user("ahli_madya").perangkat_daerah_id.company_id, other)

    def test_login_filter_needs_one_placeholder(self):
        with self.assertRaises(ValidationError):
            self.server.ldap_filter = "(objectClass=inetOrgPerson)"

    # cron ------------------------------------------------------------------------
    def test_cron_runs_every_simpeg_directory(self):
        self.env.ref("ekonsultasi_addon.ir_cron_ekonsultasi_simpeg_full").method_direct_trigger()
        run = self.Run.search([("ldap_id", "=", self.server.id)], limit=1)
        self.assertEqual((run.mode, run.trigger, run.state), ("full", "cron", "done"))
        self.env.ref(
            "ekonsultasi_addon.ir_cron_ekonsultasi_simpeg_incremental"
        ).method_direct_trigger()
        run = self.Run.search([("ldap_id", "=", self.server.id)], limit=1)
        self.assertEqual(run.mode, "incremental")

    # security ----------------------------------------------------------------------
    def test_bind_password_readable_by_system_administrators_only(self):
        self.assertEqual(self.server.ldap_password, self.directory.server.sync_password)
        admin_ekons = new_test_user(self.env, login="adminek", groups=f"base.group_user,{ADMIN}")
        internal = new_test_user(self.env, login="internal", groups="base.group_user")
        # the e-konsultasi administrator sees the server and its runs, not the password
        self.assertTrue(self.server.with_user(admin_ekons).ldap_base)
        with self.assertRaises(AccessError):
            self.server.with_user(admin_ekons).read(["ldap_password"])
        for user in (internal, self.local):
            with self.assertRaises(AccessError):
                self.server.with_user(user).read(["ldap_password"])
            with self.assertRaises(AccessError):
                self.Run.with_user(user).search([])
        self.assertFalse(self.local.has_group(ADMIN))

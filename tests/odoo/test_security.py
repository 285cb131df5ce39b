"""Roles and access (Pasal 1 angka 12-14, 8, 14, 15): every forbidden read and
write, through the ORM."""
# pylint: disable=translation-required  # test bodies, never shown to anyone; pylint-odoo exempts
# only folders named tests/, and ours are tests/odoo/

from ekonsultasi_common import KONSULTAN, KONSULTI, EkonsultasiCase
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install", "ekonsultasi")
class TestAccess(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t_own = cls.consult(cls.konsulti.partner_id, cls.topic_tlhp, name="Milik sendiri")
        cls.t_other = cls.consult(cls.konsulti_other.partner_id, cls.topic_tlhp, name="Orang lain")
        cls.t_bkad = cls.consult(cls.konsulti_other.partner_id, cls.topic_aset, name="Aset")

    # konsulti ---------------------------------------------------------------
    def test_konsulti_sees_only_his_consultations(self):
        Ticket = self.Ticket.with_user(self.konsulti)
        self.assertEqual(Ticket.search([]), self.t_own)
        self.assertEqual(self.t_own.with_user(self.konsulti).name, "Milik sendiri")
        with self.assertRaises(AccessError):
            self.t_other.with_user(self.konsulti).read(["name"])
        with self.assertRaises(AccessError):
            self.t_bkad.with_user(self.konsulti).read(["description"])

    def test_konsulti_follower_of_other_consultation_still_cannot_read(self):
        self.t_other.message_subscribe(partner_ids=self.konsulti.partner_id.ids)
        with self.assertRaises(AccessError):
            self.t_other.with_user(self.konsulti).read(["name"])

    def test_konsulti_cannot_write_create_or_delete(self):
        with self.assertRaises(AccessError):
            self.t_own.with_user(self.konsulti).write({"name": "Diubah"})
        with self.assertRaises(AccessError):
            self.t_own.with_user(self.konsulti).unlink()
        with self.assertRaises(AccessError):
            self.Ticket.with_user(self.konsulti).create(
                {"name": "x", "description": "x", "category_id": self.topic_tlhp.id}
            )
        with self.assertRaises(AccessError):
            self.t_own.round_ids.with_user(self.konsulti).write({"reason": "x"})

    def test_konsulti_reads_only_his_rounds(self):
        Round = self.env["helpdesk.ticket.round"].with_user(self.konsulti)
        self.assertEqual(Round.search([]), self.t_own.round_ids)

    # konsultan --------------------------------------------------------------
    def test_konsultan_sees_only_his_teams(self):
        Ticket = self.Ticket.with_user(self.konsultan_1)
        self.assertEqual(Ticket.search([]), self.t_own | self.t_other)
        with self.assertRaises(AccessError):
            self.t_bkad.with_user(self.konsultan_1).read(["name"])
        with self.assertRaises(AccessError):
            self.t_bkad.with_user(self.konsultan_1).write({"name": "x"})
        with self.assertRaises(AccessError):
            self.answer(self.t_bkad, self.konsultan_1)
        self.assertEqual(self.Ticket.with_user(self.konsultan_bkad).search([]), self.t_bkad)

    def test_konsultan_works_on_his_team_consultations(self):
        ticket = self.t_own.with_user(self.konsultan_2)
        ticket.write({"priority": "2"})
        self.answer(self.t_own, self.konsultan_2)
        self.assertEqual(self.t_own.ekonsultasi_state, "answered")

    def test_konsultan_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.env["ekonsultasi.perangkat.daerah"].with_user(self.konsultan_1).create(
                {"name": "Dinas Baru"}
            )
        with self.assertRaises(AccessError):
            self.topic_tlhp.with_user(self.konsultan_1).write({"team_id": False})
        with self.assertRaises(AccessError):
            self.t_own.round_ids.with_user(self.konsultan_1).unlink()

    # inspektorat ------------------------------------------------------------
    def test_inspektorat_reads_everything(self):
        Ticket = self.Ticket.with_user(self.inspektur)
        self.assertEqual(Ticket.search([]), self.t_own | self.t_other | self.t_bkad)
        self.assertEqual(
            self.env["helpdesk.ticket.round"].with_user(self.inspektur).search_count([]),
            3,
        )

    def test_inspektorat_changes_nothing(self):
        ticket = self.t_own.with_user(self.inspektur)
        with self.assertRaises(AccessError):
            ticket.write({"name": "Diubah"})
        with self.assertRaises(AccessError):
            ticket.unlink()
        with self.assertRaises(AccessError):
            self.Ticket.with_user(self.inspektur).create(
                {"name": "x", "description": "x", "category_id": self.topic_tlhp.id}
            )
        with self.assertRaises(AccessError):
            ticket.message_post(
                body="Catatan", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with self.assertRaises(AccessError):
            self.t_own.round_ids.with_user(self.inspektur).write({"reason": "x"})

    # administrator ----------------------------------------------------------
    def test_administrator_configures_and_manages_accounts(self):
        admin = self.administrator
        agency = (
            self.env["ekonsultasi.perangkat.daerah"]
            .with_user(admin)
            .create({"name": "Dinas Sosial", "code": "T-DINSOS"})
        )
        self.assertTrue(agency)
        self.assertEqual(self.Ticket.with_user(admin).search_count([]), 3)
        # a konsulti from SIMPEG with an eligible position becomes konsultan
        candidate = new_test_user(
            self.env, login="calon_konsultan", groups=KONSULTI, jenis_jabatan="administrator"
        )
        candidate.with_user(admin).action_ekonsultasi_appoint_konsultan()
        self.assertTrue(candidate._is_konsultan())
        self.assertFalse(candidate.share)
        self.assertEqual(candidate.ekonsultasi_role, "konsultan")

    def test_administrator_relieves_konsultan_and_manages_konsulti(self):
        admin = self.administrator
        ticket = self.t_own
        konsultan = ticket.user_id
        konsultan.with_user(admin).action_ekonsultasi_relieve_konsultan()
        self.assertFalse(konsultan._is_konsultan())
        self.assertNotIn(konsultan, self.team_insp.user_ids)
        self.assertNotEqual(ticket.user_id, konsultan, "his consultation went to a colleague")
        self.assertIn(ticket.user_id, self.team_insp.user_ids)
        self.konsulti_other.with_user(admin).action_ekonsultasi_deactivate()
        self.assertFalse(self.konsulti_other.active)
        self.konsulti_other.with_user(admin).action_ekonsultasi_activate()
        self.assertTrue(self.konsulti_other.active)

    def test_administrator_has_no_rights_over_groups(self):
        """Low (issue 9). Failed before the fix: the E-Konsultasi
        administrator had Access Rights (base.group_erp_manager): he could
        give himself Settings and then read the SIMPEG bind password."""
        admin = self.administrator
        self.assertFalse(admin.has_group("base.group_erp_manager"))
        with self.assertRaises(AccessError):
            admin.with_user(admin).write({"groups_id": [(4, self.env.ref("base.group_system").id)]})
        with self.assertRaises(AccessError):
            self.env["res.users"].with_user(admin).create({"name": "Baru", "login": "baru"})
        system = self.env.ref("base.user_admin")
        for action in (
            "action_ekonsultasi_appoint_konsultan",
            "action_ekonsultasi_relieve_konsultan",
            "action_ekonsultasi_deactivate",
            "action_ekonsultasi_reset_access",
        ):
            for target in (system, admin):
                with (
                    self.subTest(action=action, target=target.login),
                    self.assertRaises(AccessError),
                ):
                    getattr(target.with_user(admin), action)()
        self.assertTrue(system.active)
        for user in (self.konsultan_1, self.inspektur, self.konsulti):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.konsulti_other.with_user(user).action_ekonsultasi_deactivate()
        # Pasal 8 ayat (2) holds through the action
        with self.assertRaisesRegex(ValidationError, "Pasal 8"):
            self.konsulti.with_user(admin).action_ekonsultasi_appoint_konsultan()


@tagged("post_install", "-at_install", "ekonsultasi")
class TestEligibility(EkonsultasiCase):
    """Pasal 8 (2): only pejabat administrator and pejabat fungsional ahli madya."""

    def _make_konsultan(self, login="calon", **profile):
        return new_test_user(
            self.env,
            login=login,
            name="Calon Konsultan",
            groups=f"base.group_user,{KONSULTAN}",
            **profile,
        )

    def test_administrator_and_ahli_madya_are_eligible(self):
        self.assertTrue(self._make_konsultan(jenis_jabatan="administrator")._is_konsultan())

    def test_ahli_madya_is_eligible(self):
        user = self._make_konsultan(jenis_jabatan="fungsional", jenjang_fungsional="ahli_madya")
        self.assertTrue(user.partner_id.is_konsultan_candidate)

    def test_others_are_refused_naming_the_rule(self):
        for profile in (
            {"jenis_jabatan": "pelaksana"},
            {"jenis_jabatan": "pengawas"},
            {"jenis_jabatan": "jpt"},
            {"jenis_jabatan": "fungsional", "jenjang_fungsional": "ahli_muda"},
            {"jenis_jabatan": "fungsional", "jenjang_fungsional": "ahli_utama"},
            {},
        ):
            with (
                self.subTest(**profile),
                self.assertRaisesRegex(ValidationError, "Pasal 8 ayat \\(2\\)"),
                self.env.cr.savepoint(),
            ):
                self._make_konsultan(login=f"calon_{len(profile)}_{profile}", **profile)

    def test_existing_user_cannot_be_promoted_when_ineligible(self):
        user = new_test_user(
            self.env, login="staf", groups="base.group_user", jenis_jabatan="pelaksana"
        )
        with self.assertRaisesRegex(ValidationError, "Pasal 8"):
            user.write({"groups_id": [(4, self.env.ref(KONSULTAN).id)]})

    def test_konsultan_position_cannot_be_downgraded_silently(self):
        with self.assertRaisesRegex(ValidationError, "Pasal 8"):
            self.konsultan_1.partner_id.write({"jenis_jabatan": "pelaksana"})

    def test_team_members_must_be_konsultan(self):
        staff = new_test_user(self.env, login="staf2", groups="base.group_user")
        with self.assertRaisesRegex(ValidationError, "Only konsultan"):
            self.team_insp.write({"user_ids": [(4, staff.id)]})


@tagged("post_install", "-at_install", "ekonsultasi")
class TestIdentityNumbers(EkonsultasiCase):
    def test_invalid_nip_refused_with_reason(self):
        partner = self.env["res.partner"].create({"name": "Pegawai"})
        for nip, reason in (
            ("19680411199303100", "18 digits"),
            ("196813111993031009", "birth date"),
            ("196804111993131009", "year and month of appointment"),
            ("196804111960031009", "year and month of appointment"),
            ("196804111993033009", "Digit 15"),
            ("19680411199303100A", "digits only"),
        ):
            with self.subTest(nip=nip), self.assertRaisesRegex(ValidationError, reason):
                partner.write({"nip": nip})

    def test_valid_nip_and_pppk(self):
        partner = self.env["res.partner"].create({"name": "Pegawai", "nip": "196804111993031009"})
        self.assertEqual(partner.nip, "196804111993031009")
        # NI PPPK: digits 13-14 are a code, not a month
        partner.write({"asn_type": "pppk", "nip": "198507012023211003"})
        with self.assertRaisesRegex(ValidationError, "appointment"):
            partner.write({"asn_type": "pns"})

    @mute_logger("odoo.sql_db")
    def test_nip_unique(self):
        self.env["res.partner"].create({"name": "A", "nip": "196804111993031009"})
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["res.partner"].create({"name": "B", "nip": "196804111993031009"})

    def test_invalid_nik_refused(self):
        with self.assertRaisesRegex(ValidationError, "NIK"):
            self.env["res.partner"].create({"name": "Wali", "nik": "1303019905850001"})


@tagged("post_install", "-at_install", "ekonsultasi")
class TestMultiCompany(EkonsultasiCase):
    """One instance serves several kabupaten: nothing leaks between them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Pemerintah Kabupaten Solok"})
        Agency = cls.env["ekonsultasi.perangkat.daerah"]
        cls.agency_b = Agency.create(
            {"name": "Inspektorat Solok", "code": "T-INSP", "company_id": cls.company_b.id}
        )
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {"name": "Tim Solok", "company_id": cls.company_b.id}
        )
        cls.cat_b = cls.env["helpdesk.ticket.category"].create(
            {
                "name": "Inspektorat Solok",
                "company_id": cls.company_b.id,
                "perangkat_daerah_id": cls.agency_b.id,
                "team_id": cls.team_b.id,
            }
        )
        cls.topic_b = cls.env["helpdesk.ticket.category"].create(
            {"name": "Keuangan", "parent_id": cls.cat_b.id, "company_id": cls.company_b.id}
        )
        cls.ticket_b = cls.consult(
            cls.konsulti.partner_id, cls.topic_b, company_id=cls.company_b.id
        )

    def test_codes_are_unique_per_company_only(self):
        self.assertEqual(self.agency_b.code, self.agency_insp.code)

    def test_master_data_of_other_company_invisible(self):
        Agency = self.env["ekonsultasi.perangkat.daerah"].with_user(self.administrator)
        self.assertNotIn(self.agency_b, Agency.search([]))
        with self.assertRaises(AccessError):
            self.agency_b.with_user(self.administrator).read(["name"])

    def test_consultation_of_other_company_invisible(self):
        self.assertEqual(self.ticket_b.company_id, self.company_b)
        for user in (self.inspektur, self.administrator, self.konsultan_1):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.ticket_b.with_user(user).read(["name"])

    def test_category_cannot_route_to_team_of_other_company(self):
        with self.assertRaises(UserError):  # ValidationError is a UserError
            self.topic_tlhp.write({"team_id": self.team_b.id})


@tagged("post_install", "-at_install", "ekonsultasi")
class TestMenus(EkonsultasiCase):
    def _reachable(self, user, xmlid):
        """The menu and every menu above it are visible to ``user``."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        menu = self.env.ref(xmlid)
        chain = [int(i) for i in menu.parent_path.strip("/").split("/")]
        return all(menu_id in visible for menu_id in chain)

    def test_inspektorat_sees_consultations_and_reports(self):
        for xmlid in (
            "helpdesk_mgmt.helpdesk_all_ticket_menu",
            "helpdesk_mgmt.helpdesk_ticket_reporting_analysis",
        ):
            self.assertTrue(self._reachable(self.inspektur, xmlid), xmlid)
        self.assertFalse(self._reachable(self.inspektur, "ekonsultasi_addon.ekonsultasi_desa_menu"))

    def test_konsultan_does_not_see_configuration(self):
        self.assertTrue(self._reachable(self.konsultan_1, "helpdesk_mgmt.helpdesk_all_ticket_menu"))
        self.assertFalse(
            self._reachable(self.konsultan_1, "ekonsultasi_addon.ekonsultasi_perangkat_daerah_menu")
        )

    def test_administrator_sees_regional_data(self):
        for xmlid in (
            "ekonsultasi_addon.ekonsultasi_perangkat_daerah_menu",
            "ekonsultasi_addon.ekonsultasi_kecamatan_menu",
            "ekonsultasi_addon.ekonsultasi_desa_menu",
        ):
            self.assertTrue(self._reachable(self.administrator, xmlid), xmlid)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestChatterOffer(EkonsultasiCase):
    def _thread_data(self, user, ticket):
        from odoo.addons.mail.tools.discuss import Store

        store = Store()
        ticket.with_user(user)._thread_to_store(store, request_list=["followers"])
        return store.get_result()["mail.thread"][0]

    def test_inspektorat_is_not_offered_the_composer(self):
        ticket = self.consult(self.konsulti.partner_id)
        self.assertFalse(self._thread_data(self.inspektur, ticket)["canPostOnReadonly"])
        self.assertTrue(self._thread_data(self.konsultan_1, ticket)["hasWriteAccess"])

"""Setting up a kabupaten (issue 11): the checklist of a company, the import
of perangkat daerah, kecamatan and villages from the CSV/XLSX templates, and
who may run them."""
# pylint: disable=translation-required  # test bodies, never shown to anyone; pylint-odoo exempts
# only folders named tests/, and ours are tests/odoo/

import base64
import importlib.util
import io

import openpyxl
from ekonsultasi_common import ADMIN, EkonsultasiCase, EkonsultasiHttpCase
from freezegun import freeze_time
from PIL import Image

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import file_open, file_path, mute_logger

STEPS = ("letterhead", "regions", "calendar", "inspektur", "directory", "mail", "signup")


def png():
    """A small red square: a logo that is not the company's default."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(out, "PNG")
    return base64.b64encode(out.getvalue())


def csv_file(text):
    return base64.b64encode(text.encode())


def xlsx_file(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return base64.b64encode(out.getvalue())


def template(name):
    with file_open(f"ekonsultasi_addon/static/templates/{name}", "rb") as handle:
        return base64.b64encode(handle.read())


@tagged("post_install", "-at_install", "ekonsultasi")
class TestSetupChecklist(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.mail_server"].search([]).action_archive()
        cls.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")
        cls.env["ir.config_parameter"].set_param("auth_signup.reset_password", "True")
        cls.new_company = cls.env["res.company"].create({"name": "Kabupaten Solok Selatan"})
        cls.administrator.write(
            {"company_ids": [(4, cls.new_company.id)], "company_id": cls.new_company.id}
        )

    def checklist(self, user=None):
        user = user or self.env.user
        env = self.env(user=user, context={"allowed_company_ids": [self.new_company.id]})
        return env["ekonsultasi.setup.wizard"].create({})

    def states(self, wizard):
        wizard.invalidate_recordset()
        return {step: wizard[f"{step}_done"] for step in STEPS}

    def import_file(self, kind, name, data, user=None):
        user = user or self.env.user
        env = self.env(user=user, context={"allowed_company_ids": [self.new_company.id]})
        wizard = env["ekonsultasi.region.import"].create(
            {"kind": kind, "file": data, "file_name": name}
        )
        wizard.action_import()
        return wizard

    @freeze_time("2030-03-02 03:00:00")  # a year whose holidays are not imported yet
    def test_fresh_company_all_missing_then_done(self):
        wizard = self.checklist()
        self.assertEqual(wizard.company_id, self.new_company)
        self.assertEqual(self.states(wizard), dict.fromkeys(STEPS, False))
        self.assertIn("0 of 7", wizard.progress)
        self.assertIn("the address", wizard.letterhead_info)
        self.assertIn("the logo", wizard.letterhead_info)
        self.assertIn("no holidays for 2030", wizard.calendar_info)

        # fill every step as an administrator would
        self.new_company.write(
            {"street": "Jl. Sudirman No. 1", "city": "Padang Aro", "logo": png()}
        )
        for kind, name in (
            ("perangkat_daerah", "perangkat_daerah.csv"),
            ("kecamatan", "kecamatan.xlsx"),
            ("desa", "desa.xlsx"),
        ):
            self.import_file(kind, name, template(name))
        wizard.action_import_holidays()
        self.new_company.ekonsultasi_inspektur_id = self.inspektur
        self.env["res.company.ldap"].create(
            {
                "company": self.new_company.id,
                "ldap_server": "simpeg.solselkab.go.id",
                "ldap_server_port": 636,
                "ldap_base": "ou=pegawai,dc=solselkab,dc=go,dc=id",
                "ldap_filter": "(uid=%s)",
                "simpeg_enabled": True,
            }
        )
        self.env["ir.mail_server"].create(
            {"name": "Diskominfo", "smtp_host": "mail.solselkab.go.id"}
        )
        self.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2b")
        self.assertIn("Password Reset", self.checklist().signup_info)
        self.env["ir.config_parameter"].set_param("auth_signup.reset_password", False)

        self.assertEqual(self.states(wizard), dict.fromkeys(STEPS, True))
        self.assertIn("7 of 7", wizard.progress)
        self.assertIn("Padang Aro", wizard.letterhead_info)
        self.assertIn("4 perangkat daerah, 2 kecamatan, 3 villages", wizard.regions_info)
        self.assertIn(self.inspektur.name, wizard.inspektur_info)
        self.assertIn("simpeg.solselkab.go.id", wizard.directory_info)
        self.assertIn("mail.solselkab.go.id", wizard.mail_info)

        # a calendar out of the Indonesian time zones is not a pemda's
        wizard._ekonsultasi_calendars().tz = "Europe/Brussels"
        self.assertFalse(self.states(wizard)["calendar"])
        self.assertIn("is not in WIB, WITA or WIT (Europe/Brussels)", wizard.calendar_info)

    def test_menu_opens_a_saved_checklist(self):
        env = self.env(
            user=self.administrator, context={"allowed_company_ids": [self.new_company.id]}
        )
        action = env.ref("ekonsultasi_addon.ekonsultasi_setup_wizard_action").run()
        wizard = env["ekonsultasi.setup.wizard"].browse(action["res_id"])
        self.assertTrue(wizard.exists())
        self.assertEqual(wizard.company_id, self.new_company)
        self.assertEqual(action["name"], "Setting up Kabupaten Solok Selatan")

    def test_policy_of_archived_teams_does_not_count(self):
        brussels = self.env["resource.calendar"].create(
            {"name": "Brussels hours", "tz": "Europe/Brussels"}
        )
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Old team", "company_id": self.new_company.id, "active": False}
        )
        self.env["helpdesk.sla"].create(
            {
                "name": "Old policy",
                "team_ids": [(6, 0, team.ids)],
                "calendar_id": brussels.id,
                "stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
                "hours": 2,
            }
        )
        wizard = self.checklist()
        self.assertNotIn("Brussels hours", wizard.calendar_info)
        team.active = True
        self.assertFalse(self.states(wizard)["calendar"])
        self.assertIn("Brussels hours", wizard.calendar_info)

    def test_other_company_data_does_not_count(self):
        # the fixture's agencies, kecamatan and villages are of the main company
        self.assertTrue(self.env["ekonsultasi.kecamatan"].search_count([]))
        self.assertFalse(self.checklist().regions_done)
        self.assertFalse(self.checklist().directory_done)

    def test_administrator_without_settings_right_sees_the_checklist(self):
        """An e-konsultasi administrator (not a Settings user) reads every
        state, mail servers and sign-up included."""
        self.assertFalse(self.administrator.has_group("base.group_system"))
        wizard = self.checklist(self.administrator)
        self.assertFalse(wizard.is_system)
        self.assertEqual(
            self.states(wizard),
            dict.fromkeys(STEPS, False) | {"calendar": True},
            wizard.calendar_info,
        )
        self.import_file(
            "kecamatan", "kecamatan.csv", template("kecamatan.csv"), user=self.administrator
        )
        self.assertEqual(
            self.env["ekonsultasi.kecamatan"].search_count(
                [("company_id", "=", self.new_company.id)]
            ),
            2,
        )

    def test_only_administrators(self):
        for user in (self.konsultan_1, self.konsulti, self.inspektur):
            for model in ("ekonsultasi.setup.wizard", "ekonsultasi.region.import"):
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).create({})


@tagged("post_install", "-at_install", "ekonsultasi")
class TestSignupSetting(EkonsultasiCase):
    def test_settings_page_opens_with_signup_closed(self):
        """Failed before 18.0.1.2.1: the addon closed sign-up with the value
        b2i, unknown to auth_signup's setting, and every settings page
        (where the Inspektur is chosen) failed with "Wrong value"; it turned
        the password reset off with the text 'False', which the settings page
        showed as on, and its next save turned the reset back on."""
        ICP = self.env["ir.config_parameter"]
        self.assertEqual(ICP.get_param("auth_signup.invitation_scope"), "b2b")
        self.assertFalse(ICP.get_param("auth_signup.reset_password"))
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.auth_signup_uninvited, "b2b")
        self.assertFalse(settings.auth_signup_reset_password)
        settings.execute()  # saving the settings page keeps both off
        self.assertEqual(ICP.get_param("auth_signup.invitation_scope"), "b2b")
        self.assertFalse(ICP.get_param("auth_signup.reset_password"))
        self.assertTrue(self.checklist_done())
        # the migration of a database that has the old values
        ICP.set_param("auth_signup.invitation_scope", "b2i")
        ICP.set_param("auth_signup.reset_password", "False")
        self.assertFalse(self.checklist_done())
        path = "ekonsultasi_addon/migrations/18.0.1.2.1/post-migration.py"
        spec = importlib.util.spec_from_file_location("signup_migration", file_path(path))
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(ICP.get_param("auth_signup.invitation_scope"), "b2b")
        self.assertFalse(ICP.get_param("auth_signup.reset_password"))
        self.assertTrue(self.env["res.config.settings"].create({}).read())
        self.assertTrue(self.checklist_done())

    def checklist_done(self):
        return self.env["ekonsultasi.setup.wizard"].create({}).signup_done


@tagged("post_install", "-at_install", "ekonsultasi")
class TestRegionImport(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_company = cls.env["res.company"].create({"name": "Kabupaten Pesisir Selatan"})

    def run_import(self, kind, name, data):
        env = self.env(context={"allowed_company_ids": [self.new_company.id]})
        wizard = env["ekonsultasi.region.import"].create(
            {"kind": kind, "file": data, "file_name": name}
        )
        wizard.action_import()
        return wizard

    def records(self, model):
        return (
            self.env[model]
            .with_context(active_test=False)
            .search([("company_id", "=", self.new_company.id)])
        )

    def test_csv_and_reimport_updates_by_code(self):
        wizard = self.run_import(
            "perangkat_daerah",
            "pd.csv",
            csv_file("kode,nama,singkatan\n4.01,Sekretariat Daerah,Setda\n6.01,Inspektorat,\n"),
        )
        self.assertEqual(wizard.state, "done")
        self.assertIn("2 new, 0 updated, 0 unchanged", wizard.result)
        agencies = self.records("ekonsultasi.perangkat.daerah")
        self.assertEqual(sorted(agencies.mapped("code")), ["4.01", "6.01"])
        inspektorat = agencies.filtered(lambda a: a.code == "6.01")
        # again, with a new name, a new short name and a new agency: by code
        wizard = self.run_import(
            "perangkat_daerah",
            "pd.csv",
            csv_file(
                "kode;nama;singkatan\n4.01;Sekretariat Daerah;Setda\n"
                "6.01;Inspektorat Daerah;Inspektorat\n5.01;Bappeda;\n"
            ),
        )
        self.assertIn("1 new, 1 updated, 1 unchanged", wizard.result)
        agencies = self.records("ekonsultasi.perangkat.daerah")
        self.assertEqual(len(agencies), 3)
        self.assertEqual(inspektorat.name, "Inspektorat Daerah")
        self.assertEqual(inspektorat.short_name, "Inspektorat")
        # the main company's agencies are untouched
        self.assertEqual(self.agency_insp.name, "Inspektorat Daerah")
        self.assertEqual(self.agency_insp.company_id, self.env.company)

    def test_xlsx_templates(self):
        self.run_import("kecamatan", "kecamatan.xlsx", template("kecamatan.xlsx"))
        self.run_import("desa", "desa.xlsx", template("desa.xlsx"))
        villages = self.records("ekonsultasi.desa")
        self.assertEqual(len(villages), 3)
        muaro = villages.filtered(lambda v: v.code == "13.03.04.2001")
        self.assertEqual(muaro.name, "Muaro")
        self.assertEqual(muaro.kecamatan_id.code, "13.03.04")
        self.assertEqual(muaro.company_id, self.new_company)
        # a village moved to another kecamatan and renamed, by XLSX
        self.run_import(
            "desa",
            "desa.xlsx",
            xlsx_file([["kode", "nama"], ["13.03.03.2001", "Timbulun Baru"]]),
        )
        timbulun = villages.filtered(lambda v: v.code == "13.03.03.2001")
        self.assertEqual(timbulun.name, "Timbulun Baru")
        self.assertEqual(len(self.records("ekonsultasi.desa")), 3)

    def test_bad_rows_nothing_imported(self):
        self.run_import("kecamatan", "kecamatan.csv", template("kecamatan.csv"))
        bad = (
            "kode,nama,kode_kecamatan\n"
            "13.03.03.2001,Timbulun,13.03.03\n"  # row 2: good
            ",Tanpa Kode,13.03.03\n"  # row 3
            "13.03.03.2001,Lagi,13.03.03\n"  # row 4: same code as row 2
            "\n"  # row 5: blank, skipped
            "13.3.3.1,Format Salah,\n"  # row 6
            "13.03.99.2001,Kecamatan Tak Ada,\n"  # row 7
            "13.03.04.2002,Salah Kecamatan,13.03.03\n"  # row 8
            "13.03.04.2003,,\n"  # row 9
        )
        with self.assertRaises(UserError) as caught:
            self.run_import("desa", "desa.csv", csv_file(bad))
        message = str(caught.exception)
        self.assertIn("nothing was changed", message)
        self.assertNotIn("Row 2:", message)
        self.assertIn("Row 3: the code is empty", message)
        self.assertIn("Row 4: the code 13.03.03.2001 is also in row 2", message)
        self.assertNotIn("Row 5", message)
        self.assertIn("Row 6: the code 13.3.3.1 is not a village code", message)
        self.assertIn("Row 7: there is no kecamatan with the code 13.03.99", message)
        self.assertIn(
            "Row 8: the code 13.03.04.2002 does not start with the code of its kecamatan 13.03.03",
            message,
        )
        self.assertIn("Row 9: the name is empty", message)
        self.assertFalse(self.records("ekonsultasi.desa"), "nothing is half-imported")

    def test_bad_xlsx_rows_nothing_imported(self):
        data = xlsx_file([["kode", "nama"], ["13.03.01", "Baik"], ["1303", "Salah"]])
        with self.assertRaises(UserError) as caught:
            self.run_import("kecamatan", "k.xlsx", data)
        self.assertIn("Row 3: the code 1303 is not a kecamatan code", str(caught.exception))
        self.assertFalse(self.records("ekonsultasi.kecamatan"))

    def test_wrong_files(self):
        cases = [
            ("kecamatan.txt", csv_file("kode,nama\n13.03.01,A\n"), "neither CSV nor XLSX"),
            ("kecamatan.csv", csv_file("code_x,nama\n13.03.01,A\n"), "no column kode"),
            ("kecamatan.csv", csv_file("kode,nama\n"), "no data rows"),
            ("kecamatan.xlsx", csv_file("kode,nama\n13.03.01,A\n"), "cannot be read"),
        ]
        for name, data, expected in cases:
            with self.subTest(name=name, expected=expected), self.assertRaises(UserError) as caught:
                self.run_import("kecamatan", name, data)
            self.assertIn(expected, str(caught.exception))
        self.assertFalse(self.records("ekonsultasi.kecamatan"))

    def test_errors_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["ekonsultasi_addon"], ["id_ID"], overwrite=True
        )
        env = self.env(context={"lang": "id_ID", "allowed_company_ids": [self.new_company.id]})
        wizard = env["ekonsultasi.region.import"].create(
            {"kind": "kecamatan", "file": csv_file("kode,nama\n,A\n"), "file_name": "k.csv"}
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        self.assertIn("Baris 2: kode kosong", str(caught.exception))


@tagged("post_install", "-at_install", "ekonsultasi")
class TestSetupRpc(EkonsultasiHttpCase):
    @mute_logger("odoo.http")
    def test_call_kw_refused_to_konsultan_and_konsulti(self):
        for login in ("konsultan1", "konsulti", "inspektur"):
            self.authenticate(login, login)
            for model in ("ekonsultasi.setup.wizard", "ekonsultasi.region.import"):
                with self.subTest(login=login, model=model):
                    with self.assertRaises(JsonRpcException) as caught:
                        self.call_kw(model, "create", [{}])
                    self.assertIn("AccessError", str(caught.exception))
        # an administrator of e-konsultasi runs it over the same door
        admin = new_test_user(self.env, login="adminsetup", groups=f"base.group_user,{ADMIN}")
        self.authenticate(admin.login, admin.login)
        wizard_id = self.call_kw("ekonsultasi.setup.wizard", "create", [{}])
        rows = self.call_kw(
            "ekonsultasi.setup.wizard", "read", [[wizard_id], ["regions_done", "progress"]]
        )
        self.assertIn("of 7", rows[0]["progress"])

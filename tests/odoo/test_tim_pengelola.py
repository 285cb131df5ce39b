"""The tim pengelola sistem e-konsultasi (Pasal 14): set by a Keputusan
Bupati for a period, with the roles of ayat (2); its ketua (the Inspektur
Daerah) signs the recap reports."""

import datetime as dt
from contextlib import contextmanager

from ekonsultasi_common import EkonsultasiCase
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

ROLES = (
    "penanggung_jawab",
    "wakil_penanggung_jawab",
    "koordinator",
    "ketua",
    "wakil_ketua",
    "konsultan",
    "administrator",
)


@tagged("post_install", "-at_install", "ekonsultasi")
class TestTimPengelola(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.bupati = Partner.create({"name": "Benny Dwifa Yuswir", "jabatan_name": "Bupati"})
        cls.wakil_bupati = Partner.create({"name": "Iraddatillah", "jabatan_name": "Wakil Bupati"})
        cls.sekda = Partner.create(
            {"name": "Ir. Ambun Kadri, M.M.", "jabatan_name": "Sekretaris Daerah"}
        )
        cls.inspektur.partner_id.jabatan_name = "Inspektur Daerah"
        cls.kepala_bkad = Partner.create(
            {"name": "Hj. Rosmawati", "jabatan_name": "Kepala Badan Keuangan dan Aset Daerah"}
        )
        cls.kepala_kominfo = Partner.create(
            {"name": "Afrineldi", "jabatan_name": "Kepala Dinas Komunikasi dan Informatika"}
        )
        cls.Team = cls.env["ekonsultasi.tim.pengelola"]
        cls.Member = cls.env["ekonsultasi.tim.pengelola.member"]
        cls.company_b = cls.env["res.company"].create({"name": "Kabupaten Solok"})

    @contextmanager
    def refused(self, text):
        """A ValidationError naming ``text`` (Odoo's assertRaises rolls the
        failed operation back to a savepoint)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def members(self, ketua=None):
        """One member for each role of Pasal 14 ayat (2), two wakil ketua
        and two konsultan."""
        ketua = ketua or self.inspektur.partner_id
        return [
            Command.create({"role": "penanggung_jawab", "partner_id": self.bupati.id}),
            Command.create({"role": "wakil_penanggung_jawab", "partner_id": self.wakil_bupati.id}),
            Command.create({"role": "koordinator", "partner_id": self.sekda.id}),
            Command.create({"role": "ketua", "partner_id": ketua.id}),
            Command.create({"role": "wakil_ketua", "partner_id": self.kepala_bkad.id}),
            Command.create({"role": "wakil_ketua", "partner_id": self.kepala_kominfo.id}),
            Command.create({"role": "konsultan", "partner_id": self.konsultan_1.partner_id.id}),
            Command.create({"role": "konsultan", "partner_id": self.konsultan_2.partner_id.id}),
            Command.create(
                {"role": "administrator", "partner_id": self.administrator.partner_id.id}
            ),
        ]

    def team(self, start="2026-01-01", end=False, user=None, **values):
        vals = {
            "decree_number": f"188.45/{start}/KPTS-BPT",
            "decree_date": start,
            "date_start": start,
            "date_end": end,
            "member_ids": self.members(),
            **values,
        }
        return self.Team.with_user(user or self.administrator).create(vals)

    # composition -----------------------------------------------------------
    def test_team_with_every_role(self):
        team = self.team()
        self.assertEqual(team.company_id, self.company)
        self.assertEqual(team.member_count, 9)
        self.assertEqual(set(team.member_ids.mapped("role")), set(ROLES))
        self.assertEqual(team.ketua_id.partner_id, self.inspektur.partner_id)
        self.assertEqual(team.ketua_id.jabatan, "Inspektur Daerah")
        # in the order of the regulation
        self.assertEqual(
            team.member_ids.mapped("role"),
            [
                "penanggung_jawab",
                "wakil_penanggung_jawab",
                "koordinator",
                "ketua",
                "wakil_ketua",
                "wakil_ketua",
                "konsultan",
                "konsultan",
                "administrator",
            ],
        )
        bupati = team.member_ids.filtered(lambda m: m.role == "penanggung_jawab")
        self.assertEqual((bupati.name, bupati.jabatan), ("Benny Dwifa Yuswir", "Bupati"))
        konsultan = team.member_ids.filtered(lambda m: m.role == "konsultan")
        self.assertEqual(konsultan.mapped("nip"), ["197501012000031001", "197803152003122002"])
        # the jabatan of the decree may differ from the profile
        bupati.jabatan = "Bupati Sijunjung"
        self.assertEqual(bupati.jabatan, "Bupati Sijunjung")
        self.assertEqual(self.bupati.jabatan_name, "Bupati")

    def test_second_ketua_refused(self):
        team = self.team()
        with self.refused("more than one"):
            team.with_user(self.administrator).write(
                {"member_ids": [Command.create({"role": "ketua", "partner_id": self.sekda.id})]}
            )
        # nor when the member is added or changed on its own
        with self.refused("more than one"):
            self.Member.with_user(self.administrator).create(
                {"team_id": team.id, "role": "ketua", "partner_id": self.sekda.id}
            )
        wakil = team.member_ids.filtered(lambda m: m.partner_id == self.kepala_bkad)
        with self.refused("more than one"):
            wakil.with_user(self.administrator).role = "ketua"
        with self.refused("more than one"):
            self.Member.with_user(self.administrator).create(
                {"team_id": team.id, "role": "penanggung_jawab", "partner_id": self.sekda.id}
            )
        self.assertEqual(team.ketua_id.partner_id, self.inspektur.partner_id)
        # several wakil ketua and konsultan are fine
        self.Member.with_user(self.administrator).create(
            {
                "team_id": team.id,
                "role": "konsultan",
                "partner_id": self.konsultan_bkad.partner_id.id,
            }
        )
        self.assertEqual(team.member_count, 10)

    def test_same_role_twice_for_one_person_refused(self):
        team = self.team()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.Member.create(
                {
                    "team_id": team.id,
                    "role": "konsultan",
                    "partner_id": self.konsultan_1.partner_id.id,
                }
            )
            self.env.flush_all()

    def test_decree_number_unique_per_company(self):
        self.team(start="2026-01-01", end="2026-12-31")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.team(start="2027-01-01", decree_number="188.45/2026-01-01/KPTS-BPT")
            self.env.flush_all()

    # periods ---------------------------------------------------------------
    def test_end_before_start_refused(self):
        with self.refused("ends before it starts"):
            self.team(start="2026-01-01", end="2025-12-31")
        team = self.team(start="2026-01-01", end="2026-01-01")  # one day is a period
        with self.refused("ends before it starts"):
            team.with_user(self.administrator).date_end = "2025-06-30"

    def test_overlapping_teams_of_a_company_refused(self):
        first = self.team(start="2025-01-01")  # open-ended
        with self.refused("overlaps"):
            self.team(start="2026-01-01")
        with self.refused("overlaps"):
            self.team(start="2024-01-01", end="2025-01-01")  # one common day
        # another pemda has its own team for the same dates
        other = self.team(start="2026-01-01", company_id=self.company_b.id, user=self.env.user)
        self.assertEqual(other.company_id, self.company_b)
        # the first team ends, the next one follows it
        first.with_user(self.administrator).date_end = "2025-12-31"
        second = self.team(start="2026-01-01")
        self.assertEqual(self.Team.search([("company_id", "=", self.company.id)]), second | first)
        # extending the old team over the new one is refused
        with self.refused("overlaps"):
            first.with_user(self.administrator).date_end = "2026-01-01"
        # an archived team does not count, until it is restored
        second.with_user(self.administrator).action_archive()
        first.with_user(self.administrator).date_end = False
        with self.refused("overlaps"):
            second.with_user(self.administrator).action_unarchive()

    def test_signatory_is_the_ketua_in_force_at_the_date(self):
        old = self.team(start="2021-03-01", end="2025-12-31", member_ids=self.members(self.sekda))
        new = self.team(start="2026-01-01")
        Team = self.Team.with_user(self.inspektur)
        self.assertEqual(Team._ekonsultasi_in_force(self.company, dt.date(2025, 12, 31)), old)
        self.assertEqual(Team._ekonsultasi_in_force(self.company, dt.date(2026, 1, 1)), new)
        self.assertEqual(
            Team._ekonsultasi_signatory(self.company, dt.date(2025, 12, 31)).partner_id,
            self.sekda,
        )
        self.assertEqual(
            Team._ekonsultasi_signatory(self.company, dt.date(2026, 3, 31)).partner_id,
            self.inspektur.partner_id,
        )
        self.assertEqual(
            Team._ekonsultasi_signatory(self.company, dt.date(2030, 3, 31)), new.ketua_id
        )
        self.assertFalse(Team._ekonsultasi_signatory(self.company, dt.date(2021, 2, 28)))
        self.assertFalse(Team._ekonsultasi_in_force(self.company_b, dt.date(2026, 3, 31)))
        # a team without ketua has no signatory
        new.with_user(self.administrator).member_ids.filtered(lambda m: m.role == "ketua").unlink()
        self.assertFalse(Team._ekonsultasi_signatory(self.company, dt.date(2026, 3, 31)))

    # access ----------------------------------------------------------------
    def test_company_rule_isolates_teams(self):
        mine = self.team()
        theirs = self.team(company_id=self.company_b.id, user=self.env.user)
        admin_b = new_test_user(
            self.env,
            login="admin_solok",
            groups="base.group_user,ekonsultasi_addon.group_ekonsultasi_admin",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        for user in (self.inspektur, self.administrator):
            with self.subTest(user=user.login):
                self.assertEqual(self.Team.with_user(user).search([]), mine)
                self.assertEqual(self.Member.with_user(user).search([]).team_id, mine)
                with self.assertRaises(AccessError):
                    theirs.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    theirs.member_ids[:1].with_user(user).read(["role"])
        self.assertEqual(self.Team.with_user(admin_b).search([]), theirs)
        with self.assertRaises(AccessError):
            mine.with_user(admin_b).write({"name": "Diubah"})
        # B's reports never find A's signatory
        self.assertFalse(
            self.Team.with_user(admin_b)._ekonsultasi_signatory(self.company, dt.date(2026, 3, 1))
        )
        self.assertEqual(
            self.Team.with_user(admin_b)._ekonsultasi_in_force(self.company_b, dt.date(2026, 3, 1)),
            theirs,
        )

    def test_inspektorat_reads_but_cannot_write(self):
        team = self.team()
        as_inspektur = team.with_user(self.inspektur)
        self.assertEqual(as_inspektur.decree_number, "188.45/2026-01-01/KPTS-BPT")
        self.assertEqual(as_inspektur.ketua_id.name, self.inspektur.name)
        self.assertEqual(len(as_inspektur.member_ids), 9)
        with self.assertRaises(AccessError):
            as_inspektur.write({"date_end": "2026-12-31"})
        with self.assertRaises(AccessError):
            as_inspektur.member_ids[:1].write({"jabatan": "Bupati"})
        with self.assertRaises(AccessError):
            self.Member.with_user(self.inspektur).create(
                {"team_id": team.id, "role": "konsultan", "partner_id": self.sekda.id}
            )
        with self.assertRaises(AccessError):
            as_inspektur.unlink()
        with self.assertRaises(AccessError):
            self.team(start="2030-01-01", user=self.inspektur)
        for user in (self.konsultan_1, self.konsulti):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                team.with_user(user).read(["name"])

    def test_administrator_manages_the_team(self):
        team = self.team()
        # as if the team had been created in an earlier transaction (mail
        # tracks no change of a record created in the same one)
        self.env.flush_all()
        self.env.cr.precommit.run()
        as_admin = team.with_user(self.administrator)
        as_admin.write(
            {
                "date_end": "2026-12-31",
                "decree_file": "JVBERi0xLjQK",  # %PDF-1.4
                "decree_filename": "kepbup-tim-pengelola.pdf",
                "member_ids": [
                    Command.create(
                        {"role": "konsultan", "partner_id": self.konsultan_bkad.partner_id.id}
                    )
                ],
            }
        )
        self.assertEqual(team.date_end, dt.date(2026, 12, 31))
        self.assertEqual(team.member_count, 10)
        self.assertTrue(team.decree_file)
        # the decree's changes are tracked for the auditor
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = (
            self.env["mail.tracking.value"]
            .search(
                [
                    ("mail_message_id.model", "=", "ekonsultasi.tim.pengelola"),
                    ("mail_message_id.res_id", "=", team.id),
                ]
            )
            .field_id.mapped("name")
        )
        self.assertIn("date_end", tracked)
        konsultan_bkad = team.member_ids.filtered(
            lambda m: m.partner_id == self.konsultan_bkad.partner_id
        )
        konsultan_bkad.with_user(self.administrator).unlink()
        self.assertEqual(team.member_count, 9)
        as_admin.unlink()
        self.assertFalse(team.exists())

"""A second kabupaten in the same instance (issue 9): Kabupaten Solok beside
Sijunjung, each with its own perangkat daerah, categories, teams, konsultan,
konsulti, Inspektur, administrator, SLA policy, calendar and SIMPEG
directory. No user of one reads, lists, counts or changes anything of the
other, through the ORM (what ``call_kw`` runs) and over HTTP."""
# pylint: disable=translation-required  # test bodies, never shown to anyone; pylint-odoo exempts
# only folders named tests/, and ours are tests/odoo/

from datetime import timedelta

from ekonsultasi_common import (
    ADMIN,
    INSPEKTORAT,
    KONSULTAN,
    KONSULTI,
    EkonsultasiDataMixin,
    EkonsultasiHttpCase,
)
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

PDF = b"%PDF-1.4 lampiran"

# every model that holds or reveals something of one kabupaten
MODELS = (
    "helpdesk.ticket",
    "helpdesk.ticket.round",
    "helpdesk.ticket.sla",
    "helpdesk.sla.report",
    "ekonsultasi.round.analysis",
    "helpdesk.ticket.team",
    "helpdesk.ticket.category",
    "helpdesk.sla",
    "ekonsultasi.perangkat.daerah",
    "ekonsultasi.kecamatan",
    "ekonsultasi.desa",
    "res.company.ldap",
    "ir.attachment",
    "mail.followers",
)


class TwoKabupatenMixin(EkonsultasiDataMixin):
    @classmethod
    def setup_two_kabupaten(cls):
        """Kabupaten Solok beside the data of ``setup_ekonsultasi_data``."""
        env = cls.env
        cls.company_b = env["res.company"].create({"name": "Pemerintah Kabupaten Solok"})
        b = {"company_id": cls.company_b.id}
        B = cls.company_b.with_company(cls.company_b)

        def user(login, groups, **profile):
            return new_test_user(
                env,
                login=login,
                groups=groups,
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
                **profile,
            )

        cls.agency_b = env["ekonsultasi.perangkat.daerah"].create(
            {"name": "Inspektorat Kabupaten Solok", "code": "S-INSP", **b}
        )
        cls.kecamatan_b = env["ekonsultasi.kecamatan"].create(
            {"name": "Gunung Talang", "code": "S-13.02.04", **b}
        )
        cls.desa_b = env["ekonsultasi.desa"].create(
            {"name": "Talang", "code": "S-13.02.04.2001", "kecamatan_id": cls.kecamatan_b.id, **b}
        )
        cls.konsultan_b = user(
            "konsultan_solok", f"base.group_user,{KONSULTAN}", jenis_jabatan="administrator"
        )
        cls.konsulti_b = user(
            "konsulti_solok",
            KONSULTI,
            konsulti_origin="desa",
            desa_id=cls.desa_b.id,
        )
        cls.inspektur_b = user("inspektur_solok", f"base.group_user,{INSPEKTORAT}")
        cls.admin_b = user("admin_solok", f"base.group_user,{ADMIN}")
        cls.team_b = env["helpdesk.ticket.team"].create(
            {
                "name": "Tim Konsultan Inspektorat Solok",
                "perangkat_daerah_id": cls.agency_b.id,
                "user_ids": [Command.set(cls.konsultan_b.ids)],
                **b,
            }
        )
        cls.cat_b = env["helpdesk.ticket.category"].create(
            {
                "name": "Inspektorat Solok",
                "perangkat_daerah_id": cls.agency_b.id,
                "team_id": cls.team_b.id,
                **b,
            }
        )
        cls.topic_b = env["helpdesk.ticket.category"].create(
            {"name": "Keuangan nagari", "parent_id": cls.cat_b.id, **b}
        )
        hari_kerja = env.ref("ekonsultasi_addon.resource_calendar_hari_kerja_asn")
        cls.calendar_b = hari_kerja.copy({"name": "Hari kerja Solok", **b})
        cls.sla_b = env["helpdesk.sla"].create(
            {
                "name": "Dijawab dalam 2 hari kerja (Solok)",
                "days": 2,
                "calendar_id": cls.calendar_b.id,
                "team_ids": [Command.set(cls.team_b.ids)],
                **b,
            }
        )
        cls.ldap_b = (
            env["res.company.ldap"]
            .with_company(cls.company_b)
            .create(
                {
                    "company": cls.company_b.id,
                    "ldap_server": "127.0.0.1",
                    "ldap_server_port": 1,
                    "ldap_base": "ou=people,dc=solokkab,dc=go,dc=id",
                    "ldap_filter": "(uid=%s)",
                    "simpeg_enabled": True,
                }
            )
        )
        cls.ticket_a = cls.consult(
            cls.konsulti.partner_id, cls.topic_tlhp, name="Rahasia Sijunjung"
        )
        cls.ticket_b = (
            env["helpdesk.ticket"]
            .sudo()
            .with_company(cls.company_b)
            .create(
                {
                    "name": "Rahasia Solok",
                    "description": "<p>Dana nagari.</p>",
                    "partner_id": cls.konsulti_b.partner_id.id,
                    "category_id": cls.topic_b.id,
                    **b,
                }
            )
        )
        for ticket in cls.ticket_a | cls.ticket_b:
            env["ir.attachment"].create(
                {"name": "lhp.pdf", "raw": PDF, "res_model": "helpdesk.ticket", "res_id": ticket.id}
            )
        env.flush_all()
        cls.B = B
        cls.users_a = (cls.konsulti, cls.konsultan_1, cls.inspektur, cls.administrator)
        cls.users_b = (cls.konsulti_b, cls.konsultan_b, cls.inspektur_b, cls.admin_b)

    @classmethod
    def records_of(cls, company):
        """{model: records of ``company``} (in sudo), attachments and
        followers by their consultation."""
        ticket = cls.ticket_a if company == cls.company else cls.ticket_b
        result = {}
        for model in MODELS:
            Model = cls.env[model].sudo().with_context(active_test=False)
            if model in ("ir.attachment", "mail.followers"):
                domain = [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
            elif model == "res.company.ldap":
                domain = [("company", "=", company.id)]
            elif "ticket_id" in Model._fields:
                domain = [("ticket_id", "=", ticket.id)]
            else:
                domain = [("company_id", "=", company.id)]
            result[model] = Model.search(domain)
        return result


@tagged("post_install", "-at_install", "ekonsultasi")
class TestTwoKabupatenOrm(TwoKabupatenMixin, EkonsultasiHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_two_kabupaten()

    def test_setup_is_real(self):
        """Each kabupaten has records of every model, and its consultation
        got the SLA line of its own policy: the checks below cannot pass
        on empty data."""
        for company in (self.company, self.company_b):
            for model, records in self.records_of(company).items():
                if model in ("helpdesk.sla", "res.company.ldap") and company == self.company:
                    continue  # Sijunjung's test data uses the global policy, no directory
                with self.subTest(company=company.name, model=model):
                    self.assertTrue(records)
        self.assertIn(self.sla_b, self.ticket_b.ticket_sla_ids.sla_id)
        self.assertEqual(self.ticket_b.user_id, self.konsultan_b)

    def test_nobody_reads_lists_or_counts_the_other(self):
        for users, other in ((self.users_a, self.company_b), (self.users_b, self.company)):
            foreign = self.records_of(other)
            for user in users:
                for model, records in foreign.items():
                    Model = self.env[model].with_user(user).with_context(active_test=False)
                    if not records or not Model.has_access("read"):
                        continue
                    with self.subTest(user=user.login, model=model):
                        found = Model.search([("id", "in", records.ids)])
                        self.assertFalse(found)
                        self.assertEqual(Model.search_count([("id", "in", records.ids)]), 0)
                        with self.assertRaises(AccessError):
                            records.with_user(user).read(["display_name"])

    def test_nobody_changes_the_other(self):
        ticket_b = self.ticket_b
        for user in self.users_a:
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    ticket_b.with_user(user).write({"priority": "3"})
                with self.assertRaises(AccessError):
                    ticket_b.with_user(user).message_post(body="x", message_type="comment")
                with self.assertRaises(AccessError):
                    self.env["ir.attachment"].with_user(user).create(
                        {
                            "name": "x.pdf",
                            "raw": PDF,
                            "res_model": "helpdesk.ticket",
                            "res_id": ticket_b.id,
                        }
                    )
        admin = self.administrator
        for record, vals in (
            (self.team_b, {"name": "x"}),
            (self.topic_b, {"name": "x"}),
            (self.agency_b, {"name": "x"}),
            (self.sla_b, {"days": 9}),
            (self.ldap_b, {"ldap_base": "dc=x"}),
        ):
            with self.subTest(record=record._name), self.assertRaises(AccessError):
                record.with_user(admin).write(vals)

    def test_no_routing_across(self):
        """A category of one kabupaten never routes to a team of the other,
        nor takes an SLA policy of the other."""
        with self.assertRaises(UserError):
            self.topic_tlhp.write({"team_id": self.team_b.id})
        self.assertNotIn(self.sla_b, self.ticket_a.ticket_sla_ids.sla_id)

    def test_counts_recap_and_analysis(self):
        """The Inspektur of each kabupaten counts only his own."""
        for inspektur, ticket in (
            (self.inspektur, self.ticket_a),
            (self.inspektur_b, self.ticket_b),
        ):
            with self.subTest(user=inspektur.login):
                groups = (
                    self.env["ekonsultasi.round.analysis"]
                    .with_user(inspektur)
                    .read_group([], ["ticket_id"], ["ticket_id"])
                )
                self.assertEqual([g["ticket_id"][0] for g in groups], [ticket.id])
                self.assertEqual(
                    self.env["helpdesk.ticket"].with_user(inspektur).search_count([]), 1
                )
                wizard = (
                    self.env["ekonsultasi.recap.wizard"]
                    .with_user(inspektur)
                    .create({"period_type": "year", "year": ticket.create_date.year})
                )
                # printed a minute after the consultation was sent
                with freeze_time(ticket.create_date + timedelta(minutes=1)):
                    recap = wizard._ekonsultasi_recap()
                self.assertEqual(recap.totals.received, 1)
        report = self.env["helpdesk.sla.report"].with_user(self.administrator).search([])
        self.assertEqual(set(report.ticket_id.ids), {self.ticket_a.id})

    # over HTTP ----------------------------------------------------------
    def test_portal_of_one_shows_nothing_of_the_other(self):
        self.authenticate("konsulti_solok", "konsulti_solok")
        listing = self.url_open("/my/tickets").text
        self.assertIn("Rahasia Solok", listing)
        self.assertNotIn("Rahasia Sijunjung", listing)
        page = self.url_open(f"/my/ticket/{self.ticket_a.id}", allow_redirects=False)
        self.assertIn(page.status_code, (302, 303))
        form = self.url_open("/new/ticket").text
        self.assertIn("Keuangan nagari", form)
        self.assertNotIn("Tindak lanjut hasil pemeriksaan", form)

    @mute_logger("odoo.http")
    def test_call_kw_of_one_reads_nothing_of_the_other(self):
        self.authenticate("konsultan_solok", "konsultan_solok")
        for model, records in self.records_of(self.company).items():
            with self.subTest(model=model):
                try:
                    rows = self.call_kw(
                        model, "search_read", [[("id", "in", records.ids)], ["display_name"]]
                    )
                except JsonRpcException:
                    continue  # no right on the model at all
                self.assertEqual(rows, [])

"""The backend as konsultan, Inspektur and administrator meet it (issue 11):
the app's name, the konsultan's dashboard of his own teams, the Inspektur's
dashboard (chart and late consultations) and the figures of the quarter on a
saved record, the working calendar that counts shown on a team and given the
holidays, and the SLA form's layout."""

import datetime as dt
import importlib.util

from ekonsultasi_common import EkonsultasiCase, EkonsultasiHttpCase
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import Form, JsonRpcException, new_test_user, tagged
from odoo.tools import file_path, mute_logger


@tagged("post_install", "-at_install", "ekonsultasi")
class TestBackendUx(EkonsultasiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.asn = cls.env.ref("ekonsultasi_addon.resource_calendar_hari_kerja_asn")
        cls.standard = cls.env.ref("resource.resource_calendar_std")
        cls.env.company.resource_calendar_id = cls.standard

    def _run(self, xmlid, user):
        action = self.env.ref(xmlid)
        model = action.model_id.model
        # as /web/action/run does it
        return action.with_user(user).with_context(active_model=model).run()

    # app and dashboards ---------------------------------------------------

    def test_app_is_ekonsultasi(self):
        self.assertEqual(
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu").name, "E-Konsultasi"
        )
        # and no empty "Dasbor" app beside it (board's spreadsheet dashboards)
        spreadsheets = self.env.ref("spreadsheet_dashboard.spreadsheet_dashboard_menu_root")
        for user in (self.konsultan_1, self.inspektur, self.administrator):
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            self.assertNotIn(spreadsheets.id, visible, user.login)

    def test_konsultan_dashboard_lists_his_teams_only(self):
        action = self._run(
            "ekonsultasi_addon.helpdesk_ticket_team_action_dashboard", self.konsultan_bkad
        )
        self.assertEqual(action["res_model"], "helpdesk.ticket.team")
        teams = (
            self.env["helpdesk.ticket.team"].with_user(self.konsultan_bkad).search(action["domain"])
        )
        self.assertEqual(teams, self.team_bkad)
        menu = self.env.ref("helpdesk_mgmt.helpdesk_ticket_dashboard_menu")
        self.assertEqual(
            menu.action, self.env.ref("ekonsultasi_addon.helpdesk_ticket_team_action_dashboard")
        )

    def test_dashboard_figures_in_our_words(self):
        sections = self.env["helpdesk.ticket.team"].with_user(self.konsultan_1).retrieve_dashboard()
        self.assertIn("Open consultations", [s["name"] for s in sections])
        self.assertNotIn("Open Tickets", str(sections))

    def test_inspektur_dashboard_lists_every_team(self):
        action = self._run(
            "ekonsultasi_addon.helpdesk_ticket_team_action_dashboard", self.inspektur
        )
        teams = (
            self.env["helpdesk.ticket.team"]
            .with_user(self.inspektur)
            .search(action.get("domain") or [])
        )
        self.assertLessEqual(self.team_insp | self.team_bkad, teams)

    def test_inspektur_board(self):
        """The board shows the quarter's chart and its late consultations,
        both from the consultation analysis the Inspektur may read."""
        views = (
            self.env["board.board"]
            .with_user(self.inspektur)
            .get_views(
                [(self.env.ref("ekonsultasi_addon.ekonsultasi_dashboard_view_board").id, "form")]
            )
        )
        arch = etree.fromstring(views["views"]["form"]["arch"])
        actions = arch.xpath("//action")
        self.assertEqual(len(actions), 2)
        chart = self.env.ref("ekonsultasi_addon.ekonsultasi_round_analysis_action_quarter_chart")
        late = self.env.ref("ekonsultasi_addon.ekonsultasi_round_analysis_action_late")
        self.assertEqual([int(a.get("name")) for a in actions], [chart.id, late.id])
        self.assertEqual([a.get("view_mode") for a in actions], ["graph", "list"])
        ticket = self.consult(self.konsulti.partner_id)
        rows = (
            self.env["ekonsultasi.round.analysis"]
            .with_user(self.inspektur)
            .search_read([("ticket_id", "=", ticket.id)], ["outcome"])
        )
        self.assertEqual(len(rows), 1)

    def test_quarter_counted_on_the_pemda_s_day(self):
        """The board counts a quarter from midnight in the time zone of the
        calendar of the answer limit, not from midnight UTC: sent at 00:30
        WIB on 1 October (17:30 UTC on 30 September), a consultation belongs
        to the fourth quarter; sent at 23:30 WIB on 30 September, to the
        third. A pemda in WIT counts in WIT."""
        partner = self.konsulti.partner_id
        october = self.consult_at(dt.datetime(2026, 9, 30, 17, 30), partner)
        september = self.consult_at(dt.datetime(2026, 9, 30, 16, 30), partner)
        wit = self.consult_at(dt.datetime(2026, 9, 30, 15, 30), partner)
        Analysis = self.env["ekonsultasi.round.analysis"].with_user(self.inspektur)

        def day(ticket):
            Analysis.invalidate_model()
            return Analysis.search([("ticket_id", "=", ticket.id)]).start_day

        calendar = october.sla_ids.calendar_id
        self.assertEqual(calendar.tz, "Asia/Jakarta")
        self.assertEqual(day(october), dt.date(2026, 10, 1))
        self.assertEqual(day(september), dt.date(2026, 9, 30))
        self.assertEqual(day(wit), dt.date(2026, 9, 30))
        calendar.tz = "Asia/Jayapura"
        self.env.flush_all()
        self.assertEqual(day(wit), dt.date(2026, 10, 1))
        # the board's lists and charts filter and group on that day
        for xmlid in (
            "ekonsultasi_addon.ekonsultasi_dashboard_view_board",
            "ekonsultasi_addon.ekonsultasi_dashboard_kepala_view_board",
        ):
            arch = etree.fromstring(self.env.ref(xmlid).arch)
            for action in arch.xpath("//action"):
                self.assertIn("('start_day', '>='", action.get("domain"))
        graph = self.env.ref("ekonsultasi_addon.ekonsultasi_round_analysis_view_graph_quarter")
        self.assertEqual(etree.fromstring(graph.arch).xpath("//field/@name")[0], "start_day")

    def test_figures_on_a_saved_record(self):
        """The figures open on a saved record titled with the period, not
        on a new one ("New" with save and discard)."""
        action = self._run("ekonsultasi_addon.ekonsultasi_recap_figures_action", self.inspektur)
        self.assertEqual(action["res_model"], "ekonsultasi.recap.wizard")
        wizard = (
            self.env["ekonsultasi.recap.wizard"].with_user(self.inspektur).browse(action["res_id"])
        )
        self.assertTrue(wizard.exists())
        self.assertEqual(wizard.period_type, "quarter")
        self.assertTrue(wizard.display_name.startswith("Triwulan"), wizard.display_name)
        with self.assertRaises(AccessError):
            self._run("ekonsultasi_addon.ekonsultasi_recap_figures_action", self.konsultan_1)

    # working calendar -------------------------------------------------------

    def test_team_shows_the_calendar_that_counts(self):
        self.assertEqual(self.team_bkad.resource_calendar_id, self.standard)
        self.assertEqual(self.team_bkad.ekonsultasi_calendar_id, self.asn)
        self.assertTrue(self.team_bkad.ekonsultasi_policy_calendar)
        ticket = self.consult(self.konsulti.partner_id, self.topic_aset)
        self.assertEqual(
            ticket._ekonsultasi_calendar(ticket.sla_line_id.sla_id),
            self.team_bkad.ekonsultasi_calendar_id,
        )
        # without a calendar on the policy, the team's counts
        self.env.ref("ekonsultasi_addon.helpdesk_sla_answer_3_days").calendar_id = False
        self.team_bkad.invalidate_recordset()
        self.assertEqual(self.team_bkad.ekonsultasi_calendar_id, self.standard)
        self.assertFalse(self.team_bkad.ekonsultasi_policy_calendar)

    def test_holidays_go_to_the_calendar_that_counts(self):
        counting = self.env["resource.calendar"]._ekonsultasi_counting_calendars()
        self.assertIn(self.asn, counting)
        self.assertNotIn(self.standard, counting)
        self.standard.global_leave_ids.unlink()
        self.env["resource.calendar"]._cron_import_holidays()
        self.assertFalse(self.standard.global_leave_ids)
        self.assertTrue(self.asn.global_leave_ids)

    def test_migration_18_0_1_2_2(self):
        """A database from before 18.0.1.2.1 has the holidays on Odoo's
        standard calendars too; migration 18.0.1.2.2 removes those, and keeps
        a day off added there by hand and the days off of the calendars that
        count. Its app menu reads E-Konsultasi in Indonesian too."""
        self.standard.global_leave_ids.unlink()
        self.standard.tz = "Asia/Jakarta"
        self.standard.action_import_holidays(2026)  # as the old import did
        imported = self.standard.global_leave_ids
        self.assertGreater(len(imported), 10)
        by_hand = self.env["resource.calendar.leaves"].create(
            {
                "name": "Hari jadi Kabupaten",
                "calendar_id": self.standard.id,
                "date_from": "2026-08-10 17:00:00",
                "date_to": "2026-08-11 16:59:59",
            }
        )
        # a holiday's day whose name the administrator changed is his
        renamed = imported[0]
        renamed.name = "Libur khusus Kabupaten"
        self.asn.action_import_holidays(2026)
        counting_days = self.asn.global_leave_ids
        self.assertTrue(counting_days)
        path = "ekonsultasi_addon/migrations/18.0.1.2.2/post-migration.py"
        spec = importlib.util.spec_from_file_location("holiday_migration", file_path(path))
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        # the app's menu of such a database kept helpdesk_mgmt's Indonesian name
        self.env["res.lang"]._activate_lang("id_ID")
        menu = self.env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu")
        menu.update_field_translations("name", {"id_ID": "Helpdesk"})
        self.assertEqual(menu.with_context(lang="id_ID").name, "Helpdesk")
        migration.migrate(self.env.cr, "18.0.1.2.1")
        self.assertEqual(self.standard.global_leave_ids, by_hand | renamed)
        self.assertEqual(self.asn.global_leave_ids, counting_days)
        menu.invalidate_recordset()
        self.assertEqual(menu.with_context(lang="id_ID").name, "E-Konsultasi")

    def test_policy_without_calendar_of_some_teams(self):
        """A policy without calendar makes the calendars of its active teams
        count, not those of every team."""
        Calendar = self.env["resource.calendar"]
        other = Calendar.create({"name": "Kalender Inspektorat", "tz": "Asia/Jakarta"})
        self.team_insp.resource_calendar_id = other
        policy = self.env["helpdesk.sla"].create(
            {"name": "Khusus Inspektorat", "days": 2, "team_ids": [(6, 0, self.team_insp.ids)]}
        )
        counting = Calendar._ekonsultasi_counting_calendars()
        self.assertIn(other, counting)
        self.assertNotIn(self.standard, counting)
        self.team_insp.action_archive()
        self.assertNotIn(other, Calendar._ekonsultasi_counting_calendars())
        policy.unlink()

    def test_administrator_edits_calendar_and_days_off(self):
        """The administrator (not a system administrator) reaches the
        calendar from the E-Konsultasi menu and edits its days off."""
        self.assertFalse(self.administrator.has_group("base.group_system"))
        menu = self.env.ref("ekonsultasi_addon.resource_calendar_menu_ekonsultasi")
        visible = self.env["ir.ui.menu"].with_user(self.administrator)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        calendar = self.asn.with_user(self.administrator)
        with Form(calendar) as form, form.global_leave_ids.new() as leave:
            leave.name = "Hari jadi Kabupaten"
            leave.date_from = "2026-08-11 00:00:00"
            leave.date_to = "2026-08-11 16:59:59"
        self.assertIn("Hari jadi Kabupaten", calendar.global_leave_ids.mapped("name"))

    # SLA form -------------------------------------------------------------

    def test_sla_form_reach_in_row(self):
        arch = etree.fromstring(self.env["helpdesk.sla"].get_view(view_type="form")["arch"])
        row = arch.xpath("//div[@name='reach_in']")[0]
        self.assertEqual(sorted(row.xpath(".//field/@name")), ["days", "hours"])
        self.assertTrue(arch.xpath("//group[@name='target']/field[@name='counting_rule']"))


KEPALA = "ekonsultasi_addon.group_ekonsultasi_kepala_pd"


@tagged("post_install", "-at_install", "ekonsultasi")
class TestKepalaPerangkatDaerah(EkonsultasiHttpCase):
    """The head of an agency (its *Head of agency*, in the group Kepala
    perangkat daerah) reads his agency's consultations and figures only,
    whatever the door: ORM, ``/web/dataset/call_kw``, the analysis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kepala = new_test_user(
            cls.env, login="kepalabkad", name="H. Syamsul Bahri", groups=f"base.group_user,{KEPALA}"
        )
        cls.agency_bkad.head_user_id = cls.kepala
        cls.t_bkad = cls.consult(cls.konsulti.partner_id, cls.topic_aset, name="Aset BKAD")
        cls.t_insp = cls.consult(cls.konsulti.partner_id, cls.topic_tlhp, name="Temuan Inspektorat")

    def test_orm(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.kepala)
        self.assertEqual(
            Ticket.search([("id", "in", (self.t_bkad | self.t_insp).ids)]), self.t_bkad
        )
        with self.assertRaises(AccessError):
            self.t_insp.with_user(self.kepala).read(["name"])
        with self.assertRaises(AccessError):
            self.t_bkad.with_user(self.kepala).write({"name": "Diubah"})
        rows = self.env["ekonsultasi.round.analysis"].with_user(self.kepala).search([])
        self.assertEqual(rows.ticket_id, self.t_bkad)

    @mute_logger("odoo.http")
    def test_call_kw(self):
        self.authenticate("kepalabkad", "kepalabkad")
        rows = self.call_kw("helpdesk.ticket", "search_read", [[], ["name"]])
        self.assertEqual({row["id"] for row in rows}, {self.t_bkad.id})
        rows = self.call_kw("ekonsultasi.round.analysis", "search_read", [[], ["ticket_id"]])
        self.assertEqual({row["ticket_id"][0] for row in rows}, {self.t_bkad.id})
        groups = self.call_kw(
            "ekonsultasi.round.analysis",
            "read_group",
            [[("open_count", "=", 1)], ["user_id"], ["user_id"]],
        )
        self.assertEqual(sum(g["user_id_count"] for g in groups), 1)
        with self.assertRaises(JsonRpcException):
            self.call_kw("helpdesk.ticket", "read", [self.t_insp.ids, ["name"]])
        self.assertNotIn("Temuan Inspektorat", str(rows))

    def test_dashboards(self):
        views = (
            self.env["board.board"]
            .with_user(self.kepala)
            .get_views(
                [
                    (
                        self.env.ref(
                            "ekonsultasi_addon.ekonsultasi_dashboard_kepala_view_board"
                        ).id,
                        "form",
                    )
                ]
            )
        )
        self.assertEqual(len(etree.fromstring(views["views"]["form"]["arch"]).xpath("//action")), 3)
        visible = self.env["ir.ui.menu"].with_user(self.kepala)._visible_menu_ids()
        self.assertIn(
            self.env.ref("ekonsultasi_addon.ekonsultasi_dashboard_kepala_menu").id, visible
        )
        self.assertNotIn(
            self.env.ref("ekonsultasi_addon.ekonsultasi_recap_wizard_menu").id, visible
        )
        action = (
            self.env.ref("ekonsultasi_addon.helpdesk_ticket_team_action_dashboard")
            .with_user(self.kepala)
            .with_context(active_model="helpdesk.ticket.team")
            .run()
        )
        teams = self.env["helpdesk.ticket.team"].with_user(self.kepala).search(action["domain"])
        self.assertEqual(teams, self.team_bkad)

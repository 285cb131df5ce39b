# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The set-up checklist of a kabupaten/kota (one company): what an
administrator must fill in before the service opens, what is still missing,
and a button to the place where each step is done."""

from odoo import api, fields, models
from odoo.tools import config

# the names base gives the first company: not a pemda's name yet
DEFAULT_COMPANY_NAMES = {"My Company", "YourCompany"}
# WIB, WITA, WIT: the time zones of a pemda's working calendar
INDONESIAN_ZONES = {"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"}
STEPS = ("letterhead", "regions", "calendar", "inspektur", "directory", "mail", "signup")


class EkonsultasiSetupWizard(models.TransientModel):
    _name = "ekonsultasi.setup.wizard"
    _description = "Setting up a kabupaten"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        help="The pemda being set up (the current company).",
    )
    letterhead_done = fields.Boolean(
        compute="_compute_steps",
        help="Ticked when the pemda has its name, address and logo for the "
        "letterhead of the printed documents.",
    )
    letterhead_info = fields.Char(
        compute="_compute_steps", help="What the letterhead step found, or what is missing."
    )
    regions_done = fields.Boolean(
        compute="_compute_steps",
        help="Ticked when the pemda has perangkat daerah, kecamatan and villages (desa/nagari).",
    )
    regions_info = fields.Char(
        compute="_compute_steps",
        help="How many perangkat daerah, kecamatan and villages the pemda has.",
    )
    calendar_done = fields.Boolean(
        compute="_compute_steps",
        help="Ticked when the working calendars that count the limits have this "
        "year's public holidays and days off.",
    )
    calendar_info = fields.Char(
        compute="_compute_steps", help="What the calendar step found, or what is missing."
    )
    inspektur_done = fields.Boolean(
        compute="_compute_steps",
        help="Ticked when the Inspektur who receives the second escalation is chosen.",
    )
    inspektur_info = fields.Char(
        compute="_compute_steps", help="The Inspektur chosen, or what is missing."
    )
    directory_done = fields.Boolean(
        compute="_compute_steps",
        help="Ticked when an LDAP server of the pemda is marked as the SIMPEG directory.",
    )
    directory_info = fields.Char(
        compute="_compute_steps", help="The SIMPEG directory servers found, or what is missing."
    )
    mail_done = fields.Boolean(
        compute="_compute_steps",
        help="Ticked when an outgoing mail server sends the notifications of "
        "limits and escalations.",
    )
    mail_info = fields.Char(
        compute="_compute_steps", help="The outgoing mail servers found, or what is missing."
    )
    signup_done = fields.Boolean(
        compute="_compute_steps",
        help="Ticked when only invited users have an account and passwords cannot "
        "be reset by e-mail.",
    )
    signup_info = fields.Char(
        compute="_compute_steps", help="The sign-up settings found, or what is missing."
    )
    progress = fields.Char(
        compute="_compute_steps", help="How many steps of the checklist are done, out of all."
    )
    is_system = fields.Boolean(
        compute="_compute_is_system",
        help="Whether the current user is a system administrator (Settings), who "
        "may change the steps that need that right.",
    )

    @api.depends("company_id")
    def _compute_steps(self):
        for wizard in self:
            states = {}
            for step in STEPS:
                done, info = getattr(wizard, f"_step_{step}")()
                wizard[f"{step}_done"] = done
                wizard[f"{step}_info"] = info
                states[step] = done
            wizard.progress = self.env._(
                "%(done)s of %(total)s steps done",
                done=sum(states.values()),
                total=len(STEPS),
            )

    @api.depends_context("uid")
    def _compute_is_system(self):
        self.is_system = self.env.user.has_group("base.group_system")

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._(
                "Setting up %(company)s", company=wizard.company_id.name
            )

    # ------------------------------------------------------------------
    # The steps: (done, what is there or what is missing)
    # ------------------------------------------------------------------

    def _step_letterhead(self):
        _ = self.env._
        company = self.company_id
        missing = []
        if not company.name or company.name in DEFAULT_COMPANY_NAMES:
            missing.append(_("the name of the pemda"))
        if not (company.street and company.city):
            missing.append(_("the address (street and city)"))
        if company.uses_default_logo:
            missing.append(_("the logo"))
        if missing:
            return False, _("Missing: %(missing)s.", missing=", ".join(missing))
        return True, _("%(name)s, %(city)s, with its logo.", name=company.name, city=company.city)

    def _step_regions(self):
        _ = self.env._
        domain = [("company_id", "=", self.company_id.id)]
        counts = {
            "agencies": self.env["ekonsultasi.perangkat.daerah"].search_count(domain),
            "kecamatan": self.env["ekonsultasi.kecamatan"].search_count(domain),
            "villages": self.env["ekonsultasi.desa"].search_count(domain),
        }
        info = _(
            "%(agencies)s perangkat daerah, %(kecamatan)s kecamatan, %(villages)s villages.",
            **counts,
        )
        return all(counts.values()), info

    def _ekonsultasi_calendars(self):
        """The working calendars the limits of this company's consultations
        are counted on: those of the SLA policies that apply to it (the
        policy's, else the team's, else the company's, as
        ``helpdesk.ticket._ekonsultasi_pick_calendar`` picks)."""
        company = self.company_id
        # sudo: the checklist only counts; an administrator of e-konsultasi
        # who is not a helpdesk manager of every company still needs to know
        policies = (
            self.env["helpdesk.sla"].sudo().search([("company_id", "in", [company.id, False])])
        )
        Ticket = self.env["helpdesk.ticket"]
        company_teams = (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .search([("company_id", "in", [company.id, False])])
        )
        calendars = self.env["resource.calendar"]
        for policy in policies:
            named = policy.with_context(active_test=False).team_ids
            # a policy of named teams applies to them only (none of them
            # active in this company: not at all); without teams, to all
            teams = (named & company_teams) if named else company_teams
            if named and not teams:
                continue
            for team in teams or [None]:
                calendars |= Ticket._ekonsultasi_pick_calendar(policy, team, company)
        return calendars or company.resource_calendar_id

    def _step_calendar(self):
        _ = self.env._
        year = fields.Date.context_today(self).year
        calendars = self._ekonsultasi_calendars()
        if not calendars:
            return False, _("Missing: a working calendar.")
        # sudo: the days off of a calendar shared by several kabupaten belong
        # to the company that imported them; the limits count them all (the
        # checklist only counts)
        Leave = self.env["resource.calendar.leaves"].sudo()
        problems, names = [], []
        for calendar in calendars:
            days_off = Leave.search_count(
                [
                    ("calendar_id", "=", calendar.id),
                    ("resource_id", "=", False),
                    ("date_from", "<", fields.Datetime.to_datetime(f"{year + 1}-01-01")),
                    ("date_to", ">=", fields.Datetime.to_datetime(f"{year}-01-01")),
                ]
            )
            names.append(
                _(
                    "%(calendar)s (%(tz)s, %(count)s days off in %(year)s)",
                    calendar=calendar.name,
                    tz=calendar.tz,
                    count=days_off,
                    year=year,
                )
            )
            if calendar.tz not in INDONESIAN_ZONES:
                problems.append(
                    _(
                        "%(calendar)s is not in WIB, WITA or WIT (%(tz)s)",
                        calendar=calendar.name,
                        tz=calendar.tz or "-",
                    )
                )
            if not calendar.attendance_ids:
                problems.append(_("%(calendar)s has no working hours", calendar=calendar.name))
            if not days_off:
                problems.append(
                    _(
                        "%(calendar)s has no holidays for %(year)s",
                        calendar=calendar.name,
                        year=year,
                    )
                )
        if problems:
            return False, _("Missing: %(missing)s.", missing="; ".join(problems))
        return True, _("Limits are counted on %(calendars)s.", calendars=", ".join(names))

    def _step_inspektur(self):
        _ = self.env._
        inspektur = self.company_id.ekonsultasi_inspektur_id
        if not inspektur:
            return False, _("Missing: nobody receives the second escalation.")
        return True, inspektur.name

    def _step_directory(self):
        _ = self.env._
        servers = self.env["res.company.ldap"].search(
            [("company", "=", self.company_id.id), ("simpeg_enabled", "=", True)]
        )
        if not servers:
            return False, _("Missing: no LDAP server is marked as the SIMPEG directory.")
        return True, ", ".join(f"{s.ldap_server}:{s.ldap_server_port}" for s in servers)

    def _step_mail(self):
        _ = self.env._
        # sudo: outgoing mail servers are readable by Settings users only;
        # the checklist shows their host names, never their credentials
        servers = self.env["ir.mail_server"].sudo().search([])
        if servers:
            return True, ", ".join(f"{s.smtp_host}:{s.smtp_port}" for s in servers)
        smtp = config.get("smtp_server")
        if smtp and smtp != "localhost":
            host = "{}:{}".format(smtp, config.get("smtp_port"))
            return True, _("%(host)s (from the Odoo configuration file)", host=host)
        return False, _(
            "Missing: no outgoing mail server; notifications of limits and "
            "escalations are not sent."
        )

    def _step_signup(self):
        _ = self.env._
        missing = []
        if self.env["res.users"]._get_signup_invitation_scope() == "b2c":
            missing.append(_("anybody can create an account on the portal (Free sign up)"))
        # sudo: system parameters are read by Settings users only; the
        # checklist reads one flag (as auth_signup's login page does)
        if self.env["ir.config_parameter"].sudo().get_param("auth_signup.reset_password"):
            missing.append(_("passwords can be reset by e-mail (Password Reset)"))
        if missing:
            return False, _("Missing: %(missing)s.", missing="; ".join(missing))
        return True, _(
            "Only invited users have an account (On invitation); no password reset by e-mail."
        )

    # ------------------------------------------------------------------
    # Buttons to the place of each step
    # ------------------------------------------------------------------

    @api.model
    def action_open_checklist(self):
        """The checklist of the current company, as a saved record: the
        form opens with its title and states, not as a new record to
        save."""
        wizard = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": wizard.display_name,
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _open(self, xml_id, **values):
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action.update(values)
        return action

    def action_open_company(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.company",
            "res_id": self.company_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def _import_action(self, kind):
        action = self._open("ekonsultasi_addon.ekonsultasi_region_import_action")
        action["context"] = {"default_kind": kind}
        return action

    def action_import_perangkat_daerah(self):
        return self._import_action("perangkat_daerah")

    def action_import_kecamatan(self):
        return self._import_action("kecamatan")

    def action_import_desa(self):
        return self._import_action("desa")

    def action_open_calendar(self):
        calendars = self._ekonsultasi_calendars()
        action = self._open("resource.action_resource_calendar_form")
        if len(calendars) == 1:
            action.update(res_id=calendars.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("id", "in", calendars.ids)]
        return action

    def action_import_holidays(self):
        """resource.calendar.action_import_holidays on the calendars that
        count: this year's national holidays and cuti bersama."""
        self._ekonsultasi_calendars().action_import_holidays()
        return self.action_open_checklist()

    def action_open_settings(self):
        return self._open("helpdesk_mgmt.action_helpdesk_mgmt_config_settings")

    def action_open_directory(self):
        return self._open("ekonsultasi_addon.res_company_ldap_action")

    def action_open_mail_servers(self):
        return self._open("base.action_ir_mail_server_list")

    def action_open_general_settings(self):
        return self._open("base_setup.action_general_configuration")

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError


class HelpdeskTicketTeam(models.Model):
    """A team of konsultan of a perangkat daerah or of one of its bidang."""

    _inherit = "helpdesk.ticket.team"

    use_sla = fields.Boolean(
        default=True,
        help="Count answer limits (SLA) on the consultations of this team; on by default.",
    )
    perangkat_daerah_id = fields.Many2one(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Perangkat daerah",
        index=True,
        help="The agency whose konsultan form this team.",
    )
    ekonsultasi_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Answer limits counted on",
        compute="_compute_ekonsultasi_calendar_id",
        help="The working calendar the answer limits of this team's consultations "
        "are counted on: that of the SLA policy when it names one, else the team's "
        "working hours, else the company's.",
    )
    ekonsultasi_policy_calendar = fields.Boolean(
        string="Counted on the policy's calendar",
        compute="_compute_ekonsultasi_calendar_id",
        help="The SLA policy's calendar counts, not the team's working hours.",
    )

    @api.depends("resource_calendar_id", "company_id")
    def _compute_ekonsultasi_calendar_id(self):
        Ticket = self.env["helpdesk.ticket"]
        for team in self:
            policy = team._ekonsultasi_policy_with_calendar()
            team.ekonsultasi_calendar_id = Ticket._ekonsultasi_pick_calendar(
                policy, team, team.company_id or self.env.company
            )
            team.ekonsultasi_policy_calendar = bool(policy)

    @api.constrains("user_ids")
    def _check_members_are_konsultan(self):
        group = self.env.ref("ekonsultasi_addon.group_ekonsultasi_konsultan")
        for team in self:
            outsiders = team.user_ids.filtered(lambda u: group not in u.groups_id)
            if outsiders:
                raise ValidationError(
                    self.env._(
                        "Only konsultan can be members of the team %(team)s; "
                        "give these users the Konsultan role first: %(users)s.",
                        team=team.display_name,
                        users=", ".join(outsiders.mapped("name")),
                    )
                )

    def _ekonsultasi_policy_with_calendar(self):
        """The first active SLA policy that applies to every consultation of
        this team (no tag, category or domain condition) and names a working
        calendar: the one whose calendar counts (one policy per pemda, as the
        demo and the recap's time zone assume)."""
        self.ensure_one()
        team_domain = [("team_ids", "=", False)]
        if self.id:
            team_domain = ["|", *team_domain, ("team_ids", "in", self.ids)]
        return self.env["helpdesk.sla"].search(
            [
                *team_domain,
                ("calendar_id", "!=", False),
                ("company_id", "in", [self.company_id.id or self.env.company.id, False]),
            ],
            order="company_id, id",
            limit=1,
        )

    @api.model
    def _ekonsultasi_action_dashboard(self):
        """helpdesk_mgmt's dashboard of teams: a konsultan (who sees only the
        consultations of his teams) sees the cards of his teams only, not
        every team with 0; a kepala perangkat daerah those of his agency;
        helpdesk users who see every team, the tim pengelola and the
        administrators see all."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_dashboard_action"
        )
        user = self.env.user
        if not (
            user.has_group("helpdesk_mgmt.group_helpdesk_user")
            or user.has_group("ekonsultasi_addon.group_ekonsultasi_inspektorat")
        ):
            domain = [("user_ids", "in", user.ids)]
            if user.has_group("ekonsultasi_addon.group_ekonsultasi_kepala_pd"):
                domain = ["|", ("perangkat_daerah_id.head_user_id", "=", user.id), *domain]
            action["domain"] = domain
        return action

    def _retrieve_dashboard(self):
        """helpdesk_mgmt's figures above the team cards, named in our words:
        its Python strings cannot be translated from another module."""
        names = {
            "helpdesk_mgmt.helpdesk_ticket_action_unassigned": self.env._(
                "Open consultations without team"
            ),
            "helpdesk_mgmt.helpdesk_ticket_action_opened": self.env._("Open consultations"),
        }
        sections = super()._retrieve_dashboard()
        for section in sections:
            section["name"] = names.get(section.get("action"), section["name"])
        return sections

    def _get_konsultan_members(self):
        """Members who can receive consultations: active konsultan."""
        self.ensure_one()
        # the id through the cached xml id lookup: env.ref would also query
        # whether the group exists, on every consultation routed
        group_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "ekonsultasi_addon.group_ekonsultasi_konsultan", raise_if_not_found=True
        )
        # one query, through helpdesk_mgmt's inverse of the team's members
        # (reading ``user_ids`` first cost two more: the relation, then every
        # member's record); it also brings what mail reads of the konsultan
        # given a new consultation (_message_auto_subscribe_followers)
        return (
            self.env["res.users"]
            .with_context(active_test=True)
            .search_fetch(
                [("helpdesk_team_ids", "in", self.ids), ("groups_id", "=", group_id)],
                ["active", "partner_id"],
                order="id",
            )
        )

    def _ekonsultasi_stage_of(self, role):
        """The stage of this team (one or none: the company's stages without
        team) with the flow's ``role`` (``ekonsultasi_state``): the first of
        helpdesk_mgmt's ``_get_applicable_stages``. In sudo (routing a new
        consultation, the flow) from the registry's cache; stages change
        seldom, and every consultation routed asked again (a search and a
        query, bench/profile_create.py)."""
        if not self.env.su:
            return self._get_applicable_stages().filtered(
                lambda stage: stage.ekonsultasi_state == role
            )[:1]
        company = self.company_id if self else self.env.company
        stage_ids = dict(self._ekonsultasi_stage_ids_by_role(company.id))
        return self.env["helpdesk.ticket.stage"].browse(stage_ids.get(role, ()))

    @tools.ormcache("self.id", "company_id", "self.env.context.get('active_test', True)")
    def _ekonsultasi_stage_ids_by_role(self, company_id):
        """``((role, first stage id), ...)`` of the applicable stages of this
        team (or none) in ``company_id``. Cleared when a stage is created,
        written or deleted, or a team deleted (its stages may then apply to
        every team)."""
        first = {}
        for stage in self._get_applicable_stages():
            first.setdefault(stage.ekonsultasi_state, stage.id)
        return tuple(first.items())

    def unlink(self):
        result = super().unlink()
        # the policies and stages naming the team lost it: which apply where
        # changed (the registry cache of both)
        self.env["helpdesk.sla"]._ekonsultasi_clear_policies()
        return result

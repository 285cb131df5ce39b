# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

import numpy as np
import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, create_index, format_datetime
from odoo.tools.safe_eval import safe_eval

from ..lib import outcome, workdays
from .res_partner import KONSULTI_ORIGINS

# Indonesian time zones by their usual names (WIB, WITA, WIT)
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


KONSULTI_GROUP = "ekonsultasi_addon.group_ekonsultasi_konsulti"
# the konsulti's question: fixed once sent (Pasal 11); the Inspektorat audits it
QUESTION_FIELDS = frozenset(
    {"name", "description", "partner_id", "partner_name", "partner_email", "company_id", "number"}
)
# facts the flow records (rounds, answer, limit, escalation): never written by hand
FLOW_FIELDS = frozenset(
    {
        "current_round_id",
        "round_number",
        "round_start_date",
        "answer_date",
        "answer_work_days",
        "resubmission_count",
        "sla_line_id",
        "answer_deadline",
        "sla_state",
        "escalation_level",
        "konsulti_origin",
        "origin_perangkat_daerah_id",
        "origin_desa_id",
        "closed_date",
        "closing_type",
        "assigned_date",
        "last_stage_update",
        # set by the portal, cleared by the notices' scheduled action: set by
        # hand, it would send the receipt and the konsultan's notice again
        "ekonsultasi_notice_pending",
    }
)


def _zone_label(tz, when):
    if tz in ZONE_LABELS:
        return ZONE_LABELS[tz]
    return pytz.utc.localize(when).astimezone(pytz.timezone(tz)).strftime("%Z")


class HelpdeskTicket(models.Model):
    """A consultation (konsultasi): the problem a konsulti sends to the
    konsultan team of a category, answered in rounds (Pasal 11 to 13)."""

    _inherit = "helpdesk.ticket"
    # posting, uploading and scheduling need more than reading: who may do
    # them is decided by _ekonsultasi_contribution_error (the konsulti on his
    # own consultation has no write right, yet posts through the portal)
    _mail_post_access = "write"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    partner_id = fields.Many2one(
        string="Konsulti", tracking=True, help="The konsulti: the person who asks."
    )
    user_id = fields.Many2one(
        string="Konsultan",
        help="The konsultan in charge of answering; empty: any konsultan of the team may answer.",
    )
    team_id = fields.Many2one(
        string="Konsultan team",
        tracking=True,
        help="The team of konsultan that answers the consultation.",
    )
    category_id = fields.Many2one(
        tracking=True,
        help="The subject of the consultation; it decides the perangkat daerah and"
        " the team that answer it.",
    )
    partner_nip = fields.Char(
        string="Konsulti's NIP",
        related="partner_id.nip",
        help="Shown to those who may read the consultation; the NIP of a person "
        "is otherwise readable by administrators only (UU 27/2022).",
    )
    partner_nik = fields.Char(
        string="Konsulti's NIK",
        related="partner_id.nik",
        help="Shown to those who may read the consultation; the NIK of a person "
        "is otherwise readable by administrators only (UU 27/2022).",
    )
    perangkat_daerah_id = fields.Many2one(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Perangkat daerah",
        related="category_id.perangkat_daerah_id",
        store=True,
        index=True,
        help="The agency whose konsultan answer this consultation.",
    )
    konsulti_origin = fields.Selection(
        selection=KONSULTI_ORIGINS,
        string="Konsulti from",
        compute="_compute_konsulti_origin",
        store=True,
        readonly=False,
        help="Whether the konsulti works for a perangkat daerah (ASN) or a village"
        " government; from the konsulti's profile.",
    )
    origin_perangkat_daerah_id = fields.Many2one(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Konsulti's agency",
        compute="_compute_konsulti_origin",
        store=True,
        readonly=False,
        index=True,
        help="The konsulti's own agency, from the profile, for ASN.",
    )
    origin_desa_id = fields.Many2one(
        comodel_name="ekonsultasi.desa",
        string="Konsulti's village",
        compute="_compute_konsulti_origin",
        store=True,
        readonly=False,
        index=True,
        help="The konsulti's village (desa/nagari), from the profile, for village officials.",
    )
    origin_kecamatan_id = fields.Many2one(
        related="origin_desa_id.kecamatan_id",
        string="Konsulti's kecamatan",
        store=True,
        help="The kecamatan of the konsulti's village.",
    )
    ekonsultasi_state = fields.Selection(
        related="stage_id.ekonsultasi_state", store=True, string="Flow state"
    )
    round_ids = fields.One2many(
        comodel_name="helpdesk.ticket.round",
        inverse_name="ticket_id",
        string="Rounds",
        readonly=True,
        help="The rounds of the consultation: the first one and one per re-"
        "submission, each with its own limit.",
    )
    current_round_id = fields.Many2one(
        comodel_name="helpdesk.ticket.round",
        string="Current round",
        compute="_compute_current_round_id",
        store=True,
        # indexed: the ORM looks consultations up by their round on every
        # write of a round, and deleting a round checks this foreign key
        index="btree_not_null",
        help="The last round: the first consultation or its last re-submission.",
    )
    round_number = fields.Integer(
        string="Round",
        related="current_round_id.number",
        store=True,
        help="1 for a first consultation, 2 and more after re-submissions (Pasal 13).",
    )
    round_start_date = fields.Datetime(
        string="Round submitted on",
        related="current_round_id.start_date",
        store=True,
        help="When the current round was submitted.",
    )
    answer_date = fields.Datetime(
        string="Answered on",
        related="current_round_id.answer_date",
        store=True,
        help="Time of the konsultan's first answer in the current round.",
    )
    answer_work_days = fields.Float(
        string="Answer time (working days)",
        compute="_compute_answer_work_days",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="Working days the konsultan took to answer the current round, without "
        "the time spent waiting for the konsulti.",
    )
    resubmission_count = fields.Integer(
        string="Re-submissions",
        compute="_compute_resubmission_count",
        store=True,
        aggregator="sum",
        help="How many times the konsulti submitted this problem again (Pasal 13).",
    )
    can_resubmit = fields.Boolean(
        compute="_compute_can_resubmit",
        help="Whether the konsulti may submit the consultation again (it is answered).",
    )
    sla_line_id = fields.Many2one(
        comodel_name="helpdesk.ticket.sla",
        string="Answer limit",
        compute="_compute_sla_line_id",
        store=True,
        index="btree_not_null",
        help="The SLA line of the current round (the earliest limit if several policies apply).",
    )
    answer_deadline = fields.Datetime(
        string="Answer due",
        related="sla_line_id.deadline",
        store=True,
        help="The limit of 3 hari kerja of the current round (Pasal 11 ayat (5)). "
        "Derived from the calendar: its days off are the record of why it moved.",
    )
    sla_state = fields.Selection(
        related="sla_line_id.state",
        store=True,
        string="SLA state",
        help="State of the answer limit of the current round.",
    )
    escalation_level = fields.Selection(
        selection=[
            ("0", "None"),
            ("1", "Head of the perangkat daerah"),
            ("2", "Inspektur"),
        ],
        string="Escalated to",
        compute="_compute_escalation_level",
        store=True,
        tracking=True,
        help="Who was notified because the limit of the current round passed: "
        "nobody yet, the head of the perangkat daerah, or also the Inspektur.",
    )
    remaining_work_days = fields.Float(
        string="Working days left",
        compute="_compute_remaining_work_days",
        digits=(16, 1),
        help="Working days until the answer limit; negative when late.",
    )
    answer_deadline_display = fields.Char(
        string="Answer due on",
        compute="_compute_answer_deadline_display",
        help="The limit to answer the current round, in words, in the time zone of"
        " the calendar that counts it.",
    )
    portal_submission_key = fields.Char(
        string="Portal form key",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The key of the portal form that sent the consultation: the same form "
        "sent again (an error, a lost answer, a second click) finds it instead of "
        "making a second one.",
    )

    _sql_constraints = [
        (
            "portal_submission_key_unique",
            "UNIQUE(partner_id, portal_submission_key)",
            "This form has already been sent.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_konsulti_origin(self):
        for ticket in self:
            partner = ticket.partner_id
            ticket.konsulti_origin = partner.konsulti_origin
            ticket.origin_perangkat_daerah_id = partner.perangkat_daerah_id
            ticket.origin_desa_id = partner.desa_id

    @api.depends("round_ids.number")
    def _compute_current_round_id(self):
        for ticket in self:
            ticket.current_round_id = ticket.round_ids.sorted("number")[-1:]

    @api.depends("current_round_id", "round_ids.answer_work_days")
    def _compute_answer_work_days(self):
        # the current round's, as a related field would give it, but through
        # round_ids: a round's answer time is to recompute whenever an SLA
        # line of the round is made or its pauses change, and the ORM then
        # finds the consultation by the round's ticket_id, where a field
        # related through current_round_id makes it search the consultations
        # by their current round, flushing them first (an UPDATE and a
        # SELECT more per consultation created, bench/profile_create.py)
        for ticket in self:
            ticket.answer_work_days = ticket.current_round_id.answer_work_days

    @api.depends("round_number")
    def _compute_resubmission_count(self):
        for ticket in self:
            ticket.resubmission_count = max(ticket.round_number - 1, 0)

    @api.depends("ekonsultasi_state")
    def _compute_can_resubmit(self):
        for ticket in self:
            ticket.can_resubmit = ticket.ekonsultasi_state == "answered"

    @api.depends("ticket_sla_ids.round_id", "current_round_id")
    def _compute_sla_line_id(self):
        # not on the lines' deadlines: a holiday moving thousands of limits
        # must not re-pick the line of every consultation
        for ticket in self:
            lines = ticket.ticket_sla_ids.filtered(
                lambda line, t=ticket: line.round_id == t.current_round_id
            )
            ticket.sla_line_id = lines._ekonsultasi_first()

    @api.depends("ticket_sla_ids", "ticket_sla_ids.state", "ticket_sla_ids.deadline")
    def _compute_sla_data(self):  # pylint: disable=missing-return  # computes return nothing
        # helpdesk_mgmt_sla's figures, with the running states it does not
        # know (a line at risk runs too)
        super()._compute_sla_data()
        for ticket in self:
            running = ticket.ticket_sla_ids.filtered(
                lambda line: line.state in (outcome.LINE_ON_TIME, outcome.AT_RISK)
            )
            ticket.sla_deadline = min(running.mapped("deadline"), default=False)
            ticket.sla_expired = any(ticket.ticket_sla_ids.mapped("expired"))

    @api.depends("sla_line_id.escalation_1_date", "sla_line_id.escalation_2_date")
    def _compute_escalation_level(self):
        for ticket in self:
            line = ticket.sla_line_id
            ticket.escalation_level = (
                "2" if line.escalation_2_date else "1" if line.escalation_1_date else "0"
            )

    def _compute_remaining_work_days(self):
        now = workdays.to_epoch([fields.Datetime.now()])
        pending = self.filtered(lambda t: t.sla_line_id and not t.answer_date)
        (self - pending).remaining_work_days = 0.0
        by_calendar = {}
        for ticket in pending:
            by_calendar.setdefault(ticket.sla_line_id._ekonsultasi_calendar(), []).append(ticket)
        for calendar, tickets in by_calendar.items():
            if not calendar:
                self.browse([t.id for t in tickets]).remaining_work_days = 0.0
                continue
            deadlines = [t.answer_deadline for t in tickets]
            work = calendar._ekonsultasi_work_calendar_around([*deadlines, fields.Datetime.now()])
            seconds = work.working_seconds(
                np.repeat(now, len(tickets)), workdays.to_epoch(deadlines)
            )
            for ticket, left in zip(tickets, seconds, strict=True):
                ticket.remaining_work_days = round(left / work.seconds_per_day, 1)

    @api.depends("answer_deadline")
    @api.depends_context("lang", "tz")
    def _compute_answer_deadline_display(self):
        for ticket in self:
            if not ticket.answer_deadline:
                ticket.answer_deadline_display = False
                continue
            tz = (
                self.env.context.get("tz")
                or self.env.user.tz
                or ticket.sla_line_id._ekonsultasi_calendar().tz
                or "UTC"
            )
            text = format_datetime(
                self.env,
                ticket.answer_deadline,
                tz=tz,
                dt_format="EEEE, d MMMM y HH.mm",
                lang_code=self.env.lang,
            )
            ticket.answer_deadline_display = f"{text} {_zone_label(tz, ticket.answer_deadline)}"

    # ------------------------------------------------------------------
    # Which calendar counts
    # ------------------------------------------------------------------

    def _ekonsultasi_calendar(self, policy=None):
        """The working calendar this consultation's time is counted on (its
        limits, pauses, answer times): that of the SLA policy ``policy`` when
        it has one, else the team's, else the company's. The one rule: SLA
        lines, rounds and the recap's time zone ask here; the SQL that needs
        it is :meth:`_ekonsultasi_calendar_sql`."""
        self.ensure_one()
        return self._ekonsultasi_pick_calendar(policy, self.team_id, self.company_id)

    @api.model
    def _ekonsultasi_pick_calendar(self, policy, team, company):
        return (
            (policy and policy.calendar_id)
            or (team and team.resource_calendar_id)
            or company.resource_calendar_id
        )

    @api.model
    def _ekonsultasi_calendar_sql(self, policy, team, company):
        """:meth:`_ekonsultasi_pick_calendar` in SQL, on the table aliases of
        the policy (helpdesk_sla), team and company (tested against it in
        tests/odoo/test_one_rule.py)."""
        return SQL(
            "COALESCE(%s.calendar_id, %s.resource_calendar_id, %s.resource_calendar_id)",
            SQL.identifier(policy),
            SQL.identifier(team),
            SQL.identifier(company),
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._ekonsultasi_route(vals_list)
        # helpdesk_mgmt_sla sets the SLA in create, before round 1 exists:
        # the lines are made for the round just after
        tickets = super(HelpdeskTicket, self.with_context(ekonsultasi_no_sla=True)).create(
            vals_list
        )
        tickets = tickets.with_env(self.env)
        tickets._ekonsultasi_start_first_round()
        tickets.set_sla()
        return tickets

    def write(self, vals):
        if not self.env.su:
            self._ekonsultasi_check_write(vals)
        reassign = "team_id" in vals and not vals.get("user_id")
        result = super().write(vals)
        if reassign:
            self._ekonsultasi_assign_unassigned()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_consultation(self):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "A consultation is a record of the service that the Inspektorat "
                    "audits: it cannot be deleted."
                )
            )

    def _ekonsultasi_route(self, vals_list):
        """Fill team, konsultan and stage of new consultations, in place.

        The team is the one of the category (Pasal 12 ayat (2)); the konsultan
        is the team member with the fewest open consultations, ties going to
        the one idle longest; the stage is the 'new' one. The whole batch costs
        a constant number of queries.
        """
        Category = self.env["helpdesk.ticket.category"]
        to_route = [v for v in vals_list if v.get("category_id") and not v.get("team_id")]
        if to_route:
            teams = Category.browse({v["category_id"] for v in to_route})._get_routing_team()
            for vals in to_route:
                team = teams.get(vals["category_id"])
                if team:
                    vals["team_id"] = team.id
        to_assign = [v for v in vals_list if v.get("team_id") and not v.get("user_id")]
        if to_assign:
            self._ekonsultasi_assign(to_assign)
        stages = {}
        for vals in vals_list:
            if "stage_id" not in vals or not vals["stage_id"]:
                team = self.env["helpdesk.ticket.team"].browse(vals.get("team_id"))
                key = (team.id, vals.get("company_id") or team.company_id.id)
                if key not in stages:
                    stages[key] = team._ekonsultasi_stage_of("new")
                if stages[key]:
                    vals["stage_id"] = stages[key].id

    def _ekonsultasi_assign(self, vals_list):
        teams = self.env["helpdesk.ticket.team"].browse({v["team_id"] for v in vals_list})
        members = {team.id: team._get_konsultan_members() for team in teams}
        all_members = self.env["res.users"].union(*members.values())
        if not all_members:
            return
        load, idle_since = self._ekonsultasi_konsultan_load(all_members)
        now = fields.Datetime.now()
        for vals in vals_list:
            candidates = members.get(vals["team_id"])
            if not candidates:
                continue
            chosen = min(candidates.ids, key=lambda uid: (load[uid], idle_since[uid], uid))
            vals["user_id"] = chosen
            load[chosen] += 1
            idle_since[chosen] = now

    @api.model
    def _ekonsultasi_konsultan_load(self, users):
        """``({user id: open consultations}, {user id: when he was last given
        one})`` of these konsultan: open is in a stage that is not closed
        (helpdesk_mgmt's ``closed``, as :meth:`_ekonsultasi_assign` was
        tested on), archived consultations too, and whoever may read them (a
        konsulti sending one may not: the load counts them all).

        One query, on the two indexes made in :meth:`init` alone: the latest
        assignment is one index entry a konsultan, the count his entries of
        (konsultan, stage). Grouping all his consultations with their stages
        read the table instead: 2.6 ms a submission at 300 consultations a
        konsultan (0.5 ms so), growing with the years.
        """
        self.env["helpdesk.ticket"].flush_model(["user_id", "stage_id", "assigned_date"])
        self.env["helpdesk.ticket.stage"].flush_model(["closed"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT u.id,
                       (SELECT count(*) FROM helpdesk_ticket t
                         WHERE t.user_id = u.id
                           AND t.stage_id = ANY(ARRAY(
                               SELECT s.id FROM helpdesk_ticket_stage s
                                WHERE NOT COALESCE(s.closed, FALSE)))),
                       (SELECT max(t.assigned_date) FROM helpdesk_ticket t
                         WHERE t.user_id = u.id)
                  FROM unnest(%s::int[]) AS u(id)
                """,
                list(users.ids),
            )
        )
        load = {user_id: count for user_id, count, _last in rows}
        idle_since = {user_id: last or datetime.datetime.min for user_id, _count, last in rows}
        return load, idle_since

    def init(self):
        # the konsultan's load and idleness at each assignment
        # (_ekonsultasi_konsultan_load)
        create_index(
            self.env.cr,
            "helpdesk_ticket_ekonsultasi_user_stage_index",
            self._table,
            ["user_id", "stage_id"],
        )
        create_index(
            self.env.cr,
            "helpdesk_ticket_ekonsultasi_user_assigned_index",
            self._table,
            ["user_id", "assigned_date"],
        )
        return super().init()

    def _ekonsultasi_assign_unassigned(self):
        """Give a konsultan of its team to each consultation left without one
        (a consultation moved to another team leaves its konsultan behind)."""
        tickets = self.filtered(lambda t: t.team_id and not t.user_id and not t.closed)
        vals_list = [{"team_id": t.team_id.id} for t in tickets]
        self._ekonsultasi_assign(vals_list)
        for ticket, vals in zip(tickets, vals_list, strict=True):
            if vals.get("user_id"):
                # sudo: the flow assigns the consultation inside its new team,
                # which the konsultan who moved it may no longer write
                ticket.sudo().user_id = vals["user_id"]

    def _ekonsultasi_start_first_round(self, since_creation=False):
        """Round 1 of new consultations (submitted now), and the konsulti as
        follower. At install, for the tickets that existed before, round 1
        starts when they were created (``since_creation``)."""
        now = fields.Datetime.now()
        self.env["helpdesk.ticket.round"].sudo().create(
            [
                # sudo: a konsulti creating his consultation through the
                # portal has no right to create rounds himself.
                {
                    "ticket_id": ticket.id,
                    "number": 1,
                    "start_date": ticket.create_date if since_creation else now,
                }
                for ticket in self
            ]
        )
        by_partner = {}
        for ticket in self.filtered("partner_id"):
            by_partner.setdefault(ticket.partner_id, self.browse())
            by_partner[ticket.partner_id] |= ticket
        for partner, tickets in by_partner.items():
            tickets._ekonsultasi_subscribe_konsulti(partner)

    def _ekonsultasi_subscribe_konsulti(self, partner):
        """The konsulti ``partner`` follows these consultations, as
        ``message_subscribe`` would make him. In sudo (the portal, the flow)
        its access checks let everything through, and what it searches is in
        the ORM cache: whether the partner is active and a customer, and who
        follows consultations just created (mail's create made their
        followers). No query when the konsulti sends his consultation himself
        through the portal (he follows it as its creator); created for him,
        his follower line is inserted without a search."""
        if not self.env.su:
            self.message_subscribe(partner_ids=partner.ids)
            return
        if partner == self.env.user.partner_id:
            # message_subscribe adding the user himself: not as a customer,
            # whether active or not
            customer_ids = []
        elif not partner.active:
            return
        else:
            customer_ids = partner.ids if partner.partner_share else []
        field = self._fields["message_follower_ids"]
        if not all(self.env.cache.contains(ticket, field) for ticket in self):
            self._message_subscribe(partner_ids=partner.ids, customer_ids=customer_ids)
            return
        new = self.filtered(lambda ticket: partner not in ticket.message_follower_ids.partner_id)
        if not new:
            return
        self.env["mail.followers"]._insert_followers(
            self._name,
            new.ids,
            partner.ids,
            customer_ids=customer_ids,
            check_existing=False,
        )

    # ------------------------------------------------------------------
    # Access: who may act on a consultation, through every door
    # ------------------------------------------------------------------

    def _ekonsultasi_contribution_error(self, comment=True):
        """``None`` when the current user (``env.user``, whether or not the
        environment is in sudo, as the portal and chatter routes are) may add
        to every consultation of ``self``: post a message, attach a file,
        follow it, schedule an activity. Otherwise the reason, to show him.

        * the Tim pengelola / Inspektorat reads and never writes;
        * a portal user must be a konsulti, and the consultation his own;
        * an internal user must have the right to change the consultation
          (a konsultan: those of his teams; the record rules decide);
        * nothing more is said (``comment``) on a closed consultation.
        """
        user = self.env.user
        if user._is_superuser():
            return None
        _ = self.env._
        if user._is_ekonsultasi_read_only():
            return _(
                "The Tim pengelola / Inspektorat reads consultations but does not write in them."
            )
        # sudo: only to read who sent each consultation and whether it is closed
        tickets = self.sudo()
        if user.share:
            if not user.has_group(KONSULTI_GROUP) or any(
                t.partner_id != user.partner_id for t in tickets
            ):
                return _("You may only write in your own consultations.")
        else:
            mine = self.sudo(False).with_context(active_test=False)
            if mine._filtered_access("write") != mine:
                return _("You may only write in the consultations of your teams.")
        if comment and any(t.closed for t in tickets):
            return _(
                "This consultation is closed: nothing can be added to it any more. "
                "Send a new consultation, or ask the administrator to reopen it."
            )
        return None

    def _ekonsultasi_check_contribution(self, comment=True):
        error = self._ekonsultasi_contribution_error(comment=comment)
        if error:
            raise AccessError(error)

    def _ekonsultasi_check_write(self, vals):
        """Direct changes (not by the flow in sudo): the question is fixed once
        sent, nothing is archived but by an administrator, and a closed
        consultation changes only when an administrator reopens it."""
        user = self.env.user
        if user._is_superuser():
            return
        _ = self.env._
        changed = QUESTION_FIELDS.intersection(vals)
        if changed:
            raise AccessError(
                _(
                    "The question of the konsulti cannot be changed once sent "
                    "(%(fields)s): the Inspektorat audits it as it was sent.",
                    fields=self._ekonsultasi_field_labels(changed),
                )
            )
        recorded = FLOW_FIELDS.intersection(vals)
        if recorded:
            raise AccessError(
                _(
                    "These facts are recorded by the consultation flow and cannot be "
                    "changed by hand: %(fields)s.",
                    fields=self._ekonsultasi_field_labels(recorded),
                )
            )
        manager = user.has_group("helpdesk_mgmt.group_helpdesk_manager")
        if "active" in vals and not manager:
            raise AccessError(_("Only an administrator may archive a consultation."))
        closed = self.filtered("closed")
        if not closed:
            return
        stage = self.env["helpdesk.ticket.stage"].browse(vals.get("stage_id"))
        reopening = manager and set(vals) == {"stage_id"} and stage and not stage.closed
        if not reopening:
            raise AccessError(
                _(
                    "The consultation %(number)s is closed and can no longer be "
                    "changed; only an administrator can reopen it.",
                    number=", ".join(closed.mapped("number")),
                )
            )

    def _ekonsultasi_field_labels(self, names):
        """The labels of the fields ``names``, in the user's language."""
        return ", ".join(
            self._fields[name].get_description(self.env)["string"] for name in sorted(names)
        )

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        # Consultations are never shared by link: no access token, no signed
        # hash (portal's override); reading follows the record rules, every
        # other use (posting, uploading, reacting) the contribution rule.
        ticket = self.browse(thread_id).exists()
        if not ticket:
            return self.browse()
        if mode == "read":
            return ticket if ticket.sudo(False).has_access("read") else self.browse()
        return self.browse() if ticket._ekonsultasi_contribution_error() else ticket

    def _portal_ensure_token(self):
        # no access token: a consultation is read by its konsulti, logged in
        return False

    @api.model
    def _ekonsultasi_clear_access_tokens(self):
        """Links made before consultations stopped being shared by link open
        nothing any more (migration 18.0.1.1.0)."""
        self.flush_model(["access_token"])
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET access_token = NULL WHERE access_token IS NOT NULL"
        )
        self.invalidate_model(["access_token"])

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        if not self.env.su:
            self._ekonsultasi_check_contribution(comment=False)
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def message_unsubscribe(self, partner_ids=None):
        if not self.env.su and not self.env.user._is_superuser():
            own = self.env.user.partner_id
            if (set(partner_ids or []) - {own.id}) & set(self.sudo().partner_id.ids):
                raise AccessError(
                    self.env._(
                        "The konsulti always follows his consultation: he receives its answers."
                    )
                )
            if set(partner_ids or []) != {own.id}:
                self._ekonsultasi_check_contribution(comment=False)
        return super().message_unsubscribe(partner_ids=partner_ids)

    def _message_update_content(self, message, *args, **kwargs):
        if not self.env.user._is_superuser():
            raise AccessError(
                self.env._(
                    "Messages of a consultation cannot be changed or removed once "
                    "sent: the Inspektorat audits them as they were sent."
                )
            )
        return super()._message_update_content(message, *args, **kwargs)

    def _ekonsultasi_check_author(self, kwargs):
        """Nobody posts in another person's name (the flow, run by the
        system, excepted)."""
        user = self.env.user
        if user._is_superuser():
            return
        author_id = kwargs.get("author_id")
        email_from = kwargs.get("email_from")
        if author_id and author_id != user.partner_id.id:
            raise AccessError(self.env._("You can only post in your own name."))
        own_addresses = (user.partner_id.email, user.partner_id.email_formatted)
        if not author_id and email_from and email_from not in own_addresses:
            raise AccessError(self.env._("You can only post in your own name."))
        # a konsulti notifies the followers of his consultation, nobody else
        # (mail's route filters them; call_kw does not)
        if user.share and kwargs.get("partner_ids"):
            # sudo: the followers of his own consultation
            followers = self.sudo().message_partner_ids
            if set(kwargs["partner_ids"]) - set(followers.ids):
                raise AccessError(
                    self.env._("You can only address the followers of your consultation.")
                )

    # ------------------------------------------------------------------
    # Flow
    # ------------------------------------------------------------------

    def _ekonsultasi_stage(self, state):
        self.ensure_one()
        stage = self.team_id._ekonsultasi_stage_of(state)
        if not stage:
            raise UserError(
                self.env._(
                    "No stage has the role '%(role)s'. Ask the administrator to "
                    "set the roles of the stages.",
                    role=dict(
                        self.env["helpdesk.ticket.stage"]
                        ._fields["ekonsultasi_state"]
                        ._description_selection(self.env)
                    )[state],
                )
            )
        return stage

    def action_start_processing(self):
        self._ekonsultasi_check_contribution()
        for ticket in self:
            if ticket.ekonsultasi_state in ("new", "resubmitted"):
                ticket.stage_id = ticket._ekonsultasi_stage("progress")
        return True

    def action_resubmit(self, reason):
        """Pasal 13: the konsulti submits the problem again because the answer
        did not meet his expectations. Starts a new round."""
        self.ensure_one()
        if not self.env.user._is_superuser() and self.env.user.partner_id != self.partner_id:
            raise AccessError(
                self.env._(
                    "Only the konsulti who sent the consultation can submit it again (Pasal 13)."
                )
            )
        # closed by the system (answered and left): he may still submit it
        # again for a while (_ekonsultasi_resubmit_error says until when)
        self._ekonsultasi_check_contribution(comment=self.closing_type != "auto")
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Please explain why you submit the consultation again."))
        error = self._ekonsultasi_resubmit_error()
        if error:
            raise UserError(error)
        number = self.round_number + 1
        # sudo: rounds are recorded by the flow; the konsulti has no right to
        # write them himself (the caller checked he owns the consultation).
        new_round = (
            self.env["helpdesk.ticket.round"]
            .sudo()
            .create({"ticket_id": self.id, "number": number, "reason": reason})
        )
        self.stage_id = self._ekonsultasi_stage("resubmitted")
        self.set_sla()
        # sudo: the text is a mail template (administrators edit it), which a
        # konsulti may not read; rendered in his language, the caller's
        template = self.env.ref("ekonsultasi_addon.mail_template_round_resubmitted").sudo()
        self.message_post(
            body=template._render_field("body_html", new_round.ids)[new_round.id],
            author_id=self.partner_id.id or self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return True

    def action_close_consultation(self):
        """The konsulti's "done" (Pasal 13), or a konsultan closing a
        consultation of his team."""
        self._ekonsultasi_check_contribution()
        for ticket in self:
            if not ticket.closed:
                ticket.stage_id = ticket._ekonsultasi_stage("done")
        return True

    # ------------------------------------------------------------------
    # SLA (helpdesk_mgmt_sla): one set of lines per round
    # ------------------------------------------------------------------

    def set_sla(self):
        """SLA lines for the current round; the lines of earlier rounds keep
        their outcome. Tickets without rounds keep helpdesk_mgmt_sla's way."""
        if self.env.context.get("ekonsultasi_no_sla"):
            return
        without_round = self.filtered(lambda t: not t.current_round_id)
        if without_round:
            super(HelpdeskTicket, without_round).set_sla()
        vals_list = []
        for ticket in self - without_round:
            if not ticket.team_id.use_sla:
                continue
            current = ticket.current_round_id
            existing = ticket.ticket_sla_ids.filtered(lambda line, r=current: line.round_id == r)
            for sla in ticket._get_sla() - existing.sla_id:
                vals_list.append(
                    {
                        "ticket_id": ticket.id,
                        "sla_id": sla.id,
                        "round_id": current.id,
                        "received_date": current.start_date,
                    }
                )
        # sudo: the flow sets the limits of a consultation whoever submits it
        # (a konsulti has no right on SLA lines).
        lines = self.env["helpdesk.ticket.sla"].sudo().create(vals_list)
        # a round submitted late in its reminder period starts at risk
        lines._ekonsultasi_update_state()

    def _get_sla(self):
        """helpdesk_mgmt_sla's policies of the consultation, the candidates
        (team, tags, category) from the cache of ``helpdesk.sla`` in sudo
        (as the flow sets the limits), then those whose own domain the
        consultation matches, as helpdesk_mgmt_sla filters them."""
        if not self.env.su:
            return super()._get_sla()
        self.ensure_one()
        domain = self._get_sla_ticket_domain()
        Sla = self.env["helpdesk.sla"]
        slas = Sla
        for sla in Sla.browse(Sla._ekonsultasi_policy_ids(repr(domain), domain)):
            if not sla.domain or self.filtered_domain(safe_eval(sla.domain)):
                slas |= sla
        return slas

    def refresh_sla(self):
        self.ensure_one()
        self._ekonsultasi_check_contribution(comment=False)
        if not self.current_round_id:
            return super().refresh_sla()
        current = self.ticket_sla_ids.filtered(lambda line: line.round_id == self.current_round_id)
        current.filtered(lambda line: line.sla_id not in self._get_sla()).unlink()
        self.set_sla()

    # ------------------------------------------------------------------
    # Ratings (the survey's figures, rating.mixin and helpdesk_mgmt_rating)
    # ------------------------------------------------------------------

    def _compute_rating_last_value(self):  # pylint: disable=missing-return
        unrated = self._ekonsultasi_unrated()
        unrated.rating_last_value = 0
        super(HelpdeskTicket, self - unrated)._compute_rating_last_value()

    def _compute_percentage(self):  # pylint: disable=missing-return
        unrated = self._ekonsultasi_unrated()
        unrated.positive_rate_percentage = -1
        super(HelpdeskTicket, self - unrated)._compute_percentage()

    def _ekonsultasi_unrated(self):
        """The consultations without any rating, whose figures are those of
        none (as the two computes give them) without the query each makes: a
        new consultation is known to have none (its ratings are empty in the
        cache), which saves two queries on every submission."""
        return self.filtered(lambda ticket: not ticket.sudo().rating_ids)

    # ------------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------------

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        followers = super()._message_auto_subscribe_followers(updated_values, default_subtype_ids)
        if self.env.context.get("mail_auto_subscribe_no_notify"):
            # no assignment notice now (the portal's new consultations have
            # theirs from the notices' scheduled action): without its
            # template, mail does not read the konsultan's language for it
            return [(partner_id, subtypes, False) for partner_id, subtypes, _tmpl in followers]
        return followers

    def message_post(self, **kwargs):
        # checked in sudo too: the chatter routes post in sudo for the user;
        # whatever its type, a message posted adds to the consultation
        self._ekonsultasi_check_contribution()
        self._ekonsultasi_check_author(kwargs)
        if kwargs.get("rating_value") and not self.env.user._is_superuser():
            # rating's message_post makes the rating in sudo (the chatter route
            # accepts rating_value): a consultation is rated by its survey only
            raise self.env["rating.rating"]._ekonsultasi_survey_only_error()
        return super().message_post(**kwargs)

    # mail's _thread_to_store returns nothing: it fills the store
    def _thread_to_store(self, store, /, *, fields=None, request_list=None):  # pylint: disable=missing-return
        super()._thread_to_store(store, fields=fields, request_list=request_list)
        if request_list and not self.env.su:
            # the chatter offers a composer to those message_post accepts
            for ticket in self:
                allowed = not ticket._ekonsultasi_contribution_error()
                values = {"canPostOnReadonly": allowed}
                if not allowed:
                    values["hasWriteAccess"] = False
                store.add(ticket, values, as_thread=True)

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        self._ekonsultasi_register_answer(message)
        return result

    def _ekonsultasi_register_answer(self, message):
        """Record the konsultan's first message visible to the konsulti as the
        answer of the current round (Pasal 12 ayat (3))."""
        self.ensure_one()
        # the message first: the creation message of a consultation, posted
        # before its first round exists, is no answer (and the round is not
        # computed for nothing)
        if message.message_type != "comment" or message.subtype_id != self.env.ref(
            "mail.mt_comment"
        ):
            return
        current = self.current_round_id
        if not current or current.answer_date or self.closed:
            return
        author = message.author_id.user_ids.filtered(lambda u: not u.share)[:1]
        if not author or not (author == self.user_id or author in self.team_id.user_ids):
            return
        # sudo: the answer time is a fact recorded by the flow, whatever the
        # konsultan's own rights on the round records.
        current.sudo().write(
            {
                "answer_date": message.date,
                "answer_message_id": message.id,
                "answer_user_id": author.id,
            }
        )
        # sudo: as above, the state of the round's limit follows the answer
        current.sudo().sla_line_ids._ekonsultasi_answer(message.date)
        vals = {"stage_id": self._ekonsultasi_stage("answered").id}
        if not self.user_id:
            vals["user_id"] = author.id
        self.write(vals)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .res_partner import KONSULTI_ORIGINS


class HelpdeskTicket(models.Model):
    """A consultation (konsultasi): the problem a konsulti sends to the
    konsultan team of a category, answered in rounds (Pasal 11 to 13)."""

    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------

    partner_id = fields.Many2one(string="Konsulti")
    user_id = fields.Many2one(string="Konsultan")
    team_id = fields.Many2one(string="Konsultan team")
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
    )
    origin_perangkat_daerah_id = fields.Many2one(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Konsulti's agency",
        compute="_compute_konsulti_origin",
        store=True,
        readonly=False,
        index=True,
    )
    origin_desa_id = fields.Many2one(
        comodel_name="ekonsultasi.desa",
        string="Konsulti's village",
        compute="_compute_konsulti_origin",
        store=True,
        readonly=False,
        index=True,
    )
    origin_kecamatan_id = fields.Many2one(
        related="origin_desa_id.kecamatan_id",
        string="Konsulti's kecamatan",
        store=True,
    )
    ekonsultasi_state = fields.Selection(
        related="stage_id.ekonsultasi_state", store=True, string="Flow state"
    )
    round_ids = fields.One2many(
        comodel_name="helpdesk.ticket.round",
        inverse_name="ticket_id",
        string="Rounds",
        readonly=True,
    )
    current_round_id = fields.Many2one(
        comodel_name="helpdesk.ticket.round",
        string="Current round",
        compute="_compute_current_round_id",
        store=True,
    )
    round_number = fields.Integer(
        string="Round",
        related="current_round_id.number",
        store=True,
        help="1 for a first consultation, 2 and more after re-submissions "
        "(Pasal 13).",
    )
    round_start_date = fields.Datetime(
        string="Round submitted on", related="current_round_id.start_date", store=True
    )
    answer_date = fields.Datetime(
        string="Answered on",
        related="current_round_id.answer_date",
        store=True,
        help="Time of the konsultan's first answer in the current round.",
    )
    can_resubmit = fields.Boolean(compute="_compute_can_resubmit")

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

    @api.depends("ekonsultasi_state")
    def _compute_can_resubmit(self):
        for ticket in self:
            ticket.can_resubmit = ticket.ekonsultasi_state == "answered"

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._ekonsultasi_route(vals_list)
        tickets = super().create(vals_list)
        tickets._ekonsultasi_start_first_round()
        return tickets

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
            teams = Category.browse(
                {v["category_id"] for v in to_route}
            )._get_routing_team()
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
                    stages[key] = team._get_applicable_stages().filtered(
                        lambda s: s.ekonsultasi_state == "new"
                    )[:1]
                if stages[key]:
                    vals["stage_id"] = stages[key].id

    def _ekonsultasi_assign(self, vals_list):
        teams = self.env["helpdesk.ticket.team"].browse({v["team_id"] for v in vals_list})
        members = {team.id: team._get_konsultan_members() for team in teams}
        all_members = self.env["res.users"].union(*members.values())
        if not all_members:
            return
        # sudo: the load of a konsultan counts every consultation assigned to
        # him, including those the current user (a konsulti) may not read.
        Ticket = self.sudo().with_context(active_test=False)
        open_counts = dict(
            Ticket._read_group(
                [("user_id", "in", all_members.ids), ("stage_id.closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        )
        last_assigned = dict(
            Ticket._read_group(
                [("user_id", "in", all_members.ids)],
                ["user_id"],
                ["assigned_date:max"],
            )
        )
        load = {user.id: open_counts.get(user, 0) for user in all_members}
        idle_since = {
            user.id: last_assigned.get(user) or datetime.datetime.min
            for user in all_members
        }
        now = fields.Datetime.now()
        for vals in vals_list:
            candidates = members.get(vals["team_id"])
            if not candidates:
                continue
            chosen = min(
                candidates.ids, key=lambda uid: (load[uid], idle_since[uid], uid)
            )
            vals["user_id"] = chosen
            load[chosen] += 1
            idle_since[chosen] = now

    def _ekonsultasi_start_first_round(self):
        """Round 1 of new consultations, and the konsulti as follower. Also
        used at install for the tickets that existed before."""
        self.env["helpdesk.ticket.round"].sudo().create(
            [
                # sudo: a konsulti creating his consultation through the
                # portal has no right to create rounds himself.
                {"ticket_id": ticket.id, "number": 1, "start_date": ticket.create_date}
                for ticket in self
            ]
        )
        by_partner = {}
        for ticket in self.filtered("partner_id"):
            by_partner.setdefault(ticket.partner_id, self.browse())
            by_partner[ticket.partner_id] |= ticket
        for partner, tickets in by_partner.items():
            tickets.message_subscribe(partner_ids=partner.ids)

    # ------------------------------------------------------------------
    # Flow
    # ------------------------------------------------------------------

    def _ekonsultasi_stage(self, state):
        self.ensure_one()
        stage = self.team_id._get_applicable_stages().filtered(
            lambda s: s.ekonsultasi_state == state
        )[:1]
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
        for ticket in self:
            if ticket.ekonsultasi_state in ("new", "resubmitted"):
                ticket.stage_id = ticket._ekonsultasi_stage("progress")
        return True

    def action_resubmit(self, reason):
        """Pasal 13: the konsulti submits the problem again because the answer
        did not meet his expectations. Starts a new round."""
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Please explain why you submit the consultation again.")
            )
        if self.ekonsultasi_state != "answered":
            raise UserError(
                self.env._(
                    "Only an answered consultation can be submitted again; "
                    "%(number)s is in the stage %(stage)s.",
                    number=self.number,
                    stage=self.stage_id.name,
                )
            )
        number = self.round_number + 1
        # sudo: rounds are recorded by the flow; the konsulti has no right to
        # write them himself (the caller checked he owns the consultation).
        self.env["helpdesk.ticket.round"].sudo().create(
            {"ticket_id": self.id, "number": number, "reason": reason}
        )
        self.stage_id = self._ekonsultasi_stage("resubmitted")
        self.message_post(
            body=Markup("<p><strong>%s</strong></p><p>%s</p>")
            % (
                self.env._("Submitted again (round %(number)s)", number=number),
                reason,
            ),
            author_id=self.partner_id.id or self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return True

    def action_close_consultation(self):
        for ticket in self:
            if not ticket.closed:
                ticket.stage_id = ticket._ekonsultasi_stage("done")
        return True

    # ------------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------------

    def message_post(self, **kwargs):
        if not self.env.su and self.env.user._is_ekonsultasi_read_only():
            raise AccessError(
                self.env._(
                    "The Tim pengelola / Inspektorat reads consultations but "
                    "does not write in them."
                )
            )
        return super().message_post(**kwargs)

    def _thread_to_store(self, store, /, *, fields=None, request_list=None):
        super()._thread_to_store(store, fields=fields, request_list=request_list)
        if request_list and not self.env.su and self.env.user._is_ekonsultasi_read_only():
            # the chatter offers no composer to those message_post refuses
            for ticket in self:
                store.add(ticket, {"canPostOnReadonly": False}, as_thread=True)

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        self._ekonsultasi_register_answer(message)
        return result

    def _ekonsultasi_register_answer(self, message):
        """Record the konsultan's first message visible to the konsulti as the
        answer of the current round (Pasal 12 ayat (3))."""
        self.ensure_one()
        current = self.current_round_id
        if not current or current.answer_date or self.closed:
            return
        if message.message_type != "comment" or message.subtype_id != self.env.ref(
            "mail.mt_comment"
        ):
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
        vals = {"stage_id": self._ekonsultasi_stage("answered").id}
        if not self.user_id:
            vals["user_id"] = author.id
        self.write(vals)

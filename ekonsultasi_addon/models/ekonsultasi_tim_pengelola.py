# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EkonsultasiTimPengelola(models.Model):
    """The tim pengelola sistem e-konsultasi (Pasal 14): set by a Keputusan
    Bupati for a period, it coordinates the service, monitors and evaluates
    it and makes its recap reports; its ketua (the Inspektur Daerah) signs
    them."""

    _name = "ekonsultasi.tim.pengelola"
    _description = "Tim pengelola sistem e-konsultasi"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        tracking=True,
        default=lambda self: self.env._("Tim pengelola sistem e-konsultasi"),
        help="Name of the team, as written in the decree.",
    )
    active = fields.Boolean(
        default=True, help="Unticked: an earlier team, archived and kept for the record."
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        string="Pemda",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="The pemda whose e-konsultasi this team manages.",
    )
    decree_number = fields.Char(
        string="Keputusan Bupati number",
        required=True,
        tracking=True,
        help="Number of the Keputusan Bupati that sets the team (Pasal 14 ayat (4)).",
    )
    decree_date = fields.Date(
        string="Keputusan Bupati date",
        required=True,
        tracking=True,
        help="Date of the Keputusan Bupati that forms the team.",
    )
    decree_file = fields.Binary(
        string="Keputusan Bupati",
        attachment=True,
        help="Scan of the Keputusan Bupati that forms the team.",
    )
    decree_filename = fields.Char(string="File name", help="Name of the decree's file.")
    date_start = fields.Date(
        string="Valid from",
        required=True,
        tracking=True,
        help="First day the team, as set by the decree, is in charge.",
    )
    date_end = fields.Date(
        string="Valid until", tracking=True, help="Empty while the decree is in force."
    )
    member_ids = fields.One2many(
        comodel_name="ekonsultasi.tim.pengelola.member",
        inverse_name="team_id",
        string="Members",
        copy=True,
        help="The members of the team with their role (penanggung jawab, ketua, "
        "konsultan, administrator...).",
    )
    ketua_id = fields.Many2one(
        comodel_name="ekonsultasi.tim.pengelola.member",
        compute="_compute_ketua_id",
        help="The member who signs the recap reports (the Inspektur Daerah, Pasal 14 "
        "ayat (2) huruf d).",
    )
    member_count = fields.Integer(
        compute="_compute_ketua_id",
        string="Number of members",
        help="Number of members of the team.",
    )

    _sql_constraints = [
        (
            "decree_company_uniq",
            "unique(decree_number, company_id)",
            "Another tim pengelola is already set by this Keputusan Bupati.",
        ),
    ]

    @api.depends("member_ids.role")
    def _compute_ketua_id(self):
        for team in self:
            team.ketua_id = team.member_ids.filtered(lambda m: m.role == "ketua")[:1]
            team.member_count = len(team.member_ids)

    @api.constrains("date_start", "date_end", "decree_date")
    def _check_dates(self):
        for team in self:
            if team.date_end and team.date_end < team.date_start:
                raise ValidationError(
                    self.env._(
                        "The tim pengelola %(team)s ends before it starts.",
                        team=team.display_name,
                    )
                )

    @api.constrains("date_start", "date_end", "company_id", "active")
    def _check_overlap(self):
        for team in self.filtered("active"):
            others = self.search(
                [
                    ("id", "!=", team.id),
                    ("company_id", "=", team.company_id.id),
                    ("date_start", "<=", team.date_end or "9999-12-31"),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", team.date_start),
                ],
                limit=1,
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "The period of %(team)s overlaps with that of %(other)s "
                        "(Keputusan Bupati %(number)s): one tim pengelola at a time. "
                        "Give the older team an end date first.",
                        team=team.display_name,
                        other=others.display_name,
                        number=others.decree_number,
                    )
                )

    @api.constrains("member_ids")
    def _check_single_roles(self):
        single = self.env["ekonsultasi.tim.pengelola.member"]._ekonsultasi_single_roles()
        for team in self:
            for role in single:
                if len(team.member_ids.filtered(lambda m, r=role: m.role == r)) > 1:
                    label = dict(
                        self.env["ekonsultasi.tim.pengelola.member"]
                        ._fields["role"]
                        ._description_selection(self.env)
                    )[role]
                    raise ValidationError(
                        self.env._(
                            "The tim pengelola %(team)s has more than one %(role)s.",
                            team=team.display_name,
                            role=label,
                        )
                    )

    @api.model
    def _ekonsultasi_in_force(self, company, day):
        """The tim pengelola of ``company`` in force on ``day`` (may be empty)."""
        return self.search(
            [
                ("company_id", "=", company.id),
                ("date_start", "<=", day),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", day),
            ],
            order="date_start desc",
            limit=1,
        )

    @api.model
    def _ekonsultasi_signatory(self, company, day):
        """The ketua of the team in force on ``day``, who signs the recap of a
        period ending that day (an empty member record when there is none)."""
        return self._ekonsultasi_in_force(company, day).ketua_id

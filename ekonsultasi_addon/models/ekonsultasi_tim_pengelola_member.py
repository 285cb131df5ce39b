# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# Pasal 14 ayat (2), in the order of the regulation
ROLES = [
    ("penanggung_jawab", "Penanggung jawab (Bupati)"),
    ("wakil_penanggung_jawab", "Wakil penanggung jawab (Wakil Bupati)"),
    ("koordinator", "Koordinator (Sekretaris Daerah)"),
    ("ketua", "Ketua (Inspektur Daerah)"),
    ("wakil_ketua", "Wakil ketua (kepala perangkat daerah)"),
    ("konsultan", "Konsultan"),
    ("administrator", "Administrator (Diskominfo)"),
]


class EkonsultasiTimPengelolaMember(models.Model):
    """A member of the tim pengelola, with his role of Pasal 14 ayat (2)."""

    _name = "ekonsultasi.tim.pengelola.member"
    _description = "Member of the tim pengelola"
    _order = "team_id, role_sequence, sequence, id"
    _check_company_auto = True

    team_id = fields.Many2one(
        comodel_name="ekonsultasi.tim.pengelola",
        string="Tim pengelola",
        required=True,
        index=True,
        ondelete="cascade",
        help="The tim pengelola this member belongs to.",
    )
    company_id = fields.Many2one(
        related="team_id.company_id", store=True, index=True, help="The pemda of the team."
    )
    sequence = fields.Integer(default=10, help="Order of the member among those of the same role.")
    role = fields.Selection(
        selection=ROLES,
        required=True,
        default="konsultan",
        help="The member's role in the team, as in the decree (Pasal 14).",
    )
    role_sequence = fields.Integer(
        compute="_compute_role_sequence",
        store=True,
        help="Rank of the role, to list the members in the order of the decree.",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Person",
        required=True,
        index=True,
        check_company=True,
        help="The official, with the NIP of his SIMPEG profile.",
    )
    name = fields.Char(
        related="partner_id.name", string="Name", help="Name of the member (from the contact)."
    )
    nip = fields.Char(related="partner_id.nip", string="NIP")
    jabatan = fields.Char(
        string="Position",
        compute="_compute_jabatan",
        store=True,
        readonly=False,
        help="As the decree and the signature block write it, e.g. Inspektur Daerah. "
        "By default the position of the SIMPEG profile.",
    )

    _sql_constraints = [
        (
            "team_partner_role_uniq",
            "unique(team_id, partner_id, role)",
            "This person already has this role in the team.",
        ),
    ]

    @api.model
    def _ekonsultasi_single_roles(self):
        """The roles one person holds in a team (all but the many wakil ketua,
        konsultan and administrators)."""
        return ("penanggung_jawab", "wakil_penanggung_jawab", "koordinator", "ketua")

    @api.depends("role")
    def _compute_role_sequence(self):
        order = {key: index for index, (key, _label) in enumerate(ROLES)}
        for member in self:
            member.role_sequence = order.get(member.role, len(ROLES))

    @api.depends("partner_id")
    def _compute_jabatan(self):
        for member in self:
            member.jabatan = member.partner_id.jabatan_name or member.jabatan

    @api.constrains("role", "team_id")
    def _check_single_roles(self):
        """The team's check, also when a member is added or changed on its own
        (the team's constraint only runs when its member_ids are written)."""
        self.team_id._check_single_roles()

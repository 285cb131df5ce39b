# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EkonsultasiKecamatan(models.Model):
    """A district (kecamatan) of the kabupaten/kota."""

    _name = "ekonsultasi.kecamatan"
    _description = "Kecamatan"
    _order = "name"

    name = fields.Char(required=True)
    code = fields.Char(help="Kemendagri region code, for example 13.03.01.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    desa_ids = fields.One2many(
        comodel_name="ekonsultasi.desa",
        inverse_name="kecamatan_id",
        string="Villages",
    )
    desa_count = fields.Integer(compute="_compute_desa_count", string="Number of villages")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a kecamatan must be unique in its company.",
        ),
    ]

    def _compute_desa_count(self):
        counts = dict(
            self.env["ekonsultasi.desa"]._read_group(
                [("kecamatan_id", "in", self.ids)], ["kecamatan_id"], ["__count"]
            )
        )
        for kecamatan in self:
            kecamatan.desa_count = counts.get(kecamatan, 0)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EkonsultasiKecamatan(models.Model):
    """A district (kecamatan) of the kabupaten/kota."""

    _name = "ekonsultasi.kecamatan"
    _inherit = ["ekonsultasi.regional.mixin"]
    _description = "Kecamatan"
    _order = "name"

    name = fields.Char(required=True, help="Name of the kecamatan.")
    desa_ids = fields.One2many(
        comodel_name="ekonsultasi.desa",
        inverse_name="kecamatan_id",
        string="Villages",
        help="The villages (desa/nagari) of this kecamatan.",
    )
    desa_count = fields.Integer(
        compute="_compute_desa_count",
        string="Number of villages",
        help="Number of villages (desa/nagari) of this kecamatan, archived ones excluded.",
    )

    def _compute_desa_count(self):
        counts = dict(
            self.env["ekonsultasi.desa"]._read_group(
                [("kecamatan_id", "in", self.ids)], ["kecamatan_id"], ["__count"]
            )
        )
        for kecamatan in self:
            kecamatan.desa_count = counts.get(kecamatan, 0)

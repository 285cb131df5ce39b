# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EkonsultasiDesa(models.Model):
    """A village of the kabupaten. Pasal 17: what the regulation says of a
    nagari applies to a desa; the word shown to users (Nagari, Desa, Gampong,
    Kampung...) is the company's ``ekonsultasi_village_label``."""

    _name = "ekonsultasi.desa"
    _inherit = ["ekonsultasi.regional.mixin"]
    _description = "Village (nagari/desa)"
    _order = "kecamatan_id, name"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        help="Name of the village (desa/nagari), as konsulti choose it in their profile.",
    )
    kecamatan_id = fields.Many2one(
        comodel_name="ekonsultasi.kecamatan",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        help="The kecamatan this village (desa/nagari) lies in, of the same pemda.",
    )

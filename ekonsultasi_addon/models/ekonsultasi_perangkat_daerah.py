# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EkonsultasiPerangkatDaerah(models.Model):
    """An agency of the kabupaten/kota (dinas, badan, inspektorat...)."""

    _name = "ekonsultasi.perangkat.daerah"
    _inherit = ["ekonsultasi.regional.mixin"]
    _description = "Perangkat Daerah"
    _order = "sequence, name"
    _check_company_auto = True

    sequence = fields.Integer(default=10, help="Order of the agency in lists (smallest first).")
    name = fields.Char(
        required=True,
        translate=True,
        help="Official name of the perangkat daerah (regional government agency).",
    )
    short_name = fields.Char(help="Abbreviation used in lists and reports, for example BKPSDM.")
    head_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Head of agency",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Kepala perangkat daerah: wakil ketua of the tim pengelola, "
        "notified when a consultation of the agency is late.",
    )
    category_ids = fields.One2many(
        comodel_name="helpdesk.ticket.category",
        inverse_name="perangkat_daerah_id",
        string="Consultation categories",
        help="The consultation categories (subjects) this agency answers.",
    )

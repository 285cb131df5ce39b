# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EkonsultasiPerangkatDaerah(models.Model):
    """An agency of the kabupaten/kota (dinas, badan, inspektorat...)."""

    _name = "ekonsultasi.perangkat.daerah"
    _description = "Perangkat Daerah"
    _order = "sequence, name"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    short_name = fields.Char(
        help="Abbreviation used in lists and reports, for example BKPSDM."
    )
    code = fields.Char(help="Code of the agency in the pemda's nomenclature.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
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
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a perangkat daerah must be unique in its company.",
        ),
    ]

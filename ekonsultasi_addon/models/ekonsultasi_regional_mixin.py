# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EkonsultasiRegionalMixin(models.AbstractModel):
    """What every regional master record has: a code unique in its company
    (one instance may serve several kabupaten), and archiving."""

    _name = "ekonsultasi.regional.mixin"
    _description = "Regional master data"

    code = fields.Char(help="Code in the Kemendagri or pemda nomenclature.")
    active = fields.Boolean(
        default=True,
        help="Unticked: archived, no longer offered in the forms; consultations "
        "that refer to it keep it.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="The pemda (company) this record belongs to; only its users see it.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "This code is already used in this company.",
        ),
    ]

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ekonsultasi_village_label = fields.Char(
        related="company_id.ekonsultasi_village_label", readonly=False
    )
    ekonsultasi_inspektur_id = fields.Many2one(
        related="company_id.ekonsultasi_inspektur_id", readonly=False
    )
    ekonsultasi_attachment_max_size = fields.Integer(
        related="company_id.ekonsultasi_attachment_max_size", readonly=False
    )
    ekonsultasi_attachment_types = fields.Char(
        related="company_id.ekonsultasi_attachment_types", readonly=False
    )
    ekonsultasi_attachment_max_count = fields.Integer(
        related="company_id.ekonsultasi_attachment_max_count", readonly=False
    )
    ekonsultasi_pustaka_public = fields.Boolean(
        related="company_id.ekonsultasi_pustaka_public", readonly=False
    )

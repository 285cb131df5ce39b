# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..lib.manual import DEFAULT_BASE_URL


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
    ekonsultasi_manual_url = fields.Char(
        string="Address of the user manual",
        config_parameter="ekonsultasi.manual_url",
        default=DEFAULT_BASE_URL,
        help="Where the Panduan links of the portal and the backend open the user "
        "manual: by default /panduan/, the manual built by make docs and served "
        "by this server; or the address of another server that hosts it.",
    )
    ekonsultasi_ikm_min_respondents = fields.Integer(
        related="company_id.ekonsultasi_ikm_min_respondents", readonly=False
    )
    ekonsultasi_autoclose_days = fields.Integer(
        related="company_id.ekonsultasi_autoclose_days", readonly=False
    )
    ekonsultasi_autoclose_resubmit_days = fields.Integer(
        related="company_id.ekonsultasi_autoclose_resubmit_days", readonly=False
    )
    ekonsultasi_pustaka_public = fields.Boolean(
        related="company_id.ekonsultasi_pustaka_public", readonly=False
    )

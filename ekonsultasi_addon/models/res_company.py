# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    ekonsultasi_village_label = fields.Char(
        string="Name of a village",
        translate=True,
        default="Desa",
        help="How villages are called in this region (Pasal 17): Nagari in "
        "Sumatera Barat, Gampong in Aceh, Kampung in Papua, Desa elsewhere.",
    )
    ekonsultasi_inspektur_id = fields.Many2one(
        comodel_name="res.users",
        string="Inspektur",
        domain="[('share', '=', False)]",
        help="Ketua of the tim pengelola (Pasal 14 ayat (2) huruf d): notified "
        "when a consultation stays unanswered past its escalation date.",
    )
    ekonsultasi_attachment_max_size = fields.Integer(
        string="Maximum attachment size (MB)",
        default=10,
        help="Largest file a konsulti may attach to a consultation, in megabytes.",
    )
    ekonsultasi_attachment_types = fields.Char(
        string="Allowed attachment types",
        default="pdf,doc,docx,xls,xlsx,odt,ods,jpg,jpeg,png",
        help="File name extensions a konsulti may attach, separated by commas.",
    )

    def _ekonsultasi_allowed_extensions(self):
        self.ensure_one()
        return {
            ext.strip().lower().lstrip(".")
            for ext in (self.ekonsultasi_attachment_types or "").split(",")
            if ext.strip()
        }

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class EkonsultasiSimpegSyncLine(models.Model):
    """A detail of a synchronisation run: a change (always listed by a dry
    run; updates, reactivations and archives by a real run), an entry in
    error or with a warning, or an archive withheld."""

    _name = "ekonsultasi.simpeg.sync.line"
    _description = "SIMPEG synchronisation detail"
    _order = "run_id, kind, login, id"

    run_id = fields.Many2one(
        comodel_name="ekonsultasi.simpeg.sync.run",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True)
    kind = fields.Selection(
        selection=[
            ("create", "Create"),
            ("update", "Update"),
            ("reactivate", "Reactivate"),
            ("archive", "Archive"),
            ("withheld", "Archive withheld"),
            ("error", "Error"),
            ("warning", "Warning"),
        ],
        required=True,
    )
    login = fields.Char()
    dn = fields.Char(string="Directory entry (DN)")
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Account",
        ondelete="set null",
        context={"active_test": False},
    )
    message = fields.Text(string="Details")
    applied = fields.Boolean(
        readonly=True, help="For a withheld archive: confirmed by the administrator."
    )

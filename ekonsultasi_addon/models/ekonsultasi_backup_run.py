# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One backup run (models/db_backup.py): when, how long, how big, the
SHA-256 of the encrypted file, and how it ended."""

from odoo import fields, models


class EkonsultasiBackupRun(models.Model):
    _name = "ekonsultasi.backup.run"
    _description = "Backup run"
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    backup_id = fields.Many2one(
        comodel_name="db.backup",
        string="Destination",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    destination = fields.Char(related="backup_id.name", string="Location")
    date_start = fields.Datetime(string="Start", required=True, readonly=True)
    duration = fields.Float(string="Duration (s)", digits=(16, 1), readonly=True)
    state = fields.Selection(
        string="Outcome",
        selection=[
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Done, files missing"),
            ("failed", "Failed"),
        ],
        required=True,
        default="running",
        readonly=True,
        index=True,
    )
    filename = fields.Char(string="File", readonly=True)
    # bytes, as a float: an Integer column stops at 2 GiB
    size = fields.Float(string="Size (bytes)", digits=(16, 0), readonly=True)
    sha256 = fields.Char(string="SHA-256", readonly=True)
    attachment_count = fields.Integer(string="Attachment files", readonly=True)
    missing_count = fields.Integer(string="Files missing", readonly=True)
    message = fields.Text(string="Details", readonly=True)

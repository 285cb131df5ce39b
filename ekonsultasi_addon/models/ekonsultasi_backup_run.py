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
        help="The backup destination (local folder or SFTP server) this run wrote to.",
    )
    destination = fields.Char(related="backup_id.name", string="Location")
    date_start = fields.Datetime(
        string="Start", required=True, readonly=True, help="When the backup run started."
    )
    duration = fields.Float(
        string="Duration (s)",
        digits=(16, 1),
        readonly=True,
        help="How long the run took, in seconds.",
    )
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
        help="How the run ended: running, done, done with attachment files missing, or failed.",
    )
    filename = fields.Char(
        string="File", readonly=True, help="Name of the encrypted backup file written."
    )
    # bytes, as a float: an Integer column stops at 2 GiB
    size = fields.Float(
        string="Size (bytes)",
        digits=(16, 0),
        readonly=True,
        help="Size of the encrypted backup file, in bytes.",
    )
    sha256 = fields.Char(
        string="SHA-256",
        readonly=True,
        help="SHA-256 checksum of the encrypted backup file, to check a copy before restoring it.",
    )
    attachment_count = fields.Integer(
        string="Attachment files",
        readonly=True,
        help="Number of attachment files of the database snapshot copied into the backup.",
    )
    missing_count = fields.Integer(
        string="Files missing",
        readonly=True,
        help="Attachment files of the snapshot that could not be copied (absent or"
        " with a wrong checksum).",
    )
    message = fields.Text(
        string="Details",
        readonly=True,
        help="The error of a failed run, or the attachment files missing from the "
        "filestore with the reason.",
    )

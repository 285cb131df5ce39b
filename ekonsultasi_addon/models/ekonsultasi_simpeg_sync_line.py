# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

ARCHIVE_REASONS = [
    ("gone", "No longer in the directory"),
    ("inactive", "Inactive in the directory (kedudukan hukum)"),
]


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
        help="The synchronisation run this line belongs to.",
    )
    company_id = fields.Many2one(
        related="run_id.company_id", store=True, help="The pemda of the synchronisation run."
    )
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
        help="What the run did or found for this entry: account created, updated, "
        "reactivated, archived, archive withheld, error or warning.",
    )
    login = fields.Char(help="Login (NIP, NIK or directory identifier) of the entry.")
    dn = fields.Char(
        string="Directory entry (DN)", help="Distinguished name of the directory entry concerned."
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Account",
        ondelete="set null",
        context={"active_test": False},
        help="The Odoo account concerned, if there is one.",
    )
    message = fields.Text(
        string="Note",
        help="Free text of the run: the profile changes, the name of a new account, "
        "or an error of the database.",
    )
    problems = fields.Json(
        help="The problems of the entry as codes and parameters "
        "(lib.simpeg_mapping.Problem.as_dict), shown in the reader's language.",
    )
    archive_reason = fields.Selection(
        selection=ARCHIVE_REASONS,
        string="Why archived",
        help="For an archive: the account's entry is gone from the directory, or "
        "marked inactive there (kedudukan hukum).",
    )
    details = fields.Text(
        compute="_compute_details",
        help="What changed or went wrong, in words: the fields changed with their "
        "old and new values, or the error.",
    )
    applied = fields.Boolean(
        readonly=True, help="For a withheld archive: confirmed by the administrator."
    )

    @api.depends("kind", "message", "problems", "archive_reason")
    @api.depends_context("lang")
    def _compute_details(self):
        texts = self._ekonsultasi_problem_texts()
        reasons = dict(self._fields["archive_reason"]._description_selection(self.env))
        nip_reasons = self.env["res.partner"]._nip_messages()
        for line in self:
            parts = [line.message] if line.message else []
            for problem in line.problems or []:
                text = texts.get(problem.get("code"))
                values = dict(problem, reason=nip_reasons.get(problem.get("detail"), ""))
                parts.append(text % values if text else f"{problem.get('code')} {values['value']}")
            if line.archive_reason:
                parts.append(reasons[line.archive_reason])
            if line.kind == "reactivate" and not parts:
                parts.append(self.env._("active again in the directory"))
            line.details = "; ".join(parts)

    def _ekonsultasi_problem_texts(self):
        """The sentence of each problem code of lib.simpeg_mapping and
        lib.simpeg_sync, with its parameters (attribute, value, detail, and
        reason: the NIP/NIK rule broken)."""
        _ = self.env._
        return {
            "not_utf8": _("%(attribute)s: the value is not UTF-8 text"),
            "login_missing": _("no %(attribute)s (login) in the entry"),
            "email_invalid": _("invalid e-mail address %(value)s"),
            "status_asn_unknown": _("unknown ASN status %(value)s"),
            "origin_unknown": _(
                "neither an ASN status, a unit kerja nor a nagari: cannot tell whether "
                "this person works for a perangkat daerah or a nagari"
            ),
            "nik_invalid": _("NIK %(value)s: %(reason)s"),
            "nagari_missing": _("a village official without a nagari"),
            "nip_missing": _("an ASN without a NIP"),
            "nip_invalid": _("NIP %(value)s: %(reason)s"),
            "jenis_jabatan_unknown": _("unknown jenis jabatan code %(value)s"),
            "eselon_unknown": _("structural position with unknown eselon %(value)s"),
            "jenis_jabatan_missing": _("an ASN without jenis jabatan"),
            "jenjang_unknown": _("unknown jenjang fungsional %(value)s"),
            "jenjang_missing": _("a functional position without jenjang"),
            "unit_kerja_unknown": _("unknown unit kerja code %(value)s"),
            "nagari_unknown": _("unknown nagari code %(value)s"),
            "login_duplicate": _("login %(value)s is used by two entries: %(detail)s and this one"),
            "login_taken": _(
                "the login is already used by an account that does not come from this "
                "directory: left as it is"
            ),
            "nip_taken": _("the NIP is already recorded on another contact: left as it is"),
        }

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os

from odoo import api, fields, models
from odoo.tools.mimetypes import guess_mimetype

# what a file claims to be (its extension) and what its content must then be
EXPECTED_CONTENT = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
}
# content never accepted, whatever the file is called: markup a browser would
# run, and programs
REFUSED_CONTENT = {
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "image/svg+xml",
    "application/javascript",
    "text/javascript",
    "application/x-msdownload",
    "application/x-dosexec",
    "application/x-executable",
}
PROGRAM_SIGNATURES = (b"MZ", b"\x7fELF", b"#!")


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

    ekonsultasi_attachment_max_count = fields.Integer(
        string="Maximum files per consultation",
        default=10,
        help="How many files a konsulti may attach to one consultation, its "
        "re-submissions and replies included.",
    )
    ekonsultasi_pustaka_public = fields.Boolean(
        string="Pustaka Jawaban open to the public",
        help="The published entries of the Pustaka Jawaban can be read without "
        "logging in; otherwise konsulti only.",
    )

    # issue 15, "answered and left": SP4N-LAPOR! closes a report 10 working
    # days after its follow-up when nobody replies
    ekonsultasi_autoclose_days = fields.Integer(
        string="Close answered consultations after (working days)",
        default=10,
        help="An answered consultation that the konsulti neither closes, submits "
        "again nor replies to within this many working days (on the calendar of "
        "its answer limit) is closed by the system, with a notice to him. 0: never.",
    )
    ekonsultasi_autoclose_resubmit_days = fields.Integer(
        string="Re-submission after an automatic closing (working days)",
        default=10,
        help="How many working days after the system closed an answered "
        "consultation the konsulti may still submit it again (Pasal 13). 0: not at all.",
    )
    # issue 15, SKM: one respondent moves the IKM of n respondents by up to
    # 75 / n points; from 10 on, less than the width of a category
    ekonsultasi_ikm_min_respondents = fields.Integer(
        string="Fewest respondents for an IKM",
        default=10,
        help="Below this number of survey answers, a group (quarter, perangkat daerah, "
        "topic, konsultan) shows 'too few respondents' instead of an IKM: with 10, one "
        "respondent moves the index by at most 7.5 points, less than a category.",
    )

    _sql_constraints = [
        (
            "ekonsultasi_autoclose_days_positive",
            "CHECK(ekonsultasi_autoclose_days >= 0 AND ekonsultasi_autoclose_resubmit_days >= 0)",
            "The working days before an automatic closing and after it cannot be negative.",
        ),
        (
            "ekonsultasi_attachment_limits_positive",
            "CHECK(ekonsultasi_attachment_max_size > 0 AND ekonsultasi_attachment_max_count > 0)",
            "The largest file size and the number of files per consultation must be above zero.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ekonsultasi_inspektur_publishes()
        return companies

    def write(self, vals):
        result = super().write(vals)
        if vals.get("ekonsultasi_inspektur_id"):
            self._ekonsultasi_inspektur_publishes()
        return result

    def _ekonsultasi_inspektur_publishes(self):
        """The Inspektur publishes the Pustaka Jawaban (issue 15): he gets the
        publisher role when he is named (taking it away stays a decision of
        the administrator)."""
        users = self.ekonsultasi_inspektur_id
        if users:
            group = self.env.ref("ekonsultasi_addon.group_ekonsultasi_pustaka_publisher")
            # sudo: whoever may name the Inspektur (Settings) gives him this
            # one role, not the right to manage groups
            group.sudo().write({"users": [fields.Command.link(u.id) for u in users]})

    def _ekonsultasi_attachment_count_error(self, count):
        """``None`` when a konsulti may have ``count`` files on one
        consultation, else the reason to show. The one place of this rule."""
        self.ensure_one()
        if count <= self.ekonsultasi_attachment_max_count:
            return None
        return self.env._(
            "A consultation takes at most %(max)s files from its konsulti "
            "(re-submissions and replies included).",
            max=self.ekonsultasi_attachment_max_count,
        )

    def _ekonsultasi_allowed_extensions(self):
        self.ensure_one()
        return {
            ext.strip().lower().lstrip(".")
            for ext in (self.ekonsultasi_attachment_types or "").split(",")
            if ext.strip()
        }

    def _ekonsultasi_attachment_error(self, name, data):
        """The limits the administrator set on files attached to a
        consultation, whatever the door (portal form, chatter, RPC): ``None``
        when the file ``name`` with the content ``data`` (bytes) obeys them,
        else the reason to show. The one place of this rule."""
        self.ensure_one()
        _ = self.env._
        allowed = self._ekonsultasi_allowed_extensions()
        ext = os.path.splitext(name or "")[1].lower().lstrip(".")
        if ext not in allowed:
            return _(
                "The file %(name)s is of a type that cannot be attached. Allowed types: %(types)s.",
                name=name,
                types=", ".join(sorted(allowed)),
            )
        if len(data) > self.ekonsultasi_attachment_max_size * 1024 * 1024:
            return _(
                "The file %(name)s is larger than %(size)s MB.",
                name=name,
                size=self.ekonsultasi_attachment_max_size,
            )
        sniffed = guess_mimetype(data or b"", default="application/octet-stream")
        expected = EXPECTED_CONTENT.get(ext)
        if (
            sniffed in REFUSED_CONTENT
            or data.startswith(PROGRAM_SIGNATURES)
            or (expected and sniffed not in expected)
        ):
            return _(
                "The content of the file %(name)s does not match its type (.%(ext)s).",
                name=name,
                ext=ext,
            )
        return None

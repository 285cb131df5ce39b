# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import pustaka

MARK_KINDS = [
    ("nip", "NIP"),
    ("nik", "NIK"),
    ("name", "Name of a person"),
    ("unit", "Agency, position or village of the konsulti"),
    ("place", "Nagari or kecamatan"),
    ("amount", "Amount"),
    ("date", "Date"),
]


class EkonsultasiPustakaMark(models.Model):
    """Something in an entry's text that looks like personal data, found by
    the scan (``lib/pustaka.find_personal_data``); a person replaces it
    with a general word or confirms that it names nobody."""

    _name = "ekonsultasi.pustaka.mark"
    _description = "Personal data mark of a Pustaka Jawaban entry"
    _order = "entry_id, field, id"

    entry_id = fields.Many2one(
        comodel_name="ekonsultasi.pustaka",
        required=True,
        ondelete="cascade",
        index=True,
        help="The entry whose text holds this mark.",
    )
    company_id = fields.Many2one(
        related="entry_id.company_id",
        store=True,
        help="The pemda of the entry.",
    )
    field = fields.Selection(
        selection=[("name", "Title"), ("question", "Question"), ("answer", "Answer")],
        string="In",
        required=True,
        readonly=True,
        help="The text of the entry where it was found.",
    )
    kind = fields.Selection(
        selection=MARK_KINDS,
        required=True,
        readonly=True,
        help="Why it looks like personal data.",
    )
    text = fields.Char(
        string="Found",
        required=True,
        readonly=True,
        help="The words found, as they are written.",
    )
    replacement = fields.Char(
        help="The general words that replace it (every occurrence in the same text).",
    )
    state = fields.Selection(
        selection=[
            ("to_check", "To check"),
            ("replaced", "Replaced"),
            ("kept", "Names nobody"),
        ],
        default="to_check",
        required=True,
        readonly=True,
        help="To check: nobody has decided yet; the entry cannot be published. "
        "Replaced: the words were replaced. Names nobody: a person confirmed "
        "the words may stay.",
    )
    checked_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Checked by",
        readonly=True,
        help="Who replaced it or confirmed it names nobody.",
    )

    @api.model
    def _ekonsultasi_generalised(self, kind):
        """The general words proposed for a mark of ``kind`` (in the
        entry's language: the library is read in Bahasa Indonesia)."""
        _ = self.env._
        return {
            "nip": _("[NIP]"),
            "nik": _("[NIK]"),
            "name": _("[name]"),
            "unit": _("[agency]"),
            "place": _("[nagari]"),
            "amount": _("[amount]"),
            "date": _("[date]"),
        }.get(kind, "")

    def _ekonsultasi_check_draft(self):
        if self.entry_id.filtered(lambda e: e.state != "draft"):
            raise UserError(self.env._("Only the marks of an entry being edited are checked."))

    def action_replace(self):
        self._ekonsultasi_check_draft()
        if any(not (mark.replacement or "").strip() for mark in self):
            raise UserError(self.env._("Write the general words that replace it."))
        # checked first: the scan that follows the new text drops only the
        # marks nobody checked
        self.write({"state": "replaced", "checked_by_id": self.env.uid})
        for mark in self:
            entry = mark.entry_id
            entry.write(
                {mark.field: pustaka.replace_all(entry[mark.field], mark.text, mark.replacement)}
            )

    def action_keep(self):
        self._ekonsultasi_check_draft()
        self.write({"state": "kept", "checked_by_id": self.env.uid})

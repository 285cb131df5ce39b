# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Import of the regional master data (perangkat daerah, kecamatan,
desa/nagari) from the CSV or XLSX templates in ``static/templates/``.

Why not base_import (Odoo's import dialog): its ``load()`` finds the
kecamatan of a village by name or external id, not by its Kepmendagri code;
a second import of the same file creates duplicates unless every row carries
an external id; its file reader drops blank lines, so the row numbers of its
messages shift from those the administrator sees in his spreadsheet; and its
messages name technical fields. Here a file is read and checked whole first:
one error and nothing is written (all or nothing); rows are matched on their
code in the current company, so a re-import updates instead of duplicating.
"""

import base64
import csv
import io
import os
import re

import openpyxl  # as Odoo's base_import reads XLSX

from odoo import fields, models
from odoo.exceptions import UserError

# most errors shown at once (the rest are counted)
MAX_ERRORS = 50
KECAMATAN_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
DESA_CODE = re.compile(r"^(\d{2}\.\d{2}\.\d{2})\.\d{4}$")
AGENCY_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")

# kind -> (model, {field: accepted column names}, required fields)
KINDS = {
    "perangkat_daerah": (
        "ekonsultasi.perangkat.daerah",
        {
            "code": ("kode", "code"),
            "name": ("nama", "name"),
            "short_name": ("singkatan", "short_name"),
        },
        ("code", "name"),
    ),
    "kecamatan": (
        "ekonsultasi.kecamatan",
        {"code": ("kode", "code"), "name": ("nama", "name")},
        ("code", "name"),
    ),
    "desa": (
        "ekonsultasi.desa",
        {
            "code": ("kode", "code"),
            "name": ("nama", "name"),
            "kecamatan_code": ("kode_kecamatan", "kecamatan_code"),
        },
        ("code", "name"),
    ),
}


def _plain(value):
    """A field's value as the import compares it: a record as its id."""
    if isinstance(value, models.BaseModel):
        return value.id
    return value or False


class EkonsultasiRegionImport(models.TransientModel):
    _name = "ekonsultasi.region.import"
    _description = "Import of regional data"

    kind = fields.Selection(
        selection=[
            ("perangkat_daerah", "Perangkat daerah"),
            ("kecamatan", "Kecamatan"),
            ("desa", "Villages (desa/nagari)"),
        ],
        string="Data to import",
        required=True,
        default="perangkat_daerah",
        help="Which list the file fills: perangkat daerah, kecamatan or villages (desa/nagari).",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        help="The pemda that receives the imported records.",
    )
    file = fields.Binary(
        string="File (CSV or XLSX)",
        attachment=False,
        help="The filled-in template, CSV or XLSX, one record per row.",
    )
    file_name = fields.Char(help="Name of the uploaded file; its extension tells CSV from XLSX.")
    state = fields.Selection(
        selection=[("draft", "To import"), ("done", "Imported")],
        default="draft",
        help="Whether the file was imported yet.",
    )
    result = fields.Text(
        readonly=True,
        help="Summary of the import: records created and updated, and the rows "
        "refused with their reason.",
    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_import(self):
        """Check every row of the file; if one is wrong, write nothing and
        say which rows and why; else create the new records and update those
        whose code exists already in the company."""
        self.ensure_one()
        _ = self.env._
        if not self.file:
            raise UserError(_("Choose the file to import."))
        rows = self._read_rows()
        values, errors = self._check_rows(rows)
        if errors:
            shown = errors[:MAX_ERRORS]
            if len(errors) > MAX_ERRORS:
                shown.append(_("... and %(count)s more errors.", count=len(errors) - MAX_ERRORS))
            raise UserError(
                _(
                    "The file was not imported and nothing was changed. "
                    "Correct these rows and import the file again:\n%(errors)s",
                    errors="\n".join(shown),
                )
            )
        created, updated, unchanged = self._write_rows(values)
        self.write(
            {
                "state": "done",
                "file": False,
                "result": _(
                    "%(kind)s imported from %(file)s: %(created)s new, "
                    "%(updated)s updated, %(unchanged)s unchanged.",
                    kind=dict(self._fields["kind"]._description_selection(self.env))[self.kind],
                    file=self.file_name or "",
                    created=created,
                    updated=updated,
                    unchanged=unchanged,
                ),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Import regional data"),
        }

    def action_back_to_setup(self):
        return self.env["ekonsultasi.setup.wizard"].action_open_checklist()

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------

    def _read_rows(self):
        """The file as ``[(row_number, {field: text})]``: row 1 is the header,
        blank rows are skipped but keep their number (as the spreadsheet
        shows it)."""
        _ = self.env._
        data = base64.b64decode(self.file)
        ext = os.path.splitext(self.file_name or "")[1].lower()
        if ext == ".csv":
            table = self._read_csv(data)
        elif ext == ".xlsx":
            table = self._read_xlsx(data)
        else:
            raise UserError(
                _(
                    "The file %(name)s is neither CSV nor XLSX. Download a "
                    "template, fill it in and import it as .csv or .xlsx.",
                    name=self.file_name or "",
                )
            )
        if not table:
            raise UserError(_("The file is empty."))
        header = [(cell or "").strip().lower() for cell in table[0]]
        _model, columns, required = KINDS[self.kind]
        positions = {}
        for field, names in columns.items():
            for name in names:
                if name in header:
                    positions[field] = header.index(name)
                    break
        missing = [columns[field][0] for field in required if field not in positions]
        if missing:
            raise UserError(
                _(
                    "Row 1 (the header) has no column %(missing)s. The columns "
                    "of this template are: %(columns)s.",
                    missing=", ".join(missing),
                    columns=", ".join(names[0] for names in columns.values()),
                )
            )
        rows = []
        for number, cells in enumerate(table[1:], start=2):
            if not any((cell or "").strip() for cell in cells):
                continue
            rows.append(
                (
                    number,
                    {
                        field: (cells[pos] if pos < len(cells) else "").strip()
                        for field, pos in positions.items()
                    },
                )
            )
        if not rows:
            raise UserError(_("The file has a header but no data rows."))
        return rows

    def _read_csv(self, data):
        _ = self.env._
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        first_line = text.split("\n", 1)[0]
        # Excel in an Indonesian locale saves CSV with semicolons
        delimiter = max(",;\t", key=first_line.count)
        try:
            return list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as exc:
            raise UserError(_("The CSV file cannot be read: %(reason)s", reason=str(exc))) from exc

    def _read_xlsx(self, data):
        _ = self.env._
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # any damage to the zip or its XML
            raise UserError(_("The XLSX file cannot be read: %(reason)s", reason=str(exc))) from exc
        table = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            cells = []
            for value in row:
                if value is None:
                    cells.append("")
                elif isinstance(value, float) and value.is_integer():
                    cells.append(str(int(value)))
                else:
                    cells.append(str(value))
            table.append(cells)
        return table

    # ------------------------------------------------------------------
    # Checking and writing
    # ------------------------------------------------------------------

    def _check_rows(self, rows):
        """``(values, errors)``: the values to write per code, and one
        message per wrong row (in the user's language)."""
        _ = self.env._
        errors = []
        values = {}
        first_row = {}
        kecamatan_by_code = {}
        if self.kind == "desa":
            kecamatan_by_code = {
                k.code: k
                for k in self.env["ekonsultasi.kecamatan"]
                .with_context(active_test=False)
                .search([("company_id", "=", self.company_id.id), ("code", "!=", False)])
            }
        for number, row in rows:
            code, name = row.get("code", ""), row.get("name", "")
            problems = []
            if not code:
                problems.append(_("the code is empty"))
            elif code in first_row:
                problems.append(
                    _("the code %(code)s is also in row %(row)s", code=code, row=first_row[code])
                )
            elif self.kind == "kecamatan" and not KECAMATAN_CODE.match(code):
                problems.append(
                    _(
                        "the code %(code)s is not a kecamatan code of Kepmendagri (like 13.03.04)",
                        code=code,
                    )
                )
            elif self.kind == "desa" and not DESA_CODE.match(code):
                problems.append(
                    _(
                        "the code %(code)s is not a village code of Kepmendagri "
                        "(like 13.03.04.2001)",
                        code=code,
                    )
                )
            elif self.kind == "perangkat_daerah" and not AGENCY_CODE.match(code):
                problems.append(
                    _(
                        "the code %(code)s may hold only letters, digits, dots and dashes",
                        code=code,
                    )
                )
            if not name:
                problems.append(_("the name is empty"))
            vals = {"name": name}
            if self.kind == "perangkat_daerah":
                vals["short_name"] = row.get("short_name") or False
            if self.kind == "desa" and code and DESA_CODE.match(code):
                kecamatan_code = row.get("kecamatan_code") or DESA_CODE.match(code).group(1)
                kecamatan = kecamatan_by_code.get(kecamatan_code)
                if not code.startswith(kecamatan_code + "."):
                    problems.append(
                        _(
                            "the code %(code)s does not start with the code of its "
                            "kecamatan %(kecamatan)s",
                            code=code,
                            kecamatan=kecamatan_code,
                        )
                    )
                elif not kecamatan:
                    problems.append(
                        _(
                            "there is no kecamatan with the code %(kecamatan)s "
                            "(import the kecamatan first)",
                            kecamatan=kecamatan_code,
                        )
                    )
                else:
                    vals["kecamatan_id"] = kecamatan.id
            if problems:
                errors.append(
                    _("Row %(row)s: %(problems)s.", row=number, problems="; ".join(problems))
                )
            if code and code not in first_row:
                first_row[code] = number
                values[code] = vals
        return values, errors

    def _write_rows(self, values):
        """Create or update by code; ``(created, updated, unchanged)``."""
        model_name = KINDS[self.kind][0]
        Model = self.env[model_name].with_context(active_test=False)
        existing = {
            record.code: record
            for record in Model.search(
                [("company_id", "=", self.company_id.id), ("code", "in", list(values))]
            )
        }
        langs = {"en_US"} | {code for code, _name in self.env["res.lang"].get_installed()}
        to_create = []
        updated = unchanged = 0
        for code, vals in values.items():
            record = existing.get(code)
            if not record:
                to_create.append(dict(vals, code=code, company_id=self.company_id.id))
                continue
            changes = {
                field: value
                for field, value in vals.items()
                if field != "name" and _plain(record[field]) != (value or False)
            }
            name_changed = record.name != vals["name"]
            if not changes and not name_changed:
                unchanged += 1
                continue
            if changes:
                record.write(changes)
            if name_changed:
                if Model._fields["name"].translate:
                    # the name of an agency is the same in every language
                    record.update_field_translations("name", dict.fromkeys(langs, vals["name"]))
                else:
                    record.name = vals["name"]
            updated += 1
        Model.create(to_create)
        return len(to_create), updated, unchanged

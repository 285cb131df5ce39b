#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# pylint: disable=print-used  # a command-line tool: it prints the files it wrote
"""Write the XLSX import templates of the regional data from the CSV ones
(ekonsultasi_addon/static/templates/*.csv), with every cell formatted as
text so that a spreadsheet keeps codes such as 4.10 or 13.03.04 as typed.
Run after changing a CSV template: python3 scripts/make_import_templates.py
"""

import csv
import pathlib

import xlsxwriter

TEMPLATES = pathlib.Path(__file__).resolve().parent.parent / "ekonsultasi_addon/static/templates"

for source in sorted(TEMPLATES.glob("*.csv")):
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    target = source.with_suffix(".xlsx")
    book = xlsxwriter.Workbook(str(target))
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"num_format": "@", "bold": True})
    sheet = book.add_worksheet(source.stem)
    for col, _name in enumerate(rows[0]):
        sheet.set_column(col, col, 16 if col != 1 else 45, text)
    for row_number, row in enumerate(rows):
        for col, value in enumerate(row):
            sheet.write_string(row_number, col, value, bold if row_number == 0 else text)
    sheet.freeze_panes(1, 0)
    book.close()
    print(target)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The recap XLSX's sheet of consultations avoided by the Pustaka Jawaban
# (issue 15), in a file of its own beside ekonsultasi_recap_xlsx.py.
from odoo import models

from ..lib.recap_xlsx import sheet_name


class EkonsultasiRecapXlsx(models.AbstractModel):
    _inherit = "report.ekonsultasi_addon.recap_xlsx"

    def generate_xlsx_report(self, workbook, data, wizards):
        result = super().generate_xlsx_report(workbook, data, wizards)
        Helpful = self.env["ekonsultasi.pustaka.helpful"]
        labels = Helpful._ekonsultasi_recap_labels()
        bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        title = workbook.add_format({"bold": True, "font_size": 14})
        for wizard in wizards:
            rows = Helpful._ekonsultasi_recap_rows(wizard)
            sheet = workbook.add_worksheet(
                sheet_name(
                    f"{labels['count']} {wizard.id}" if len(wizards) > 1 else labels["count"]
                )
            )
            sheet.write_string(0, 0, labels["title"], title)
            sheet.write_string(1, 0, wizard._ekonsultasi_label())
            for col, (key, width) in enumerate((("agency", 40), ("topic", 50), ("count", 22))):
                sheet.write_string(3, col, labels[key], bold)
                sheet.set_column(col, col, width)
            for row, (agency, topic, count) in enumerate(rows, start=4):
                sheet.write_string(row, 0, agency)
                sheet.write_string(row, 1, topic)
                sheet.write_number(row, 2, count)
            if not rows:
                sheet.write_string(4, 0, labels["none"])
        return result

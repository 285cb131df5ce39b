# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..lib.recap_xlsx import write_ikm, write_recap


class EkonsultasiRecapXlsx(models.AbstractModel):
    """The recap as an XLSX workbook, through OCA ``report_xlsx``: one sheet
    per breakdown (lib/recap_xlsx.py writes them)."""

    _name = "report.ekonsultasi_addon.recap_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "E-konsultasi recap (XLSX)"

    def generate_xlsx_report(self, workbook, data, wizards):
        for wizard in wizards:
            labels = wizard._ekonsultasi_recap_labels()
            write_recap(workbook, wizard._ekonsultasi_recap(), labels)
            # the IKM of the satisfaction survey (issue 15)
            headers, rows = wizard._ekonsultasi_ikm_table()
            write_ikm(workbook, labels, headers, rows)

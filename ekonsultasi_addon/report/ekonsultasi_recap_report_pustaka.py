# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The recap PDF's table of consultations avoided by the Pustaka Jawaban
# (issue 15), in a file of its own beside ekonsultasi_recap_report.py.
from odoo import api, models

from .ekonsultasi_recap_report import _SECTION_LETTERS, _cell, _column, format_count


class EkonsultasiRecapReport(models.AbstractModel):
    _inherit = "report.ekonsultasi_addon.report_ekonsultasi_recap"

    @api.model
    def _ekonsultasi_document(self, wizard):
        document = super()._ekonsultasi_document(wizard)
        Helpful = self.env["ekonsultasi.pustaka.helpful"]
        labels = Helpful._ekonsultasi_recap_labels()
        # after the summary, the chart and the tables
        letter = _SECTION_LETTERS[min(len(document["tables"]) + 2, len(_SECTION_LETTERS) - 1)]
        columns = [
            _column(wizard._ekonsultasi_recap_labels()["col_no"], 5, "ek-num"),
            _column(labels["agency"], 35),
            _column(labels["topic"], 40),
            _column(labels["count"], 20, "ek-num"),
        ]
        rows = [
            {
                "class": "",
                "cells": [
                    _cell(format_count(index), "ek-num"),
                    _cell(agency),
                    _cell(topic),
                    _cell(format_count(count), "ek-num"),
                ],
            }
            for index, (agency, topic, count) in enumerate(
                Helpful._ekonsultasi_recap_rows(wizard), start=1
            )
        ]
        document["tables"].append(
            self._ekonsultasi_table(
                f"{letter}. {labels['title']}", columns, rows, page=self._ekonsultasi_page_size()
            )
        )
        return document

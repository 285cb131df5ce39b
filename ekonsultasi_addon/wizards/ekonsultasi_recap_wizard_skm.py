# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The IKM of the satisfaction survey in the recap (issue 15): per quarter,
perangkat daerah, topic and konsultan, with the respondents; a group with
too few respondents is shown as such. In a file of its own (the recap's
main file is ``ekonsultasi_recap_wizard.py``) while two branches change it."""

from markupsafe import Markup

from odoo import api, fields, models

from ..lib import ikm
from ..lib import recap as rc

#: the groups of the IKM, in report order -> key of an answer
IKM_GROUPS = ("quarter", "perangkat_daerah", "category", "konsultan")


class EkonsultasiRecapWizard(models.TransientModel):
    _inherit = "ekonsultasi.recap.wizard"

    ikm_value = fields.Float(
        string="IKM",
        compute="_compute_ikm",
        digits=(16, 2),
        help="Indeks Kepuasan Masyarakat of the survey answers of the period "
        "(PermenPANRB 14/2017, 25 to 100); 0 when there are too few respondents.",
    )
    ikm_text = fields.Char(
        string="IKM (category)",
        compute="_compute_ikm",
        help="The IKM with its category (A Sangat Baik to D Tidak Baik), or 'too few "
        "respondents' below the minimum of the settings.",
    )
    ikm_respondents = fields.Integer(
        string="Survey respondents",
        compute="_compute_ikm",
        help="Konsulti who answered the satisfaction survey in the period.",
    )
    ikm_table = fields.Html(
        string="IKM by group",
        compute="_compute_ikm_table",
        sanitize=False,
        help="The IKM per quarter, perangkat daerah, topic and konsultan with the "
        "respondents, as the recap prints it (too few respondents shown as such).",
    )

    @api.depends("company_id", "date_from", "date_to", "perangkat_daerah_ids", "category_ids")
    def _compute_ikm(self):
        for wizard in self:
            total = ikm.compute([])
            if wizard.date_from and wizard.date_to and wizard.date_from <= wizard.date_to:
                total = wizard._ekonsultasi_ikm()["total"]
            wizard.ikm_value = total.value or 0.0
            wizard.ikm_text = wizard._ekonsultasi_ikm_text(total)
            wizard.ikm_respondents = total.respondents

    @api.depends("company_id", "date_from", "date_to", "perangkat_daerah_ids", "category_ids")
    def _compute_ikm_table(self):
        for wizard in self:
            if not (wizard.date_from and wizard.date_to and wizard.date_from <= wizard.date_to):
                wizard.ikm_table = False
                continue
            headers, rows = wizard._ekonsultasi_ikm_table()
            head = Markup("").join(Markup("<th>%s</th>") % h for h in headers)
            body = Markup("").join(
                Markup("<tr>%s</tr>")
                % Markup("").join(
                    Markup("<td>%s</td>")
                    % (f"{value:.2f}".replace(".", ",") if isinstance(value, float) else value)
                    for value in row
                )
                for row in rows
            )
            wizard.ikm_table = Markup(
                '<table class="table table-sm o_ekonsultasi_ikm_table">'
                "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
            ) % (head, body)

    def _ekonsultasi_ikm_text(self, result):
        return ikm.format_value(result, too_few=self.env._("Too few respondents"))

    def _ekonsultasi_ikm_rows(self):
        """The survey answers of the period (answered in it, in the pemda's
        time zone), with the wizard's filters, as mappings of scores and
        groups for ``lib/ikm``."""
        self.ensure_one()
        self._ekonsultasi_check_access()
        tz = self._ekonsultasi_tz()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("response_date", ">=", rc.local_to_utc(self.date_from, tz)),
            ("response_date", "<", rc.local_to_utc(fields.Date.add(self.date_to, days=1), tz)),
        ]
        # every filter of the recap, on the answer's consultation as the
        # recap reads it (helpdesk.ticket.round._ekonsultasi_recap_records:
        # the konsulti's village and its kecamatan are the consultation's)
        columns = {
            "perangkat_daerah": "perangkat_daerah_id",
            "category": "category_id",
            "kecamatan": "ticket_id.origin_kecamatan_id",
            "desa": "ticket_id.origin_desa_id",
            "konsultan": "user_id",
        }
        filters, _lines = self._ekonsultasi_filter_values()
        for name, records in filters.items():
            if records:
                operator = "child_of" if name == "category" else "in"
                domain.append((columns[name], operator, records.ids))
        # the caller may make the recap: the answers are read as the recap
        # reads the rounds (sudo below only for the names of the groups)
        responses = self.env["ekonsultasi.skm.response"].search(domain, order="response_date, id")
        rows = []
        for response in responses.sudo():
            local = rc.utc_to_local(response.response_date, tz)
            rows.append(
                {
                    **response._ekonsultasi_scores(),
                    "quarter": rc.period_label(rc.QUARTER, local.year, (local.month - 1) // 3 + 1),
                    "perangkat_daerah": response.perangkat_daerah_id.name or None,
                    "category": response.category_id.complete_name or None,
                    "konsultan": response.user_id.name or None,
                }
            )
        return rows

    def _ekonsultasi_ikm(self):
        """``{"total": Ikm, group: {key: Ikm}}`` for the groups of
        :data:`IKM_GROUPS` (keys sorted, quarters in time order)."""
        rows = self._ekonsultasi_ikm_rows()
        minimum = self.company_id.ekonsultasi_ikm_min_respondents
        result = {"total": ikm.compute(rows, min_respondents=minimum)}
        for group in IKM_GROUPS:
            groups = ikm.compute_by(rows, lambda r, g=group: r[g], min_respondents=minimum)
            if group != "quarter":
                groups = dict(sorted(groups.items(), key=lambda item: str(item[0]).casefold()))
            result[group] = groups
        return result

    def _ekonsultasi_ikm_table(self):
        """``(headers, rows)`` of the IKM section of the recap (XLSX and PDF):
        a row per group, ``(group title, key, respondents, IKM or text,
        category letter, kinerja)``."""
        _ = self.env._
        data = self._ekonsultasi_ikm()
        titles = {
            "quarter": _("Quarter"),
            "perangkat_daerah": _("Perangkat daerah"),
            "category": _("Category"),
            "konsultan": _("Konsultan"),
        }
        headers = [_("By"), _("Group"), _("Respondents"), _("IKM"), _("Category"), _("Kinerja")]
        rows = [(_("Total"), "", *self._ekonsultasi_ikm_cells(data["total"]))]
        for group in IKM_GROUPS:
            for key, result in data[group].items():
                rows.append((titles[group], key, *self._ekonsultasi_ikm_cells(result)))
        return headers, rows

    def _ekonsultasi_ikm_cells(self, result):
        category = result.category
        value = round(result.value, 2) if result.value is not None else None
        return (
            result.respondents,
            value if value is not None else self._ekonsultasi_ikm_text(result),
            category[0] if category else "",
            category[1] if category else "",
        )

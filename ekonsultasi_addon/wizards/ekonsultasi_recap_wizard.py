# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib import recap as rc
from ..lib import recap_xlsx as rc_xlsx
from ..lib.workdays import DEFAULT_TZ

PERIOD_TYPES = [
    (rc.MONTH, "Month"),
    (rc.QUARTER, "Quarter (triwulan)"),
    (rc.SEMESTER, "Semester"),
    (rc.YEAR, "Year"),
    (rc.DATES, "Dates"),
]
MONTHS = [
    ("1", "January"),
    ("2", "February"),
    ("3", "March"),
    ("4", "April"),
    ("5", "May"),
    ("6", "June"),
    ("7", "July"),
    ("8", "August"),
    ("9", "September"),
    ("10", "October"),
    ("11", "November"),
    ("12", "December"),
]
QUARTERS = [("1", "I (January-March)"), ("2", "II (April-June)")]
QUARTERS += [("3", "III (July-September)"), ("4", "IV (October-December)")]
SEMESTERS = [("1", "I (January-June)"), ("2", "II (July-December)")]
# filter of the recap -> the wizard's field, in report order
_FILTER_FIELDS = {
    "perangkat_daerah": "perangkat_daerah_ids",
    "category": "category_ids",
    "kecamatan": "kecamatan_ids",
    "desa": "desa_ids",
    "konsultan": "konsultan_ids",
}
# period type -> the field holding its index
_INDEX_FIELDS = {rc.MONTH: "month", rc.QUARTER: "quarter", rc.SEMESTER: "semester"}


def _today_indexes(record):
    # the user's day (his time zone), not the server's: a quarter begins
    # at midnight WIB, seven hours before midnight UTC
    today = fields.Date.context_today(record)
    return {
        "month": str(today.month),
        "quarter": str((today.month - 1) // 3 + 1),
        "semester": str((today.month - 1) // 6 + 1),
    }


class EkonsultasiRecapWizard(models.TransientModel):
    """The recap of the e-konsultasi for a period (Pasal 14 ayat (3) huruf d,
    Pasal 15): figures on screen (the dashboard), as an XLSX workbook and as
    a printable PDF signed by the ketua of the tim pengelola.

    Only the tim pengelola / Inspektorat and administrators run it, and it
    reads the consultations without changing anything."""

    _name = "ekonsultasi.recap.wizard"
    _description = "E-konsultasi recap report"
    _rec_name = "period_label"
    _check_company_auto = True

    company_id = fields.Many2one(
        comodel_name="res.company",
        string="Pemda",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="The pemda whose consultations the report counts.",
    )
    period_type = fields.Selection(
        selection=PERIOD_TYPES,
        string="Period",
        required=True,
        default=rc.QUARTER,
        help="Length of the period of the report: month, quarter, semester, year, "
        "or dates chosen by hand.",
    )
    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year,
        help="The year of the report's period.",
    )
    month = fields.Selection(
        selection=MONTHS,
        default=lambda self: _today_indexes(self)["month"],
        help="The month of the report, when the period is a month.",
    )
    quarter = fields.Selection(
        selection=QUARTERS,
        default=lambda self: _today_indexes(self)["quarter"],
        help="The quarter (triwulan) of the report, when the period is a quarter.",
    )
    semester = fields.Selection(
        selection=SEMESTERS,
        default=lambda self: _today_indexes(self)["semester"],
        help="The semester of the report, when the period is a semester.",
    )
    # required in the views: a computed required column would be NOT NULL
    # before its value is computed
    date_from = fields.Date(
        string="From",
        compute="_compute_dates",
        store=True,
        readonly=False,
        help="First day of the period (included), in the pemda's time zone; set "
        "from the period chosen, or by hand.",
    )
    date_to = fields.Date(
        string="To",
        compute="_compute_dates",
        store=True,
        readonly=False,
        help="Last day of the period (included), in the pemda's time zone; set "
        "from the period chosen, or by hand.",
    )
    period_label = fields.Char(
        string="Period name",
        compute="_compute_period_label",
        help="Name of the period printed in the report's title (e.g. Triwulan I 2026).",
    )
    perangkat_daerah_ids = fields.Many2many(
        comodel_name="ekonsultasi.perangkat.daerah",
        string="Perangkat daerah",
        check_company=True,
        help="Only the consultations answered by these agencies. Empty: all.",
    )
    category_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.category",
        string="Categories",
        check_company=True,
        help="Only these categories and their sub-categories. Empty: all.",
    )
    kecamatan_ids = fields.Many2many(
        comodel_name="ekonsultasi.kecamatan",
        check_company=True,
        help="Only the konsulti of the villages of these kecamatan. Empty: all.",
    )
    desa_ids = fields.Many2many(
        comodel_name="ekonsultasi.desa",
        string="Villages",
        check_company=True,
        help="Only the konsulti of these villages. Empty: all.",
    )
    konsultan_ids = fields.Many2many(
        comodel_name="res.users",
        domain="[('share', '=', False)]",
        help="Only the rounds answered by these konsultan, or assigned to them while "
        "unanswered. Empty: all.",
    )
    # the figures, for the dashboard (see lib/recap.py for their definitions)
    received = fields.Integer(
        compute="_compute_figures",
        help="Rounds submitted in the period: first consultations and re-submissions.",
    )
    answered = fields.Integer(
        compute="_compute_figures",
        help="Rounds received in the period and answered before the end of the "
        "period (or now, if it is not over).",
    )
    on_time = fields.Integer(
        string="Answered within the limit",
        compute="_compute_figures",
        help="Rounds of the period answered within their limit (3 working days, "
        "Pasal 11 ayat (5)).",
    )
    on_time_rate = fields.Float(
        string="Within the limit (%)",
        compute="_compute_figures",
        help="Share, in percent, of the rounds answered within the limit among "
        "those whose outcome is known (within the limit or late).",
    )
    late = fields.Integer(
        compute="_compute_figures",
        help="Rounds of the period answered after their limit, or not answered and"
        " past their limit at the end of the period.",
    )
    open_at_end = fields.Integer(
        string="Open at the end",
        compute="_compute_figures",
        help="Rounds submitted before the end of the period and neither answered "
        "nor closed by then: the backlog, older rounds included.",
    )
    resubmissions = fields.Integer(
        string="Re-submissions",
        compute="_compute_figures",
        help="Rounds of the period that are re-submissions of an answered "
        "consultation (round 2 and more, Pasal 13).",
    )
    resubmission_rate = fields.Float(
        string="Re-submission rate",
        compute="_compute_figures",
        help="Share of the rounds received in the period that are re-submissions (Pasal 13).",
    )
    closed_konsulti = fields.Integer(
        string="Closed by the konsulti",
        compute="_compute_figures",
        help="Consultations closed in the period by their konsulti (the answer "
        "solved his problem).",
    )
    closed_auto = fields.Integer(
        string="Closed by the system (no reply)",
        compute="_compute_figures",
        help="Consultations closed in the period by the system: answered, and left by "
        "the konsulti without reply, re-submission or closing (issue 15).",
    )
    average_days = fields.Float(
        string="Average answer time (working days)",
        compute="_compute_figures",
        help="Average time to answer, in working days without the pauses, over the"
        " answered rounds of the period.",
    )
    median_days = fields.Float(
        string="Median answer time (working days)",
        compute="_compute_figures",
        help="Median time to answer, in working days without the pauses, over the "
        "answered rounds of the period.",
    )

    # ------------------------------------------------------------------
    # Period
    # ------------------------------------------------------------------

    def _ekonsultasi_period_index(self):
        self.ensure_one()
        name = _INDEX_FIELDS.get(self.period_type)
        return int(self[name]) if name and self[name] else None

    @api.depends("period_type", "year", "month", "quarter", "semester")
    def _compute_dates(self):
        for wizard in self:
            if wizard.period_type == rc.DATES or not 1900 < wizard.year < 3000:
                today = fields.Date.context_today(wizard)
                wizard.date_from = wizard.date_from or today.replace(day=1)
                wizard.date_to = wizard.date_to or today
                continue
            if wizard.period_type != rc.YEAR and not wizard._ekonsultasi_period_index():
                continue
            wizard.date_from, wizard.date_to = rc.period_bounds(
                wizard.period_type, wizard.year, wizard._ekonsultasi_period_index()
            )

    @api.depends("period_type", "year", "month", "quarter", "semester", "date_from", "date_to")
    def _compute_period_label(self):
        for wizard in self:
            try:
                wizard.period_label = wizard._ekonsultasi_label()
            except (ValueError, ValidationError):
                wizard.period_label = False

    def _ekonsultasi_label(self):
        """The period in Indonesian: ``Triwulan I 2026``, ``Januari 2026``,
        ``1 Januari 2026 s.d. 15 Maret 2026`` (the regulation's language:
        the report is an official document of the pemda)."""
        self.ensure_one()
        if self.period_type == rc.DATES:
            return rc.period_label(rc.DATES, first=self.date_from, last=self.date_to)
        return rc.period_label(self.period_type, self.year, self._ekonsultasi_period_index())

    @api.constrains("period_type", "year", "date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.period_type != rc.DATES and not 2000 <= wizard.year <= 2100:
                raise ValidationError(
                    self.env._("The year of the recap must lie between 2000 and 2100.")
                )
            if not wizard.date_from or not wizard.date_to:
                raise ValidationError(
                    self.env._("The period of the recap needs a start and an end.")
                )
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The start of the period must come before its end.")
                )

    # ------------------------------------------------------------------
    # The recap
    # ------------------------------------------------------------------

    def _ekonsultasi_check_access(self):
        """The recap reads every consultation of a pemda in SQL: only the tim
        pengelola / Inspektorat (and the administrators, who imply it) may
        run it, and only for the companies they work in."""
        if not self.env.user.has_group("ekonsultasi_addon.group_ekonsultasi_inspektorat"):
            raise AccessError(
                self.env._(
                    "Only the tim pengelola / Inspektorat and the administrators "
                    "can make the e-konsultasi recap."
                )
            )
        for wizard in self:
            if wizard.company_id not in self.env.companies:
                raise AccessError(
                    self.env._(
                        "You cannot make the recap of %(company)s: it is not one of "
                        "your companies.",
                        company=wizard.company_id.name,
                    )
                )

    def _ekonsultasi_tz(self):
        """The pemda's time zone: that of the calendar of its answer limits."""
        self.ensure_one()
        policy = self.env["helpdesk.sla"].search(
            [("company_id", "in", [self.company_id.id, False]), ("calendar_id", "!=", False)],
            order="company_id, id",
            limit=1,
        )
        # the rule of the consultations' calendars, without a team
        calendar = self.env["helpdesk.ticket"]._ekonsultasi_pick_calendar(
            policy, None, self.company_id
        )
        return calendar.tz or DEFAULT_TZ

    def _ekonsultasi_filter_values(self):
        """The filters as the recap's records and as ``(label, names)`` lines."""
        self.ensure_one()
        filters = {name: self[field] for name, field in _FILTER_FIELDS.items()}
        lines = [
            (
                self._fields[field].get_description(self.env)["string"],
                ", ".join(self[field].mapped("display_name")),
            )
            for field in _FILTER_FIELDS.values()
            if self[field]
        ]
        return filters, lines

    def _ekonsultasi_recap(self):
        """Compute the recap of this wizard: a :class:`recap.Recap`."""
        self.ensure_one()
        self._ekonsultasi_check_access()
        tz = self._ekonsultasi_tz()
        start = rc.local_to_utc(self.date_from, tz)
        end = rc.local_to_utc(self.date_to + dt.timedelta(days=1), tz)
        filters, lines = self._ekonsultasi_filter_values()
        records = self.env["helpdesk.ticket.round"]._ekonsultasi_recap_records(
            self.company_id, start, end, filters
        )
        return rc.compute_recap(
            records,
            self.date_from,
            self.date_to,
            now=fields.Datetime.now(),
            tz=tz,
            label=self._ekonsultasi_label(),
            filters=lines,
        )

    @api.depends(
        "company_id",
        "date_from",
        "date_to",
        "perangkat_daerah_ids",
        "category_ids",
        "kecamatan_ids",
        "desa_ids",
        "konsultan_ids",
    )
    def _compute_figures(self):
        for wizard in self:
            figures = rc.Figures()
            if wizard.date_from and wizard.date_to and wizard.date_from <= wizard.date_to:
                figures = wizard._ekonsultasi_recap().totals
            wizard.received = figures.received
            wizard.answered = figures.answered
            wizard.on_time = figures.on_time
            wizard.on_time_rate = figures.on_time_rate or 0.0
            wizard.late = figures.late
            wizard.open_at_end = figures.open_at_end
            wizard.resubmissions = figures.resubmissions
            wizard.resubmission_rate = figures.resubmission_rate or 0.0
            wizard.closed_konsulti = figures.closed_konsulti
            wizard.closed_auto = figures.closed_auto
            wizard.average_days = figures.average_days or 0.0
            wizard.median_days = figures.median_days or 0.0

    def _ekonsultasi_recap_labels(self):
        """The titles of the report in the user's language (the keys of
        :data:`recap_xlsx.DEFAULT_LABELS`)."""
        _ = self.env._
        village = self.company_id.ekonsultasi_village_label or _("Village")
        return {
            # the title of the official document, in every language
            "title": rc_xlsx.DEFAULT_LABELS["title"],
            "period": _("Period"),
            "sheet_summary": _("Summary"),
            "sheet_perangkat_daerah": _("By perangkat daerah"),
            "sheet_category": _("By category"),
            "sheet_konsultan": _("By konsultan"),
            "sheet_origin_kind": _("By origin of konsulti"),
            "sheet_origin": _("By agency and %(village)s", village=village.lower()),
            "sheet_kecamatan": _("By kecamatan"),
            "sheet_trend": _("Monthly trend"),
            "sheet_late": _("Late consultations"),
            "sheet_ikm": _("Satisfaction survey (IKM)"),
            "item": _("Item"),
            "value": _("Value"),
            "received": _("Received"),
            "first_rounds": _("New consultations (round 1)"),
            "resubmissions": _("Re-submitted (Pasal 13)"),
            "resubmission_rate": _("Re-submission rate"),
            "answered": _("Answered"),
            "answer_rate": _("Answer rate"),
            "unanswered": _("Not answered"),
            "on_time": _("Answered within the limit"),
            "on_time_rate": _("Within the limit (%)"),
            "late": _("Late"),
            "late_rate": _("Late (%)"),
            "late_answered": _("Answered late"),
            "late_unanswered": _("Not answered, past the limit"),
            "open_at_end": _("Open at the end of the period"),
            "closed_konsulti": _("Closed by the konsulti"),
            "closed_auto": _("Closed by the system (no reply)"),
            "average_days": _("Average answer time (working days)"),
            "median_days": _("Median answer time (working days)"),
            "perangkat_daerah": _("Perangkat daerah"),
            "category": _("Category"),
            "konsultan": _("Konsultan"),
            "origin_kind": _("Konsulti from"),
            "origin_kecamatan": _("Kecamatan"),
            "origin_name": _("Agency / %(village)s", village=village),
            "month": _("Month"),
            "col_no": _("No."),
            "col_number": _("Number"),
            "col_title": _("Title"),
            "col_round": _("Round"),
            "col_submitted": _("Submitted"),
            "col_deadline": _("Limit"),
            "col_answered": _("Answered"),
            "col_status": _("Status"),
            "col_answer_days": _("Answer time (working days)"),
            "kind_perangkat_daerah": _("Perangkat daerah"),
            "kind_desa": village,
            "none": _("(none)"),
            "status_answered_late": _("Answered late"),
            "status_unanswered": _("Not answered"),
            "footer": _("Page &P of &N"),
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def _ekonsultasi_action_figures(self):
        """The figures of this quarter on a saved record: its title is the
        period (``Triwulan IV 2026``), not "New" with save and discard
        buttons as an unsaved form's."""
        self._ekonsultasi_check_access()
        wizard = self.create({"period_type": rc.QUARTER})
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ekonsultasi_addon.ekonsultasi_recap_dashboard_action"
        )
        action["res_id"] = wizard.id
        return action

    def action_print_xlsx(self):
        self._ekonsultasi_check_access()
        return self.env.ref("ekonsultasi_addon.action_report_ekonsultasi_recap_xlsx").report_action(
            self
        )

    def action_print_pdf(self):
        self._ekonsultasi_check_access()
        return self.env.ref("ekonsultasi_addon.action_report_ekonsultasi_recap").report_action(self)

    def action_open_analysis(self):
        """The rounds of the period in the pivot and graph views of the
        consultation analysis, with the wizard's filters."""
        self.ensure_one()
        self._ekonsultasi_check_access()
        tz = self._ekonsultasi_tz()
        filters, _lines = self._ekonsultasi_filter_values()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("start_date", ">=", rc.local_to_utc(self.date_from, tz)),
            ("start_date", "<", rc.local_to_utc(self.date_to + dt.timedelta(days=1), tz)),
        ]
        fields_of = {
            "perangkat_daerah": "perangkat_daerah_id",
            "category": "category_id",
            "kecamatan": "origin_kecamatan_id",
            "desa": "origin_desa_id",
            "konsultan": "user_id",
        }
        for name, records in filters.items():
            if records:
                operator = "child_of" if name == "category" else "in"
                domain.append((fields_of[name], operator, records.ids))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ekonsultasi_addon.ekonsultasi_round_analysis_action"
        )
        action["domain"] = domain
        action["context"] = {}  # the period replaces the default "this year" filter
        action["display_name"] = self.env._(
            "Consultations: %(period)s", period=self._ekonsultasi_label()
        )
        return action

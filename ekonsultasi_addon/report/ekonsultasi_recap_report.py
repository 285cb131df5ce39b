# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools
import subprocess

from odoo import api, fields, models
from odoo.tools.image import image_data_uri
from odoo.tools.misc import find_in_path

from ..lib import nip as nip_lib
from ..lib import recap as rc

# Terms of the official document, the same in every language (as its title)
GOVERNMENT = "PEMERINTAH"
SIGNATORY_TITLE = "Ketua Tim Pengelola Sistem E-Konsultasi,"
NIP_PREFIX = "NIP."

#: the figures of a breakdown or trend row, in column order
TABLE_FIGURES = (
    "received",
    "answered",
    "on_time",
    "on_time_rate",
    "late",
    "open_at_end",
    "average_days",
    "resubmissions",
)
#: the breakdowns, in report order
BREAKDOWN_SECTIONS = (
    "perangkat_daerah",
    "category",
    "konsultan",
    "origin_kind",
    "origin",
    "kecamatan",
)
#: height of the chart's tallest bar and width of its plot area (CSS px)
CHART_HEIGHT = 170
CHART_WIDTH = 700

_SECTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun")
_MONTHS_SHORT += ("Jul", "Agu", "Sep", "Okt", "Nov", "Des")


# --------------------------------------------------------------------------
# Indonesian number and date formats: the report is an official document of
# the pemda, in Indonesian formats whatever the language of its labels
# --------------------------------------------------------------------------
def _swap_separators(text):
    """``1,234.5`` -> ``1.234,5``."""
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_count(value):
    """``1234`` -> ``1.234``."""
    return _swap_separators(f"{value:,d}")


def format_rate(value):
    """A fraction as a percentage with one decimal: ``0.857`` -> ``85,7 %``;
    ``None`` (no denominator) -> ``-``."""
    if value is None:
        return "-"
    return f"{_swap_separators(f'{value * 100:,.1f}')} %"


def format_days(value):
    """Working days with two decimals: ``2.345`` -> ``2,35``; ``None`` -> ``-``."""
    if value is None:
        return "-"
    return _swap_separators(f"{value:,.2f}")


def format_figure(name, value):
    """A figure of :data:`recap.FIGURES` as the report prints it."""
    if name in rc.RATES:
        return format_rate(value)
    if name in rc.DAYS:
        return format_days(value)
    return format_count(value)


def format_datetime(value):
    """A naive local datetime as ``dd/mm/yyyy HH.MM``; ``None`` -> ``-``."""
    if value is None:
        return "-"
    return value.strftime("%d/%m/%Y %H.%M")


def format_nip(nip):
    """An 18-digit NIP as Indonesian documents print it, 8-6-1-3:
    ``19680817 199403 1 005``; anything else as it is."""
    digits = nip_lib.normalize(nip)
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return nip or ""


def government_name(company_name):
    """``Pemerintah Kabupaten Sijunjung`` or ``Kabupaten Sijunjung`` ->
    ``PEMERINTAH KABUPATEN SIJUNJUNG``."""
    name = " ".join((company_name or "").split()).upper()
    if name == GOVERNMENT or name.startswith(f"{GOVERNMENT} "):
        return name
    return f"{GOVERNMENT} {name}".strip()


def month_short_label(day):
    """``Agu 2026``: a month in a narrow column."""
    return f"{_MONTHS_SHORT[day.month - 1]} {day.year}"


# --------------------------------------------------------------------------
# Page layout. Debian's wkhtmltopdf (unpatched Qt) neither repeats the
# header of a table on the next page nor keeps a table row on one page
# ("page-break-inside: avoid" works on blocks only). So a long table is cut
# here into one table per page, each with its header, from an estimate of
# the height of its rows. That build lays out the body with smart
# shrinking: one CSS millimetre prints as 0.79 mm (measured with --dpi 90
# and 96 and several margins). A wkhtmltopdf "with patched qt" repeats the
# headers and keeps the rows itself: no table is cut for it.
# The sizes below are those of the template's CSS (CSS pt and mm).
# --------------------------------------------------------------------------
PAPER_MM_PER_CSS_MM = 0.79
PAPER_SIZES = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
#: fill at most this share of a page with estimated rows: estimates err
PAGE_FILL = 0.93
TABLE_FONT_PT = 9.5
HEADER_FONT_PT = 8.5
SUMMARY_FONT_PT = 11.5
LINE_HEIGHT = 1.25
CELL_PADDING_MM = (1.0, 1.2)  # vertical, horizontal
HEADER_PADDING_MM = (1.2, 1.0)
#: the title of a section with its margins
SECTION_TITLE_MM = 16.0
#: widths of the characters of Arial (Helvetica's metrics, as Liberation
#: Sans), in thousandths of an em, from the space to the tilde
_WIDTHS = (
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278)
    + (556,) * 10
    + (278, 278, 584, 584, 584, 556, 1015)
    + (667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833)
    + (722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611)
    + (278, 278, 278, 469, 556, 333)
    + (556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833)
    + (556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500)
    + (334, 260, 334, 584)
)
#: text measured wider than its metrics: another font, bold headers
WIDTH_MARGIN = 1.05
BOLD_WIDTH_MARGIN = 1.12
_PT_MM = 25.4 / 72


def text_width(text, font_pt):
    """Width (CSS mm) of ``text`` in Arial at ``font_pt``."""
    em = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else 556 for c in text) / 1000
    return em * font_pt * _PT_MM


def text_lines(text, width_mm, font_pt, margin=WIDTH_MARGIN):
    """How many lines ``text`` wraps to in a column ``width_mm`` wide."""
    space = text_width(" ", font_pt) * margin
    lines, used = 1, 0.0
    for word in str(text).split():
        size = text_width(word, font_pt) * margin
        if used and used + space + size > width_mm:
            lines, used = lines + 1, 0.0
        if size > width_mm:  # a word longer than the column breaks
            extra = int(size // width_mm)
            lines, size = lines + extra, size - extra * width_mm
        used += size + (space if used else 0.0)
    return lines


def row_height(texts_widths, font_pt, padding=CELL_PADDING_MM, margin=WIDTH_MARGIN):
    """Height (CSS mm) of a table row of ``(text, column width in mm)``."""
    vertical, horizontal = padding
    lines = max(
        (text_lines(text, width - 2 * horizontal, font_pt, margin) for text, width in texts_widths),
        default=1,
    )
    return lines * font_pt * _PT_MM * LINE_HEIGHT + 2 * vertical + 0.3


@functools.cache
def wkhtmltopdf_patched():
    """Whether the wkhtmltopdf that Odoo runs is built "with patched qt"."""
    try:
        binary = find_in_path("wkhtmltopdf")
        version = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in version


def _cell(value, css="", colspan=None):
    return {"value": value, "class": css, "colspan": colspan}


def _column(label, width, css=""):
    return {"label": label, "width": width, "style": f"width: {width}%;", "class": css}


class EkonsultasiRecapReport(models.AbstractModel):
    """The recap as a printable PDF (QWeb, wkhtmltopdf): the pemda's
    letterhead, the title and period, every figure, a bar chart of the
    months, the breakdowns, the monthly trend, the late consultations and
    the signature block of the ketua of the tim pengelola.

    Debian's wkhtmltopdf ignores HTML headers and footers: everything is in
    the body. The template only loops and prints: every value is formatted
    and every table cut into pages here."""

    _name = "report.ekonsultasi_addon.report_ekonsultasi_recap"
    _description = "E-konsultasi recap (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        # not in sudo: _ekonsultasi_recap checks that the user may make it
        wizards = self.env["ekonsultasi.recap.wizard"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "ekonsultasi.recap.wizard",
            "docs": wizards,
            "recaps": {
                wizard.id: dict(
                    self._ekonsultasi_document(wizard),
                    # each recap starts on a new page
                    page_class="ek-new-page" if index else "",
                )
                for index, wizard in enumerate(wizards)
            },
        }

    # ------------------------------------------------------------------
    # The document of one wizard
    # ------------------------------------------------------------------

    @api.model
    def _ekonsultasi_document(self, wizard):
        """Everything the template prints for ``wizard``, formatted."""
        recap = wizard._ekonsultasi_recap()
        labels = wizard._ekonsultasi_recap_labels()
        today = rc.utc_to_local(fields.Datetime.now(), recap.tz).date()
        letters = iter(_SECTION_LETTERS)
        page = self._ekonsultasi_page_size()

        def section(key):
            return f"{next(letters)}. {labels[key]}"

        summary = self._ekonsultasi_summary_table(recap, labels)
        summary = self._ekonsultasi_table(
            section("sheet_summary"),
            *summary,
            page=page,
            css="ek-summary",
            font_pt=SUMMARY_FONT_PT,
            header_font_pt=SUMMARY_FONT_PT,
        )
        chart = self._ekonsultasi_chart(recap, labels)
        chart["letter"] = f"{next(letters)}."
        tables = [
            self._ekonsultasi_table(
                section(f"sheet_{name}"),
                *self._ekonsultasi_breakdown_table(recap, labels, name),
                page=page,
            )
            for name in BREAKDOWN_SECTIONS
        ]
        tables.append(
            self._ekonsultasi_table(
                section("sheet_trend"), *self._ekonsultasi_trend_table(recap, labels), page=page
            )
        )
        tables.append(
            self._ekonsultasi_table(
                section("sheet_late"),
                *self._ekonsultasi_late_table(recap, labels),
                page=page,
                css="ek-late",
            )
        )
        # the IKM of the satisfaction survey (issue 15)
        headers, ikm_rows = wizard._ekonsultasi_ikm_table()
        tables.append(
            self._ekonsultasi_table(
                f"{next(letters)}. {labels['sheet_ikm']}",
                *self._ekonsultasi_ikm_columns_rows(headers, ikm_rows),
                page=page,
            )
        )
        return {
            "letterhead": self._ekonsultasi_letterhead(wizard.company_id),
            "title": labels["title"],
            "period": f"{labels['period']}: {recap.label}",
            "filters": [f"{name}: {value}" for name, value in recap.filters],
            # printed before the end of the period: the figures of that moment
            "as_of": (
                format_datetime(recap.local(recap.cutoff)) if recap.cutoff < recap.end else False
            ),
            "summary": summary,
            "chart": chart,
            "tables": tables,
            "signature": self._ekonsultasi_signature(wizard.company_id, recap, today),
        }

    @api.model
    def _ekonsultasi_letterhead(self, company):
        """The kop surat: logo, ``PEMERINTAH KABUPATEN ...``, the address."""
        address = ", ".join(
            part
            for part in (
                company.street,
                company.street2,
                " ".join(p for p in (company.city, company.zip) if p),
            )
            if part
        )
        return {
            "logo": image_data_uri(company.logo) if company.logo else False,
            "government": government_name(company.name),
            "address": address,
            "phone": company.phone or False,
            "email": company.email or False,
            "website": company.website or False,
        }

    # ------------------------------------------------------------------
    # Tables: (columns, rows); a row is {"class", "cells": [cell, ...]}
    # ------------------------------------------------------------------

    @api.model
    def _ekonsultasi_summary_table(self, recap, labels):
        columns = [
            _column(labels["col_no"], 8, "ek-num"),
            _column(labels["item"], 72),
            _column(labels["value"], 20, "ek-num"),
        ]
        rows = [
            {
                "class": "",
                "cells": [
                    _cell(format_count(index), "ek-num"),
                    _cell(labels[name]),
                    _cell(format_figure(name, getattr(recap.totals, name)), "ek-num"),
                ],
            }
            for index, name in enumerate(rc.FIGURES, start=1)
        ]
        return columns, rows

    @api.model
    def _ekonsultasi_figure_columns(self, labels, width):
        return [_column(labels[name], width, "ek-num") for name in TABLE_FIGURES]

    @api.model
    def _ekonsultasi_figure_cells(self, figures):
        return [
            _cell(format_figure(name, getattr(figures, name)), "ek-num") for name in TABLE_FIGURES
        ]

    @api.model
    def _ekonsultasi_key_value(self, labels, column, value):
        if value is None:
            return labels["none"]
        if column == "origin_kind":
            return labels.get(f"kind_{value}", value)
        return value

    @api.model
    def _ekonsultasi_breakdown_table(self, recap, labels, name):
        rows = recap.breakdowns[name]
        if name == "origin":
            return self._ekonsultasi_origin_table(recap, labels, rows)
        column = rc.BREAKDOWNS[name][0][0]
        columns = [_column(labels["col_no"], 5, "ek-num"), _column(labels[column], 27)]
        columns += self._ekonsultasi_figure_columns(labels, 8.5)
        table_rows = [
            {
                "class": "",
                "cells": [
                    _cell(format_count(index), "ek-num"),
                    _cell(self._ekonsultasi_key_value(labels, column, row.key[0])),
                    *self._ekonsultasi_figure_cells(row.figures),
                ],
            }
            for index, row in enumerate(rows, start=1)
        ]
        return columns, table_rows

    @api.model
    def _ekonsultasi_origin_table(self, recap, labels, rows):
        """Agencies and villages of the konsulti, in two groups (perangkat
        daerah, then villages), each under a row naming it."""
        columns = [
            _column(labels["col_no"], 5, "ek-num"),
            _column(labels["origin_name"], 17),
            _column(labels["origin_kecamatan"], 10),
        ]
        columns += self._ekonsultasi_figure_columns(labels, 8.5)
        groups = {}
        for row in rows:
            groups.setdefault(row.key[0], []).append(row)
        order = {rc.PERANGKAT_DAERAH: 0, rc.DESA: 1}
        table_rows = []
        for kind in sorted(groups, key=lambda k: (order.get(k, 2), str(k or ""))):
            table_rows.append(
                {
                    "class": "ek-group",
                    "cells": [
                        _cell(
                            self._ekonsultasi_key_value(labels, "origin_kind", kind),
                            colspan=len(columns),
                        )
                    ],
                }
            )
            for index, row in enumerate(groups[kind], start=1):
                _kind, kecamatan, origin = row.key
                table_rows.append(
                    {
                        "class": "",
                        "cells": [
                            _cell(format_count(index), "ek-num"),
                            _cell(self._ekonsultasi_key_value(labels, "origin_name", origin)),
                            _cell(kecamatan or "-"),
                            *self._ekonsultasi_figure_cells(row.figures),
                        ],
                    }
                )
        return columns, table_rows

    @api.model
    def _ekonsultasi_trend_table(self, recap, labels):
        columns = [_column(labels["col_no"], 5, "ek-num"), _column(labels["month"], 27)]
        columns += self._ekonsultasi_figure_columns(labels, 8.5)
        table_rows = [
            {
                "class": "",
                "cells": [
                    _cell(format_count(index), "ek-num"),
                    _cell(rc.month_label(row.month)),
                    *self._ekonsultasi_figure_cells(row.figures),
                ],
            }
            for index, row in enumerate(recap.trend, start=1)
        ]
        return columns, table_rows

    @api.model
    def _ekonsultasi_late_table(self, recap, labels):
        columns = [
            _column(labels["col_no"], 5, "ek-num"),
            _column(labels["col_number"], 10),
            _column(labels["col_title"], 19),
            _column(labels["perangkat_daerah"], 14),
            _column(labels["konsultan"], 13),
            _column(labels["col_submitted"], 9),
            _column(labels["col_deadline"], 9),
            _column(labels["col_answered"], 9),
            _column(labels["col_status"], 12),
        ]
        table_rows = []
        for index, late in enumerate(recap.late, start=1):
            rnd = late.record
            # answered after the cutoff: not answered yet in this report
            answered = rnd.answered if rnd.answered and rnd.answered < recap.cutoff else None
            number = rnd.number or ""
            if rnd.round > 1:
                number = f"{number} ({labels['col_round']} {rnd.round})"
            table_rows.append(
                {
                    "class": "",
                    "cells": [
                        _cell(format_count(index), "ek-num"),
                        _cell(number),
                        _cell(rnd.title or ""),
                        _cell(rnd.perangkat_daerah or labels["none"]),
                        _cell(rnd.konsultan or labels["none"]),
                        _cell(format_datetime(recap.local(rnd.submitted)), "ek-date"),
                        _cell(format_datetime(recap.local(rnd.deadline)), "ek-date"),
                        _cell(format_datetime(recap.local(answered)), "ek-date"),
                        _cell(labels[f"status_{late.status}"]),
                    ],
                }
            )
        return columns, table_rows

    @api.model
    def _ekonsultasi_ikm_columns_rows(self, headers, rows):
        """The IKM table (``wizard._ekonsultasi_ikm_table``) as the template
        prints it: the IKM with two decimals and a comma, or the text for
        too few respondents."""
        widths = (16, 36, 12, 14, 8, 14)
        classes = ("", "", "ek-num", "ek-num", "", "")
        columns = [
            _column(label, width, css)
            for label, width, css in zip(headers, widths, classes, strict=True)
        ]
        table_rows = []
        for by, key, respondents, value, letter, label in rows:
            text = _swap_separators(f"{value:,.2f}") if isinstance(value, float) else value
            table_rows.append(
                {
                    "class": "",
                    "cells": [
                        _cell(by),
                        _cell(key or ""),
                        _cell(format_count(respondents), "ek-num"),
                        _cell(text, "ek-num"),
                        _cell(letter),
                        _cell(label),
                    ],
                }
            )
        return columns, table_rows

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------

    @api.model
    def _ekonsultasi_page_size(self):
        """Width and height (CSS mm) of the printable area of a page."""
        report = self.env.ref("ekonsultasi_addon.action_report_ekonsultasi_recap")
        paper = report.get_paperformat()
        if paper.format == "custom" and paper.page_width and paper.page_height:
            width, height = float(paper.page_width), float(paper.page_height)
        else:
            width, height = PAPER_SIZES.get(paper.format, PAPER_SIZES["A4"])
        if paper.orientation == "Landscape":
            width, height = height, width
        width -= paper.margin_left + paper.margin_right
        height -= paper.margin_top + paper.margin_bottom
        return width / PAPER_MM_PER_CSS_MM, height / PAPER_MM_PER_CSS_MM

    @api.model
    def _ekonsultasi_table(
        self,
        title,
        columns,
        rows,
        page,
        css="",
        font_pt=TABLE_FONT_PT,
        header_font_pt=HEADER_FONT_PT,
    ):
        """A table of the template: its title, its columns and its rows cut
        into ``pages``, each printed as a table with the header.

        A table that fits on a page is kept on one page with its title (it
        moves to the next page if the rest of this one is too short); a
        longer one starts on a new page and is cut where the rows fill a
        page, for wkhtmltopdf neither repeats the header nor keeps a row on
        one page."""
        width, height = page
        widths = [column["width"] * width / 100 for column in columns]

        def height_of(row):
            texts = []
            position = 0
            for cell in row["cells"]:
                span = cell["colspan"] or 1
                texts.append((cell["value"], sum(widths[position : position + span])))
                position += span
            return row_height(texts, font_pt)

        header = row_height(
            [(column["label"], w) for column, w in zip(columns, widths, strict=True)],
            header_font_pt,
            HEADER_PADDING_MM,
            BOLD_WIDTH_MARGIN,
        )
        capacity = height * PAGE_FILL
        heights = [height_of(row) for row in rows]
        pages = [[]]
        used = SECTION_TITLE_MM + header
        for row, row_size in zip(rows, heights, strict=True):
            if pages[-1] and used + row_size > capacity:
                pages.append([])
                used = header
            pages[-1].append(row)
            used += row_size
        # one page: kept together; more: starts on a new page
        section_class = "ek-keep" if len(pages) == 1 else "ek-new-page"
        if wkhtmltopdf_patched():
            pages = [[row for rows_of_page in pages for row in rows_of_page]]
            section_class = "ek-keep" if section_class == "ek-keep" else ""
        return {
            "title": title,
            "columns": columns,
            "column_count": len(columns),
            "class": css,
            "section_class": section_class,
            "pages": [
                {"class": "ek-new-page" if index else "", "rows": rows_of_page}
                for index, rows_of_page in enumerate(pages)
            ],
        }

    # ------------------------------------------------------------------
    # Chart: bars of plain HTML (wkhtmltopdf runs no chart library)
    # ------------------------------------------------------------------

    @api.model
    def _ekonsultasi_chart(self, recap, labels):
        """Per month: the rounds received and those answered within the
        limit, as bar heights in pixels (the tallest bar is
        :data:`CHART_HEIGHT`)."""
        months = recap.trend
        top = max([row.figures.received for row in months] + [1])
        count = max(len(months), 1)
        bar_width = max(4, min(26, CHART_WIDTH // (count * 3)))

        def bar(value, css):
            return {
                "value": format_count(value),
                "class": css,
                "style": f"height: {round(value * CHART_HEIGHT / top)}px; width: {bar_width}px;",
            }

        return {
            "legend": [
                {"label": labels["received"], "class": "ek-bar-received"},
                {"label": labels["on_time"], "class": "ek-bar-on-time"},
            ],
            "height": f"height: {CHART_HEIGHT + 20}px;",
            "cell_style": f"width: {100 / count:.2f}%;",
            # numbers over the bars while they fit
            "show_values": count <= 24,
            "months": [
                {
                    "label": (rc.month_label if count <= 6 else month_short_label)(row.month),
                    "bars": [
                        bar(row.figures.received, "ek-bar-received"),
                        bar(row.figures.on_time, "ek-bar-on-time"),
                    ],
                }
                for row in months
            ],
        }

    # ------------------------------------------------------------------
    # Signature
    # ------------------------------------------------------------------

    @api.model
    def _ekonsultasi_signatory_values(self, company, recap, today):
        """Name, NIP and jabatan of the signatory: the ketua of the tim
        pengelola in force on the day of signing (or at the end of the
        period), else the company's Inspektur; empty values when none."""
        TimPengelola = self.env["ekonsultasi.tim.pengelola"]
        ketua = TimPengelola._ekonsultasi_signatory(company, today)
        if not ketua:
            ketua = TimPengelola._ekonsultasi_signatory(company, min(today, recap.last))
        if ketua:
            return {
                "name": ketua.name,
                "nip": ketua.nip,
                "jabatan": ketua.jabatan or ketua.partner_id.jabatan_name,
            }
        inspektur = company.ekonsultasi_inspektur_id
        if inspektur:
            return {
                "name": inspektur.name,
                # sudo: the signatory's NIP is printed on the official recap
                "nip": inspektur.partner_id.sudo().nip,
                "jabatan": inspektur.partner_id.jabatan_name,
            }
        return {"name": False, "nip": False, "jabatan": False}

    @api.model
    def _ekonsultasi_signature(self, company, recap, today):
        """The signature block, dated the day of printing in the pemda."""
        person = self._ekonsultasi_signatory_values(company, recap, today)
        place = company.city or ""
        return {
            "place_date": f"{place}, {rc.format_date(today)}" if place else rc.format_date(today),
            "title": SIGNATORY_TITLE,
            "jabatan": person["jabatan"] or False,
            "name": person["name"] or False,
            "nip": f"{NIP_PREFIX} {format_nip(person['nip'])}" if person["nip"] else False,
            "nip_prefix": NIP_PREFIX,
        }

"""The recap report as an XLSX workbook (issue 5), without Odoo.

:func:`write_recap` writes a :class:`recap.Recap` into a **given**
xlsxwriter ``Workbook``, so that OCA ``report_xlsx`` can call it from its
hook ``generate_xlsx_report(self, workbook, data, records)``, and a test or
a script can pass ``xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})``.

Sheets, in order: a summary (*Ringkasan*: the period, the filters and every
figure), one sheet per breakdown of :data:`recap.BREAKDOWNS`, the monthly
trend and the list of late rounds. Each table has one bold header row,
frozen, with an autofilter over its rows; counts are numbers, rates are
fractions with a percentage format, working days numbers with two decimals,
dates and times real Excel dates in the pemda's local time (months with an
Indonesian month-name format, ``[$-421]``). Every sheet prints on A4
landscape, fit to the page width, the header row repeated on each page.

Titles are in Bahasa Indonesia (:data:`DEFAULT_LABELS`); the ``labels``
argument replaces any of them (e.g. with the translations of the user's
language in Odoo). The terms of the regulation stay as they are.
"""

import datetime as dt
import re

from . import recap as rc

DEFAULT_LABELS = {
    "title": "Rekapitulasi Pelaksanaan Sistem E-Konsultasi",
    "period": "Periode",
    "sheet_summary": "Ringkasan",
    "sheet_perangkat_daerah": "Per Perangkat Daerah",
    "sheet_category": "Per Kategori",
    "sheet_konsultan": "Per Konsultan",
    "sheet_origin_kind": "Per Asal Konsulti",
    "sheet_origin": "Per Instansi dan Nagari",
    "sheet_kecamatan": "Per Kecamatan",
    "sheet_trend": "Tren Bulanan",
    "sheet_late": "Daftar Terlambat",
    "sheet_ikm": "Survei Kepuasan (IKM)",
    # summary table
    "item": "Uraian",
    "value": "Nilai",
    # figures
    "received": "Diterima",
    "first_rounds": "Konsultasi baru (putaran 1)",
    "resubmissions": "Diajukan kembali (Pasal 13)",
    "resubmission_rate": "Tingkat pengajuan kembali",
    "answered": "Dijawab",
    "answer_rate": "Tingkat jawaban",
    "unanswered": "Belum dijawab",
    "on_time": "Dijawab dalam batas waktu",
    "on_time_rate": "Persentase tepat waktu",
    "late": "Terlambat",
    "late_rate": "Persentase terlambat",
    "late_answered": "Terlambat dijawab",
    "late_unanswered": "Belum dijawab, melewati batas waktu",
    "open_at_end": "Belum selesai pada akhir periode",
    "closed_konsulti": "Ditutup oleh konsulti",
    "closed_auto": "Ditutup oleh sistem (tanpa tanggapan)",
    "average_days": "Rata-rata waktu jawab (hari kerja)",
    "median_days": "Median waktu jawab (hari kerja)",
    # key columns
    "perangkat_daerah": "Perangkat Daerah",
    "category": "Kategori",
    "konsultan": "Konsultan",
    "origin_kind": "Asal Konsulti",
    "origin_kecamatan": "Kecamatan",
    "origin_name": "Instansi / Nagari",
    "month": "Bulan",
    # late list
    "col_no": "No.",
    "col_number": "Nomor",
    "col_title": "Judul",
    "col_round": "Putaran",
    "col_submitted": "Diajukan",
    "col_deadline": "Batas Waktu",
    "col_answered": "Dijawab",
    "col_status": "Status",
    "col_answer_days": "Waktu jawab (hari kerja)",
    # values
    "kind_perangkat_daerah": "Perangkat Daerah",
    "kind_desa": "Nagari/Desa",
    "none": "(tidak ada)",
    "status_answered_late": "Terlambat dijawab",
    "status_unanswered": "Belum dijawab",
    "footer": "Halaman &P dari &N",
}

#: the row of the header of every table sheet except the summary
HEADER_ROW = 3

#: key columns -> width
_KEY_WIDTHS = {
    "perangkat_daerah": 36,
    "category": 44,
    "konsultan": 30,
    "origin_kind": 20,
    "origin_kecamatan": 20,
    "origin_name": 32,
    "month": 18,
}
_FIGURE_WIDTH = 14
_LATE_COLUMNS = (
    ("col_no", 6),
    ("col_number", 14),
    ("col_title", 40),
    ("col_round", 9),
    ("perangkat_daerah", 28),
    ("category", 34),
    ("konsultan", 26),
    ("origin_name", 26),
    ("col_submitted", 17),
    ("col_deadline", 17),
    ("col_answered", 17),
    ("col_status", 20),
    ("col_answer_days", 14),
)

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text):
    """A valid Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    return _BAD_SHEET_CHARS.sub("-", text).strip("'")[:31] or "Sheet"


class _Formats:
    def __init__(self, workbook):
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.subtitle = add({"italic": True})
        self.header = add(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "top",
                "bg_color": "#D9E1F2",
                "border": 1,
            }
        )
        self.text = add({"valign": "top", "text_wrap": True})
        self.integer = add({"num_format": "#,##0"})
        self.percent = add({"num_format": "0.0%"})
        self.days = add({"num_format": "0.00"})
        self.datetime = add({"num_format": "dd/mm/yyyy hh:mm"})
        self.month = add({"num_format": "[$-421]mmmm yyyy", "align": "left"})

    def figure(self, name):
        if name in rc.RATES:
            return self.percent
        if name in rc.DAYS:
            return self.days
        return self.integer


def _write(sheet, row, col, value, fmt):
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, (dt.datetime, dt.date)):
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _print_setup(sheet, header_row, labels, title):
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    sheet.set_header("&L" + title.replace("&", "&&"))
    sheet.set_footer("&C" + labels["footer"])


def _table_sheet(workbook, fmt, labels, recap, name, headers, widths):
    """A sheet with the title block and a frozen, bold header row."""
    sheet = workbook.add_worksheet(sheet_name(name))
    title = f"{labels['title']}: {name}"
    sheet.write_string(0, 0, title, fmt.title)
    sheet.write_string(1, 0, f"{labels['period']}: {recap.label}", fmt.subtitle)
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(HEADER_ROW, col, header, fmt.header)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    _print_setup(sheet, HEADER_ROW, labels, labels["title"])
    return sheet


def _finish_table(sheet, rows, columns):
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + rows, columns - 1)


def _key_value(column, value, labels):
    if value is None:
        return labels["none"]
    if column == "origin_kind":
        return labels.get(f"kind_{value}", value)
    return value


def _write_summary(workbook, fmt, labels, recap):
    name = labels["sheet_summary"]
    sheet = workbook.add_worksheet(sheet_name(name))
    sheet.write_string(0, 0, labels["title"], fmt.title)
    sheet.write_string(1, 0, labels["period"], fmt.text)
    sheet.write_string(1, 1, recap.label, fmt.text)
    row = 2
    for filter_name, filter_value in recap.filters:
        _write(sheet, row, 0, filter_name, fmt.text)
        _write(sheet, row, 1, filter_value, fmt.text)
        row += 1
    header = row + 1
    sheet.write_string(header, 0, labels["item"], fmt.header)
    sheet.write_string(header, 1, labels["value"], fmt.header)
    for i, figure in enumerate(rc.FIGURES, start=header + 1):
        sheet.write_string(i, 0, labels[figure], fmt.text)
        _write(sheet, i, 1, getattr(recap.totals, figure), fmt.figure(figure))
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 1, 40)
    sheet.freeze_panes(header + 1, 0)
    sheet.autofilter(header, 0, header + len(rc.FIGURES), 1)
    _print_setup(sheet, header, labels, labels["title"])
    sheet.set_portrait()  # two columns: portrait reads better
    return sheet


def _write_breakdown(workbook, fmt, labels, recap, breakdown):
    columns, _key_of = rc.BREAKDOWNS[breakdown]
    rows = recap.breakdowns[breakdown]
    headers = [labels[c] for c in columns] + [labels[f] for f in rc.FIGURES]
    widths = [_KEY_WIDTHS[c] for c in columns] + [_FIGURE_WIDTH] * len(rc.FIGURES)
    sheet = _table_sheet(
        workbook, fmt, labels, recap, labels[f"sheet_{breakdown}"], headers, widths
    )
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        for c, (column, value) in enumerate(zip(columns, row.key, strict=True)):
            _write(sheet, r, c, _key_value(column, value, labels), fmt.text)
        for c, figure in enumerate(rc.FIGURES, start=len(columns)):
            _write(sheet, r, c, getattr(row.figures, figure), fmt.figure(figure))
    _finish_table(sheet, len(rows), len(headers))
    return sheet


def _write_trend(workbook, fmt, labels, recap):
    headers = [labels["month"]] + [labels[f] for f in rc.FIGURES]
    widths = [_KEY_WIDTHS["month"]] + [_FIGURE_WIDTH] * len(rc.FIGURES)
    sheet = _table_sheet(workbook, fmt, labels, recap, labels["sheet_trend"], headers, widths)
    for r, row in enumerate(recap.trend, start=HEADER_ROW + 1):
        _write(sheet, r, 0, row.month, fmt.month)
        for c, figure in enumerate(rc.FIGURES, start=1):
            _write(sheet, r, c, getattr(row.figures, figure), fmt.figure(figure))
    _finish_table(sheet, len(recap.trend), len(headers))
    return sheet


def _write_late(workbook, fmt, labels, recap):
    headers = [labels[c] for c, _w in _LATE_COLUMNS]
    widths = [w for _c, w in _LATE_COLUMNS]
    sheet = _table_sheet(workbook, fmt, labels, recap, labels["sheet_late"], headers, widths)
    for i, late in enumerate(recap.late, start=1):
        rnd = late.record
        answered = (
            rnd.answered if rnd.answered is not None and rnd.answered < recap.cutoff else None
        )
        values = (
            (i, fmt.integer),
            (rnd.number, fmt.text),
            (rnd.title, fmt.text),
            (rnd.round, fmt.integer),
            (rnd.perangkat_daerah or labels["none"], fmt.text),
            (rnd.category or labels["none"], fmt.text),
            (rnd.konsultan or labels["none"], fmt.text),
            (rnd.origin_name or labels["none"], fmt.text),
            (recap.local(rnd.submitted), fmt.datetime),
            (recap.local(rnd.deadline), fmt.datetime),
            (recap.local(answered), fmt.datetime),
            (labels[f"status_{late.status}"], fmt.text),
            (rnd.answer_days if answered else None, fmt.days),
        )
        for c, (value, cell_format) in enumerate(values):
            _write(sheet, HEADER_ROW + i, c, value, cell_format)
    _finish_table(sheet, len(recap.late), len(headers))
    return sheet


def write_recap(workbook, recap, labels=None):
    """Write ``recap`` into the xlsxwriter ``workbook``; return the sheets.

    :param workbook: an open ``xlsxwriter.Workbook`` (the caller closes it)
    :param recap: a :class:`recap.Recap`
    :param labels: titles replacing those of :data:`DEFAULT_LABELS`
    """
    labels = {**DEFAULT_LABELS, **(labels or {})}
    fmt = _Formats(workbook)
    sheets = [_write_summary(workbook, fmt, labels, recap)]
    for breakdown in rc.BREAKDOWNS:
        sheets.append(_write_breakdown(workbook, fmt, labels, recap, breakdown))
    sheets.append(_write_trend(workbook, fmt, labels, recap))
    sheets.append(_write_late(workbook, fmt, labels, recap))
    return sheets


def write_ikm(workbook, labels, headers, rows):
    """The sheet of the satisfaction survey's IKM (issue 15): one row per
    group, ``(by, group, respondents, IKM or the text for too few
    respondents, category letter, kinerja)``; the IKM as a number with two
    decimals."""
    bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    number = workbook.add_format({"num_format": "0.00"})
    name = labels.get("sheet_ikm", DEFAULT_LABELS["sheet_ikm"])
    sheet = workbook.add_worksheet(sheet_name(name))
    sheet.write_string(0, 0, f"{labels['title']}: {name}", workbook.add_format({"bold": True}))
    for col, (header, width) in enumerate(zip(headers, (22, 44, 12, 22, 10, 14), strict=True)):
        sheet.write_string(HEADER_ROW, col, header, bold)
        sheet.set_column(col, col, width)
    for i, row in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(row):
            _write(sheet, i, col, value, number if col == 3 else None)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(rows), len(headers) - 1)
    return sheet

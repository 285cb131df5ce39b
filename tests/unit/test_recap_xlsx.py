"""The recap as XLSX (ekonsultasi_addon/lib/recap_xlsx.py), read back with
openpyxl, on the dataset of test_recap.py, without Odoo."""

import datetime as dt
import importlib.util
import io
from pathlib import Path

import pytest
from ekonsultasi_lib import recap as rc
from ekonsultasi_lib import recap_xlsx as rx

openpyxl = pytest.importorskip("openpyxl")
xlsxwriter = pytest.importorskip("xlsxwriter")


def _dataset():
    """The dataset of test_recap.py (a sibling file, not a package)."""
    path = Path(__file__).with_name("test_recap.py")
    spec = importlib.util.spec_from_file_location("_recap_dataset", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_DATA = _dataset()
Q1, ROUNDS = _DATA.Q1, _DATA.ROUNDS

L = rx.DEFAULT_LABELS
HEADER = rx.HEADER_ROW + 1  # openpyxl rows count from 1


def render(recap, labels=None):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    rx.write_recap(workbook, recap, labels)
    workbook.close()
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


@pytest.fixture(scope="module")
def recap():
    return rc.compute_recap(
        list(ROUNDS.values()),
        *Q1,
        tz="Asia/Jakarta",
        label="Triwulan I 2026",
        filters=[("Perangkat daerah", "(semua)")],
    )


@pytest.fixture(scope="module")
def book(recap):
    return render(recap)


def assert_figure(cell, value, name):
    if value is None:
        assert cell.value is None, name
        return
    assert isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool), name
    assert cell.value == pytest.approx(value), name
    if name in rc.RATES:
        assert cell.number_format == "0.0%", name
    elif name in rc.DAYS:
        assert cell.number_format == "0.00", name


def assert_table(sheet, header_row, columns, rows):
    assert [c.value for c in sheet[header_row]][: len(columns)] == columns
    assert all(c.font.b for c in sheet[header_row][: len(columns)])
    assert sheet.freeze_panes == f"A{header_row + 1}"
    last_col = openpyxl.utils.get_column_letter(len(columns))
    assert sheet.auto_filter.ref == f"A{header_row}:{last_col}{header_row + rows}"
    assert sheet.max_row == header_row + rows
    assert sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # one page wide (1 is the default, xlsxwriter leaves it out), as long as needed
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${header_row}:${header_row}"


def test_sheets(book):
    assert book.sheetnames == [
        "Ringkasan",
        "Per Perangkat Daerah",
        "Per Kategori",
        "Per Konsultan",
        "Per Asal Konsulti",
        "Per Instansi dan Nagari",
        "Per Kecamatan",
        "Tren Bulanan",
        "Daftar Terlambat",
    ]
    for name in book.sheetnames[1:]:
        assert book[name].page_setup.orientation == "landscape", name


def test_summary(book, recap):
    sheet = book["Ringkasan"]
    assert sheet["A1"].value == "Rekapitulasi Pelaksanaan Sistem E-Konsultasi"
    assert (sheet["A2"].value, sheet["B2"].value) == ("Periode", "Triwulan I 2026")
    assert (sheet["A3"].value, sheet["B3"].value) == ("Perangkat daerah", "(semua)")
    header = 5
    assert_table(sheet, header, ["Uraian", "Nilai"], len(rc.FIGURES))
    for i, name in enumerate(rc.FIGURES, start=header + 1):
        assert sheet.cell(i, 1).value == L[name]
        assert_figure(sheet.cell(i, 2), getattr(recap.totals, name), name)
    values = {sheet.cell(i, 1).value: sheet.cell(i, 2).value for i in range(header + 1, 30)}
    assert values["Diterima"] == 11
    assert values["Persentase tepat waktu"] == pytest.approx(0.625)
    assert values["Median waktu jawab (hari kerja)"] == pytest.approx(1.5)


@pytest.mark.parametrize("breakdown", list(rc.BREAKDOWNS))
def test_breakdown_sheets(book, recap, breakdown):
    sheet = book[L[f"sheet_{breakdown}"]]
    columns, _key_of = rc.BREAKDOWNS[breakdown]
    rows = recap.breakdowns[breakdown]
    assert_table(sheet, HEADER, [L[c] for c in columns] + [L[f] for f in rc.FIGURES], len(rows))
    kinds = {rc.PERANGKAT_DAERAH: "Perangkat Daerah", rc.DESA: "Nagari/Desa"}
    for r, row in enumerate(rows, start=HEADER + 1):
        for c, (column, value) in enumerate(zip(columns, row.key, strict=True), start=1):
            shown = "(tidak ada)" if value is None else kinds.get(value, value)
            if column != "origin_kind":
                shown = "(tidak ada)" if value is None else value
            assert sheet.cell(r, c).value == shown
        for c, name in enumerate(rc.FIGURES, start=len(columns) + 1):
            assert_figure(sheet.cell(r, c), getattr(row.figures, name), name)


def test_konsultan_sheet_reads_naturally(book):
    sheet = book["Per Konsultan"]
    assert [sheet.cell(r, 1).value for r in range(HEADER + 1, HEADER + 5)] == [
        "Andi",
        "Budi",
        "Citra",
        "(tidak ada)",
    ]
    assert [sheet.cell(r, 2).value for r in range(HEADER + 1, HEADER + 5)] == [4, 3, 3, 1]


def test_trend_sheet(book, recap):
    sheet = book["Tren Bulanan"]
    assert_table(sheet, HEADER, [L["month"]] + [L[f] for f in rc.FIGURES], 3)
    for r, row in enumerate(recap.trend, start=HEADER + 1):
        cell = sheet.cell(r, 1)
        assert cell.value == dt.datetime.combine(row.month, dt.time())
        assert cell.is_date and "mmmm" in cell.number_format
        for c, name in enumerate(rc.FIGURES, start=2):
            assert_figure(sheet.cell(r, c), getattr(row.figures, name), name)
    assert [sheet.cell(r, 2).value for r in range(HEADER + 1, HEADER + 4)] == [4, 2, 5]


def test_late_sheet(book, recap):
    sheet = book["Daftar Terlambat"]
    assert_table(sheet, HEADER, [L[c] for c, _w in rx._LATE_COLUMNS], 3)
    rows = list(sheet.iter_rows(min_row=HEADER + 1, values_only=True))
    # R2 (answered late), R4 (unanswered), R10 (answered late); times in WIB
    assert rows[0] == (
        1,
        "K002",
        "Konsultasi R2",
        1,
        "BKAD",
        "BKAD / Keuangan nagari",
        "Budi",
        "Nagari Muaro",
        dt.datetime(2026, 1, 12, 9),
        dt.datetime(2026, 1, 15, 16),
        dt.datetime(2026, 1, 16, 9),
        "Terlambat dijawab",
        pytest.approx(4.0),
    )
    assert rows[1][1] == "K003" and rows[1][10] is None and rows[1][11] == "Belum dijawab"
    assert rows[1][12] is None
    assert rows[2][1] == "K009" and rows[2][12] == pytest.approx(5.0)
    for r in range(HEADER + 1, HEADER + 4):
        for c in (9, 10):
            assert sheet.cell(r, c).is_date
        assert isinstance(sheet.cell(r, 1).value, int) and isinstance(sheet.cell(r, 4).value, int)


def test_empty_recap():
    recap = rc.compute_recap([], dt.date(2026, 4, 1), dt.date(2026, 4, 30), tz="Asia/Jakarta")
    book = render(recap)
    assert book["Daftar Terlambat"].auto_filter.ref == "A4:M4"
    assert book["Per Kategori"].max_row == HEADER
    summary = book["Ringkasan"]
    values = {summary.cell(i, 1).value: summary.cell(i, 2).value for i in range(4, 25)}
    assert values["Diterima"] == 0
    assert values["Persentase tepat waktu"] is None
    assert values["Rata-rata waktu jawab (hari kerja)"] is None
    assert book["Tren Bulanan"].cell(HEADER + 1, 1).value == dt.datetime(2026, 4, 1)


def test_labels_replace_the_defaults(recap):
    book = render(
        recap,
        {"sheet_summary": "Summary", "sheet_late": "Late: list/[all]", "received": "Received"},
    )
    assert book.sheetnames[0] == "Summary"
    assert book.sheetnames[-1] == "Late- list--all-"
    assert book["Summary"]["A6"].value == "Received"
    assert book["Per Kategori"].cell(HEADER, 2).value == "Received"

#!/usr/bin/env python3
"""The testing document (docs/pengujian.rst) from the latest test run.

    scripts/docs_testreport.py --results .state/test-results --bench .state/bench \\
        -o docs/_generated/pengujian_hasil.rst

Reads what ``make test`` (scripts/test.sh) keeps of its latest run:

- ``junit.xml``: pytest's ``--junitxml`` report (one ``testcase`` per test,
  with its outcome);
- ``run.json`` (optional): when, on which machine and with which pytest
  arguments the run was made (``date``, ``hostname``, ``cpu``, ``cpus``,
  ``memory``, ``commit``, ``pytest_args``);

and the benchmark results of ``.state/bench/*.json`` when there are any (each a
JSON object; ``name``/``title``, ``date``, ``machine`` and ``figures`` are read
when present, other top-level values are listed as figures).

It writes a reStructuredText page in Bahasa Indonesia: the run (date, machine,
counts), then per area (tests/unit, tests/odoo) one section per test file
with the file's docstring as its description and its counts, the tests that
failed, the reasons of skipped tests, and the benchmark figures. Without a
run it writes a page that says so. Plain Python, no Odoo: tested by
tests/unit/test_docs_testreport.py.
"""

import argparse
import ast
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter, OrderedDict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

AREAS = OrderedDict(
    [
        (
            "tests/unit",
            (
                "Tes tanpa Odoo (tests/unit)",
                (
                    "Pustaka Python modul (``ekonsultasi_addon/lib/``) dan berkas dokumen, "
                    "diuji tanpa Odoo; tes SIMPEG memakai server OpenLDAP (slapd) sungguhan."
                ),
            ),
        ),
        (
            "tests/odoo",
            (
                "Tes Odoo (tests/odoo)",
                (
                    "Modul terpasang pada basis data uji PostgreSQL, dijalankan oleh "
                    "pytest-odoo: model, hak akses, portal lewat HTTP, peramban Chromium, "
                    "laporan, cadangan, gangguan komponen nyata."
                ),
            ),
        ),
    ]
)
OTHER_AREA = ("Tes lain", "")

OUTCOME_LABELS = OrderedDict(
    [
        ("passed", "lulus"),
        ("skipped", "dilewati"),
        ("failed", "gagal"),
        ("error", "galat"),
    ]
)


# ------------------------------------------------------------- reading ------
def _outcome(case):
    for child in case:
        if child.tag in ("failure",):
            return "failed", child.get("message") or ""
        if child.tag == "error":
            return "error", child.get("message") or ""
        if child.tag == "skipped":
            return "skipped", child.get("message") or ""
    return "passed", ""


def file_of_classname(classname, root):
    """The test file (relative path) of a junit classname such as
    ``tests.odoo.test_sla.TestSla`` (the longest dotted prefix that is a file
    under root), else the classname's module part."""
    parts = classname.split(".") if classname else []
    for i in range(len(parts), 0, -1):
        candidate = "/".join(parts[:i]) + ".py"
        if (root / candidate).is_file():
            return candidate
    return "/".join(parts[:-1] or parts) + ".py" if parts else "?"


def read_junit(path, root=ROOT):
    """(suite attributes, list of dict(file, name, outcome, message))."""
    tree = ET.parse(path)
    top = tree.getroot()
    suites = [top] if top.tag == "testsuite" else list(top.iter("testsuite"))
    attrs = dict(suites[0].attrib) if suites else {}
    cases = []
    for suite in suites:
        for case in suite.iter("testcase"):
            outcome, message = _outcome(case)
            file = case.get("file") or file_of_classname(case.get("classname", ""), root)
            cases.append(
                {
                    "file": file,
                    "name": case.get("name", ""),
                    "classname": case.get("classname", ""),
                    "outcome": outcome,
                    "message": message.strip(),
                    "time": float(case.get("time") or 0),
                }
            )
    return attrs, cases


def docstring_of(file, root=ROOT):
    path = root / file
    try:
        return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError, ValueError):
        return ""


def read_bench(folder):
    """The benchmark results: a list of (file name, dict), newest first."""
    results = []
    if not folder or not Path(folder).is_dir():
        return results
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            results.append((path.name, data))
    return results


# ------------------------------------------------------------- writing ------
def _heading(text, char):
    return [text, char * len(text), ""]


def _escape(text):
    return (
        str(text).replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`").replace("|", "\\|")
    )


def _prose(text):
    """A docstring as plain text in reStructuredText: ``literals`` kept,
    every other markup character (emphasis, roles, references, substitutions)
    escaped, so that a docstring never breaks the page."""
    parts = re.split(r"(``[^`]+``)", text)
    out = []
    for part in parts:
        if part.startswith("``") and part.endswith("``") and len(part) > 4:
            out.append(part)
        else:
            part = _escape(part)
            out.append(re.sub(r"_(?=\W|$)", r"\\_", part))
    return "".join(out)


def _cell(text):
    return _escape(" ".join(str(text).split()))


def _table(header, rows, widths=None):
    lines = [".. list-table::", "   :header-rows: 1"]
    if widths:
        lines.append("   :widths: " + " ".join(str(w) for w in widths))
    lines.append("")
    for row in [header, *rows]:
        first = True
        for value in row:
            lines.append(("   * - " if first else "     - ") + (_cell(value) or "\\-"))
            first = False
    lines.append("")
    return lines


def _counts_text(counter):
    parts = [f"{counter[key]} {label}" for key, label in OUTCOME_LABELS.items() if counter[key]]
    return ", ".join(parts) or "tidak ada tes"


def _date_text(value):
    """An ISO date as 'YYYY-MM-DD HH:MM' (kept as given when unparsable)."""
    if not value:
        return "-"
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    text = parsed.strftime("%Y-%m-%d %H:%M")
    if parsed.utcoffset() is not None:
        offset = parsed.strftime("%z")
        text += " UTC" if offset == "+0000" else f" {offset[:3]}:{offset[3:]}"
    return text


def _area_of(file):
    for prefix in AREAS:
        if file.startswith(prefix + "/"):
            return prefix
    return None


def _bench_figures(data):
    figures = data.get("figures")
    rows = []
    if isinstance(figures, dict):
        rows = [(key, value, "") for key, value in figures.items()]
    elif isinstance(figures, list):
        for item in figures:
            if isinstance(item, dict):
                rows.append((item.get("name", ""), item.get("value", ""), item.get("unit", "")))
    else:
        skip = {"name", "title", "date", "machine", "description"}
        for key, value in data.items():
            if key in skip:
                continue
            if isinstance(value, dict):
                for sub, subvalue in value.items():
                    if not isinstance(subvalue, dict | list):
                        rows.append((f"{key} / {sub}", subvalue, ""))
            elif not isinstance(value, list):
                rows.append((key, value, ""))
    return rows


def _machine_text(machine):
    if isinstance(machine, dict):
        return ", ".join(f"{k}: {v}" for k, v in machine.items())
    return str(machine or "-")


def _run_lines(attrs, cases, run):
    """The run: date, machine, arguments, counts."""
    lines = []
    total = Counter(case["outcome"] for case in cases)
    date = run.get("date") or attrs.get("timestamp")
    machine = run.get("hostname") or attrs.get("hostname") or "-"
    lines += _heading("Hasil pengujian terakhir", "-")
    lines += [
        (
            "Bagian ini dibuat otomatis oleh ``make docs`` dari hasil ``make test`` terakhir "
            "(laporan JUnit pytest di ``.state/test-results/``); jangan diubah dengan tangan."
        ),
        "",
    ]
    info = [
        ("Tanggal", _date_text(date)),
        ("Mesin", machine),
    ]
    if run.get("cpu") or run.get("cpus"):
        info.append(("Prosesor", f"{run.get('cpu') or '-'} ({run.get('cpus') or '?'} inti)"))
    if run.get("memory"):
        info.append(("Memori", run["memory"]))
    if run.get("commit"):
        info.append(("Versi kode (commit)", run["commit"]))
    if "pytest_args" in run:
        info.append(("Argumen pytest", run["pytest_args"] or "(tidak ada: semua tes)"))
    info.append(("Jumlah tes", f"{len(cases)}: {_counts_text(total)}"))
    if attrs.get("time"):
        info.append(("Lama berjalan", f"{float(attrs['time']):.0f} detik"))
    lines += _table(["Keterangan", "Nilai"], info, widths=[25, 75])
    if run.get("pytest_args"):
        lines += [
            ".. note::",
            "",
            (
                "   Jalannya terakhir hanya sebagian tes (argumen pytest di atas). "
                "Untuk dokumen serah terima, jalankan ``make test`` tanpa argumen lalu "
                "``make docs``."
            ),
            "",
        ]
    return lines


def _file_lines(file, file_cases, root):
    """One test file: its docstring, counts, failures and skip reasons."""
    counter = Counter(c["outcome"] for c in file_cases)
    lines = _heading(f"``{file}``", "^")
    doc = docstring_of(file, root)
    if doc:
        lines += ["| " + _prose(line) if line.strip() else "|" for line in doc.splitlines()]
        lines += [""]
    lines += [f"**{len(file_cases)} tes**: {_counts_text(counter)}.", ""]
    bad = [c for c in file_cases if c["outcome"] in ("failed", "error")]
    if bad:
        lines += ["Tes yang gagal:", ""]
        for case in bad:
            reason = case["message"].splitlines()[0] if case["message"] else ""
            text = f"- ``{case['name']}``"
            if reason:
                text += f": {_escape(reason[:200])}"
            lines.append(text)
        lines += [""]
    skipped = Counter(
        (c["message"].splitlines()[0] if c["message"] else "tanpa alasan")
        for c in file_cases
        if c["outcome"] == "skipped"
    )
    if skipped:
        lines += ["Dilewati:", ""]
        for reason, count in skipped.most_common():
            lines += [f"- {count} tes: {_escape(reason[:200])}"]
        lines += [""]
    return lines


def render(attrs, cases, run=None, bench=(), root=ROOT):
    """The page (reStructuredText lines joined) for one test run."""
    run = run or {}
    lines = _run_lines(attrs, cases, run)
    by_file = OrderedDict()
    for case in sorted(cases, key=lambda c: c["file"]):
        by_file.setdefault(case["file"], []).append(case)
    by_area = OrderedDict((area, []) for area in AREAS)
    by_area[None] = []
    for file in by_file:
        by_area[_area_of(file)].append(file)

    summary_rows = []
    for area, files in by_area.items():
        if not files:
            continue
        title = AREAS[area][0] if area else OTHER_AREA[0]
        counter = Counter(c["outcome"] for f in files for c in by_file[f])
        summary_rows.append([title, len(files)] + [counter[key] for key in OUTCOME_LABELS])
    if summary_rows:
        lines += _heading("Ringkasan per bagian", "~")
        lines += _table(
            ["Bagian", "Berkas", *[label.capitalize() for label in OUTCOME_LABELS.values()]],
            summary_rows,
        )

    for area, files in by_area.items():
        if not files:
            continue
        title, intro = AREAS[area] if area else OTHER_AREA
        lines += _heading(title, "~")
        if intro:
            lines += [intro, ""]
        for file in files:
            lines += _file_lines(file, by_file[file], root)

    lines += render_bench(bench)
    return "\n".join(lines) + "\n"


def render_bench(bench):
    """The lines of the benchmark section (a note when there is none)."""
    lines = []
    lines += _heading("Hasil tolok ukur (benchmark)", "-")
    if not bench:
        lines += [
            (
                "Belum ada hasil tolok ukur tersimpan (``.state/bench/*.json``). "
                "Tolok ukur dijalankan dengan ``make bench``; uraiannya ada di README."
            ),
            "",
        ]
    for name, data in bench:
        title = data.get("title") or data.get("name") or name
        lines += _heading(str(title), "~")
        if data.get("description"):
            lines += [_escape(data["description"]), ""]
        lines += [
            (
                f"Tanggal: {_date_text(data.get('date'))}. "
                f"Mesin: {_escape(_machine_text(data.get('machine')))}. Berkas: ``{name}``."
            ),
            "",
        ]
        rows = _bench_figures(data)
        if rows:
            lines += _table(["Ukuran", "Nilai", "Satuan"], rows, widths=[50, 30, 20])
    return lines


def render_missing(bench=()):
    lines = _heading("Hasil pengujian terakhir", "-")
    lines += [
        ".. warning::",
        "",
        (
            "   Belum ada hasil tes (``.state/test-results/junit.xml``): jalankan "
            "``make test``, lalu ``make docs`` lagi."
        ),
        "",
    ]
    lines += render_bench(bench)
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=str(ROOT / ".state" / "test-results"))
    parser.add_argument("--bench", default=str(ROOT / ".state" / "bench"))
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    junit = Path(args.results) / "junit.xml"
    bench = read_bench(args.bench)
    if junit.is_file():
        attrs, cases = read_junit(junit)
        run_file = Path(args.results) / "run.json"
        run = json.loads(run_file.read_text(encoding="utf-8")) if run_file.is_file() else {}
        text = render(attrs, cases, run, bench)
    else:
        text = render_missing(bench)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The testing document generated from a test run (scripts/docs_testreport.py,
issue 14): a small JUnit report of pytest is turned into the page of
docs/pengujian.rst, grouped by area and test file with each file's docstring,
its counts, failures and skip reasons, the date and machine of the run, and
the benchmark figures when there are any. Without Odoo."""

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "docs_testreport.py"

SAMPLE = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="2" tests="6"
 time="12.5" timestamp="2026-12-01T10:00:00.000000+00:00" hostname="mesin-uji">
<testcase classname="tests.unit.test_alpha.TestAlpha" name="test_one"
 file="tests/unit/test_alpha.py" time="0.1"/>
<testcase classname="tests.unit.test_alpha.TestAlpha" name="test_two"
 file="tests/unit/test_alpha.py" time="0.1">
  <failure message="AssertionError: 3 != 4">trace</failure></testcase>
<testcase classname="tests.unit.test_alpha" name="test_three"
 file="tests/unit/test_alpha.py" time="0.0">
  <skipped type="pytest.skip" message="slapd is not installed">skip</skipped></testcase>
<testcase classname="tests.odoo.test_beta.TestBeta" name="test_four" time="3.0"/>
<testcase classname="tests.odoo.test_beta.TestBeta" name="test_five" time="0.0">
  <skipped type="pytest.skip" message="chromium is not installed">skip</skipped></testcase>
<testcase classname="tests.odoo.test_beta.TestBeta" name="test_six" time="0.0">
  <error message="failed on setup with psycopg2.OperationalError">trace</error></testcase>
</testsuite></testsuites>
"""


def _load():
    spec = importlib.util.spec_from_file_location("docs_testreport", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tree(tmp_path):
    """A tiny project: two test files with docstrings, and the report."""
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "odoo").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_alpha.py").write_text(
        '"""Alpha: NIP checks without Odoo."""\n', encoding="utf-8"
    )
    (tmp_path / "tests" / "odoo" / "test_beta.py").write_text(
        '"""Beta: the portal over HTTP.\n\nSecond paragraph.\n'
        "Markup a docstring may hold: docs/*.rst, :pesan:`x`, name_, |sub|, ``lit``.\n"
        '"""\n',
        encoding="utf-8",
    )
    junit = tmp_path / "junit.xml"
    junit.write_text(SAMPLE, encoding="utf-8")
    return junit


def test_junit_read_per_file(tmp_path):
    report = _load()
    attrs, cases = report.read_junit(_tree(tmp_path), root=tmp_path)
    assert attrs["hostname"] == "mesin-uji"
    files = {case["file"] for case in cases}
    # the file from the attribute, else found from the classname
    assert files == {"tests/unit/test_alpha.py", "tests/odoo/test_beta.py"}
    outcomes = [case["outcome"] for case in cases]
    assert outcomes == ["passed", "failed", "skipped", "passed", "skipped", "error"]


def test_page_groups_counts_and_describes(tmp_path):
    report = _load()
    attrs, cases = report.read_junit(_tree(tmp_path), root=tmp_path)
    run = {
        "date": "2026-12-01T10:00:00+00:00",
        "hostname": "mesin-uji",
        "cpus": 2,
        "cpu": "Xeon",
        "commit": "abc1234",
        "pytest_args": "",
    }
    page = report.render(attrs, cases, run, bench=[], root=tmp_path)
    # the run: date, machine, counts
    assert "2026-12-01 10:00 UTC" in page
    assert "mesin-uji" in page
    assert "6: 2 lulus, 2 dilewati, 1 gagal, 1 galat" in page
    assert "(tidak ada: semua tes)" in page
    # per area, the unit tests before the Odoo tests, each file with its docstring
    unit = page.index("Tes tanpa Odoo (tests/unit)\n~~~")
    odoo = page.index("Tes Odoo (tests/odoo)\n~~~")
    assert unit < page.index("``tests/unit/test_alpha.py``") < odoo
    assert odoo < page.index("``tests/odoo/test_beta.py``")
    assert "| Alpha: NIP checks without Odoo." in page
    assert "| Second paragraph." in page
    # a docstring's markup is shown as text, ``literals`` kept
    assert "docs/\\*.rst, :pesan:\\`x\\`, name\\_, \\|sub\\|, ``lit``" in page
    assert "**3 tes**: 1 lulus, 1 dilewati, 1 gagal." in page
    assert "**3 tes**: 1 lulus, 1 dilewati, 1 galat." in page
    # what failed and why tests were skipped
    assert "- ``test_two``: AssertionError: 3 != 4" in page
    assert "- ``test_six``: failed on setup with psycopg2.OperationalError" in page
    assert "- 1 tes: chromium is not installed" in page
    # no benchmark results: said so
    assert "Belum ada hasil tolok ukur" in page


def test_partial_run_is_flagged(tmp_path):
    report = _load()
    attrs, cases = report.read_junit(_tree(tmp_path), root=tmp_path)
    page = report.render(attrs, cases, {"pytest_args": "tests/unit -k nip"}, root=tmp_path)
    assert "tests/unit -k nip" in page
    assert "hanya sebagian tes" in page
    page = report.render(attrs, cases, {"pytest_args": ""}, root=tmp_path)
    assert "hanya sebagian tes" not in page


def test_bench_figures_with_date_and_machine(tmp_path):
    report = _load()
    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "locust.json").write_text(
        json.dumps(
            {
                "title": "Beban portal (Locust)",
                "date": "2026-11-30T08:15:00+00:00",
                "machine": {"host": "bench-1", "cpus": 2},
                "figures": [{"name": "p95 kirim konsultasi", "value": 420, "unit": "ms"}],
            }
        ),
        encoding="utf-8",
    )
    (bench / "plain.json").write_text(json.dumps({"created_per_s": 31.5, "n": 1000}))
    (bench / "broken.json").write_text("{not json")
    results = report.read_bench(bench)
    assert [name for name, _ in results] == ["locust.json", "plain.json"]
    lines = "\n".join(report.render_bench(results))
    assert "Beban portal (Locust)" in lines
    assert "2026-11-30 08:15 UTC" in lines
    assert "host: bench-1, cpus: 2" in lines
    assert "p95 kirim konsultasi" in lines and "420" in lines and "ms" in lines
    assert "created_per_s" in lines and "31.5" in lines
    assert "Belum ada hasil tolok ukur" not in lines


def test_command_writes_the_page_or_says_no_run(tmp_path):
    out = tmp_path / "out" / "pengujian_hasil.rst"
    empty = tmp_path / "none"
    subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--results",
            str(empty),
            "--bench",
            str(empty),
            "-o",
            str(out),
        ],
        check=True,
    )
    assert "Belum ada hasil tes" in out.read_text(encoding="utf-8")
    results = tmp_path / "results"
    results.mkdir()
    (results / "junit.xml").write_text(SAMPLE, encoding="utf-8")
    (results / "run.json").write_text(json.dumps({"hostname": "mesin-uji", "pytest_args": ""}))
    subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--results",
            str(results),
            "--bench",
            str(empty),
            "-o",
            str(out),
        ],
        check=True,
    )
    assert "6: 2 lulus, 2 dilewati, 1 gagal, 1 galat" in out.read_text(encoding="utf-8")


def test_page_is_valid_restructuredtext(tmp_path):
    """The page parses without a warning (docutils, when installed: it is in
    .venv-docs, not in Odoo's Python)."""
    import pytest

    docutils_core = pytest.importorskip("docutils.core")
    report = _load()
    attrs, cases = report.read_junit(_tree(tmp_path), root=tmp_path)
    page = report.render(attrs, cases, {"pytest_args": "-k x"}, root=tmp_path)
    warnings = io.StringIO()
    docutils_core.publish_doctree(
        "Pengujian\n=========\n\n" + page,
        settings_overrides={"report_level": 2, "halt_level": 5, "warning_stream": warnings},
    )
    assert not warnings.getvalue(), warnings.getvalue()

"""Shared pytest set-up for the whole tests/ tree.

* ``ekonsultasi_lib``: the addon's Odoo-free helpers (``ekonsultasi_addon/lib/``)
  are registered as a top-level package of that name, so Odoo-free tests can
  ``from ekonsultasi_lib import nip`` without importing Odoo.
* Odoo tests live in ``tests/odoo/test_*.py``. When Odoo 18 is not importable,
  each of their test methods/functions is reported as one skipped test (counted
  with ``ast``, the file is not imported) and a banner says how many and why.
  With Odoo, scripts/test.sh runs them through pytest-odoo against the test
  database.
"""

import ast
import importlib.util
import logging
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ODOO_TESTS_DIR = Path(__file__).resolve().parent / "odoo"
LIB_DIR = ROOT / "ekonsultasi_addon" / "lib"
LIB_NAME = "ekonsultasi_lib"

SKIP_REASON = "Odoo 18 is not importable: set ODOO_SOURCE=/path/to/odoo and run make test"


def _odoo_importable():
    try:
        from odoo import release
    except ImportError:
        return False
    return release.version_info[0] == 18


ODOO_AVAILABLE = _odoo_importable()


class _DropEarlyTestFrameworkError(logging.Filter):
    """pytest-odoo imports odoo.tests before Odoo's test mode is on, which
    makes Odoo log a spurious ERROR with a long stack: drop that one record."""

    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework, avoid")


if ODOO_AVAILABLE:
    logging.getLogger("odoo.tests.common").addFilter(_DropEarlyTestFrameworkError())


# --------------------------------------------------------------------------
# ekonsultasi_lib: ekonsultasi_addon/lib/ as a synthetic top-level package
# --------------------------------------------------------------------------
def register_ekonsultasi_lib():
    """Import ``ekonsultasi_addon/lib`` as the package ``ekonsultasi_lib``
    (without importing ``ekonsultasi_addon`` or Odoo) and return it."""
    if LIB_NAME in sys.modules:
        return sys.modules[LIB_NAME]
    init = LIB_DIR / "__init__.py"
    if not init.is_file():
        return None
    spec = importlib.util.spec_from_file_location(
        LIB_NAME, init, submodule_search_locations=[str(LIB_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[LIB_NAME] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[LIB_NAME]
        raise
    return module


register_ekonsultasi_lib()


@pytest.fixture(scope="session")
def ekonsultasi_lib():
    """The ``ekonsultasi_lib`` package (``ekonsultasi_addon/lib``)."""
    module = register_ekonsultasi_lib()
    if module is None:
        pytest.fail(f"{LIB_DIR}/__init__.py is missing")
    return module


# --------------------------------------------------------------------------
# Odoo tests without Odoo: one skipped item per test, plus a banner
# --------------------------------------------------------------------------
def _is_odoo_test_file(path):
    path = Path(path)
    return (
        path.suffix == ".py"
        and path.name.startswith("test_")
        and ODOO_TESTS_DIR in path.resolve().parents
    )


def count_tests(path):
    """Names and line numbers of the tests of a file, found with ``ast``:
    ``test_*`` methods of classes and module-level ``test_*`` functions."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    funcs = (ast.FunctionDef, ast.AsyncFunctionDef)
    tests = []
    for node in tree.body:
        if isinstance(node, funcs) and node.name.startswith("test"):
            tests.append((node.name, node.lineno))
        elif isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, funcs) and sub.name.startswith("test"):
                    tests.append((f"{node.name}::{sub.name}", sub.lineno))
    return tests


class OdooSkippedItem(pytest.Item):
    """Stands for one Odoo test that cannot run because Odoo is missing."""

    def __init__(self, *, lineno, **kwargs):
        super().__init__(**kwargs)
        self._lineno = lineno
        self.add_marker(pytest.mark.skip(reason=SKIP_REASON))

    def runtest(self):  # pragma: no cover - always skipped in setup
        pytest.skip(SKIP_REASON)

    def reportinfo(self):
        return self.path, self._lineno - 1, self.name


class OdooSkippedFile(pytest.File):
    """Replaces the collection of a tests/odoo/test_*.py file (not imported)."""

    def collect(self):
        try:
            tests = count_tests(self.path)
        except SyntaxError as exc:
            raise self.CollectError(f"cannot parse {self.path}: {exc}") from exc
        for name, lineno in tests:
            yield OdooSkippedItem.from_parent(self, name=name, lineno=lineno)


def pytest_pycollect_makemodule(module_path, parent):
    if not ODOO_AVAILABLE and _is_odoo_test_file(module_path):
        return OdooSkippedFile.from_parent(parent, path=module_path)
    return None


def pytest_collection_modifyitems(session, config, items):
    if ODOO_AVAILABLE:
        # every test under tests/odoo/ needs Odoo: mark them for -m filtering
        for item in items:
            if _is_odoo_test_file(item.path):
                item.add_marker(pytest.mark.odoo)


def pytest_collection_finish(session):
    skipped = [i for i in session.items if isinstance(i, OdooSkippedItem)]
    session.config._ekonsultasi_odoo_skipped = (
        len(skipped),
        len({i.path for i in skipped}),
    )


BROWSER_SKIP_MARKERS = ("chrome", "websocket-client")


def _browser_skips(terminalreporter):
    """Skipped tests whose reason is Odoo's headless browser missing."""
    skipped = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        if any(marker in reason.lower() for marker in BROWSER_SKIP_MARKERS):
            skipped.append((report.nodeid, reason))
    return skipped


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    browser_skips = _browser_skips(terminalreporter)
    if browser_skips:
        tr = terminalreporter
        tr.write_line("")
        tr.write_sep("!", "BROWSER TESTS NOT RUN", red=True, bold=True)
        tr.write_line(
            f"  {len(browser_skips)} test(s) that drive headless Chromium were SKIPPED: "
            f"{browser_skips[0][1]}.",
            red=True,
            bold=True,
        )
        tr.write_line(
            "  Install Debian's chromium (scripts/lib.sh does: apt-get install chromium).",
            red=True,
            bold=True,
        )
        tr.write_sep("!", red=True, bold=True)
    count, files = getattr(config, "_ekonsultasi_odoo_skipped", (0, 0))
    if not count:
        return
    tr = terminalreporter
    tr.write_line("")
    tr.write_sep("!", "ODOO TESTS NOT RUN", red=True, bold=True)
    tr.write_line(
        f"  {count} Odoo test(s) in {files} file(s) under tests/odoo/ were SKIPPED.",
        red=True,
        bold=True,
    )
    tr.write_line(f"  Why: {SKIP_REASON}.", red=True, bold=True)
    tr.write_line(
        "  Only the Odoo-free tests ran: this run proves nothing about the addon inside Odoo.",
        red=True,
        bold=True,
    )
    tr.write_sep("!", red=True, bold=True)

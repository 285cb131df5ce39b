"""The traceability table of the requirements (docs/traceability.csv, issue
14): every Pasal of Perbup Sijunjung 42/2022 is traced to a feature and the
tests that prove it, or to a stated reason, and every test it names exists.
Read without Odoo: the tests are found in the source (ast), as pytest would
collect them."""

import ast
import csv
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "traceability.csv"
PERBUP = ROOT / "docs" / "regulasi" / "perbup_sijunjung_42_2022.txt"
PERBUP_NAME = "Perbup Sijunjung 42/2022"
# a row without tests says why: not the application's to meet, or not yet
REASONS = ("Tidak berlaku", "Belum dipenuhi")


def rows():
    with TABLE.open(encoding="utf-8", newline="") as table:
        return list(csv.DictReader(table))


@cache
def _module(path):
    return ast.parse((ROOT / path).read_text(encoding="utf-8"))


def _classes(tree):
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _defines(classes, name, method, seen=()):
    """Whether the class ``name`` of a module defines or inherits (from a
    class of the same module) the test ``method``."""
    node = classes.get(name)
    if node is None or name in seen:
        return False
    if any(isinstance(n, ast.FunctionDef) and n.name == method for n in node.body):
        return True
    bases = [base.id for base in node.bases if isinstance(base, ast.Name)]
    return any(_defines(classes, base, method, (*seen, name)) for base in bases)


def listed_test_exists(test_id):
    """``path::Class::method`` or ``path::function``, as pytest names them."""
    path, *names = test_id.split("::")
    if not path.startswith("tests/") or not (ROOT / path).is_file() or not names:
        return False
    tree = _module(path)
    if len(names) == 1:
        return any(
            isinstance(node, ast.FunctionDef) and node.name == names[0] for node in tree.body
        )
    if len(names) == 2:
        return _defines(_classes(tree), *names)
    return False


def test_table_is_well_formed():
    table = rows()
    assert table, TABLE
    assert list(table[0]) == ["pasal", "kewajiban", "fitur", "tes"]
    pasal = [row["pasal"] for row in table]
    assert len(pasal) == len(set(pasal)), "a Pasal is listed twice"
    for row in table:
        assert row["kewajiban"].strip(), row["pasal"]


def test_every_listed_test_exists():
    missing = [
        (row["pasal"], test_id)
        for row in rows()
        for test_id in row["tes"].split()
        if not listed_test_exists(test_id)
    ]
    assert not missing, f"tests named in {TABLE.name} that do not exist: {missing}"


def test_every_row_has_a_feature_and_tests_or_a_reason():
    for row in rows():
        feature = row["fitur"].strip()
        assert feature, f"{row['pasal']}: no feature and no reason"
        if not row["tes"].split():
            assert feature.startswith(REASONS), (
                f"{row['pasal']}: no test, and no reason ({' or '.join(REASONS)} ...)"
            )


def test_every_pasal_of_the_perbup_is_traced():
    text = PERBUP.read_text(encoding="utf-8")
    articles = {int(n) for n in re.findall(r"^\s*Pasal (\d+)\s*$", text, flags=re.MULTILINE)}
    assert articles == set(range(1, 19)), "the Perbup's text changed: read it again"
    traced = set()
    for row in rows():
        match = re.match(re.escape(PERBUP_NAME) + r" Pasal (\d+)\b", row["pasal"])
        if match:
            traced.add(int(match.group(1)))
    assert not articles - traced, f"Pasal not traced: {sorted(articles - traced)}"


def test_the_check_finds_what_is_missing():
    """The checks above can fail: a test that does not exist is found."""
    assert listed_test_exists("tests/unit/test_traceability.py::test_every_listed_test_exists")
    assert listed_test_exists(
        "tests/odoo/test_browser_flow.py::TestBrowserFlowPhone::test_whole_flow"
    )  # inherited from a class of the same module
    assert not listed_test_exists("tests/unit/test_traceability.py::test_that_does_not_exist")
    assert not listed_test_exists("tests/odoo/test_portal.py::TestPortal::test_nothing")
    assert not listed_test_exists("tests/odoo/no_such_file.py::TestX::test_y")
    assert not listed_test_exists("/etc/passwd::x")

"""The manuals quote the product's own messages (issue 14): every message
marked :pesan:`...` in docs/*.rst (the troubleshooting page above all) is,
word for word, the Indonesian translation (a msgstr) of a message in
ekonsultasi_addon/i18n/id.po, so that a changed message fails here until the
manual is changed with it. In a quote, a placeholder of the message
(``%(name)s``) is written as an example value or as ``<...>``. Without Odoo."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PO = ROOT / "ekonsultasi_addon" / "i18n" / "id.po"
ROLE = re.compile(r":pesan:`((?:[^`\\]|\\.)+)`", re.DOTALL)
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdf]")
# the troubleshooting page quotes at least this many (a check of nothing passes)
MIN_QUOTES = 20


def _unquote(line):
    text = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def msgstrs(path=PO):
    """Every non-empty msgstr of a PO file (plural forms included)."""
    found, current, key = [], [], None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith('"') and key:
            current.append(_unquote(line))
            continue
        if key == "msgstr" and "".join(current):
            found.append("".join(current))
        key, current = None, []
        if line.startswith("msgstr"):
            key, current = "msgstr", [_unquote(line)]
        elif line.startswith(("msgid", "msgctxt")):
            key = "other"
    return found


def _normal(text):
    return " ".join(text.split())


def pattern_of(msgstr):
    """A regular expression matching the message with any value in its
    placeholders."""
    parts = PLACEHOLDER.split(_normal(msgstr))
    return re.compile("(?:.+?)".join(re.escape(part) for part in parts), re.DOTALL)


def quotes(path):
    return [_normal(m[1].replace("\\`", "`")) for m in ROLE.finditer(path.read_text("utf-8"))]


def unknown_quotes(path, patterns):
    return [q for q in quotes(path) if not any(p.fullmatch(q) for p in patterns)]


def test_every_quoted_message_is_in_the_catalogue():
    patterns = [pattern_of(text) for text in msgstrs()]
    pages = sorted(DOCS.glob("*.rst"))
    problems = {page.name: unknown_quotes(page, patterns) for page in pages}
    problems = {name: missing for name, missing in problems.items() if missing}
    assert not problems, (
        "messages quoted in the manual that id.po does not have (changed in the "
        f"product? update the manual): {problems}"
    )


def test_the_troubleshooting_page_quotes_the_product():
    found = quotes(DOCS / "pemecahan_masalah.rst")
    assert len(found) >= MIN_QUOTES, found


def test_a_changed_message_is_caught(tmp_path):
    """The check itself: a quote whose words differ from the catalogue, or
    that is only part of a message, is reported; placeholders take values."""
    patterns = [pattern_of(text) for text in msgstrs()]
    page = tmp_path / "page.rst"
    page.write_text(
        "A :pesan:`Pencadangan gagal (Folder NAS): disk penuh` and\n"
        ":pesan:`Pencadangan gagal total (<tujuan>): <alasan>` and\n"
        ":pesan:`Berkas tidak dapat disimpan: penyimpanan server penuh` end.\n",
        encoding="utf-8",
    )
    assert unknown_quotes(page, patterns) == [
        "Pencadangan gagal total (<tujuan>): <alasan>",
        "Berkas tidak dapat disimpan: penyimpanan server penuh",
    ]


def test_catalogue_reader(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        'msgid "A"\nmsgstr ""\n"Satu \\"dua\\" "\n"tiga"\n\n'
        'msgid "B"\nmsgstr ""\n',
        encoding="utf-8",
    )
    assert msgstrs(po) == ["Language: id\n", 'Satu "dua" tiga']
